"""Schema evolution as a tested rule: every committed revision of each output schema, resolved
with fastavro reader/writer schemas; incompatible changes refused by `anonymizer schema check`."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import fastavro
import pytest
from fastavro.read import SchemaResolutionError

from pipeline.cli.main import main
from pipeline.codec.evolution import chain_problems, resolution_problems, samples
from pipeline.codec.history import FAMILIES, by_fingerprint, current_revision, revisions
from pipeline.codec.schema_check import check, check_all
from pipeline.codec.schemas import ANONYMIZED, DEAD_LETTER, load_schema
from pipeline.core import Engine
from pipeline.dev.traffic import TrafficGenerator
from pipeline.secrets.ephemeral import EphemeralDays
from tests.codec.schema_changes import COMPATIBLE, INCOMPATIBLE, with_symbol

PAIRS = [
    (f, w.number, r.number)
    for f in FAMILIES
    for w in revisions(f)
    for r in revisions(f)
    if w.number != r.number
]


def _roundtrip(record: dict[str, Any], writer: dict[str, Any], reader: dict[str, Any]) -> Any:
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, fastavro.parse_schema(writer), record)
    buffer.seek(0)
    return fastavro.schemaless_reader(
        buffer, fastavro.parse_schema(writer), fastavro.parse_schema(reader)
    )


@pytest.mark.parametrize("schema_file", FAMILIES)
def test_every_committed_revision_builds_and_the_current_file_is_the_last(
    schema_file: str,
) -> None:
    revs = revisions(schema_file)
    assert [r.number for r in revs] == list(range(1, len(revs) + 1))
    for rev in revs:
        fastavro.parse_schema(rev.schema)  # builds
        assert all(f.get("doc") for f in rev.schema["fields"]), rev.label
    assert current_revision(schema_file) == revs[-1]
    assert load_schema(schema_file) == revs[-1].schema


@pytest.mark.parametrize(("schema_file", "writer", "reader"), PAIRS)
def test_records_of_each_revision_decode_with_every_other(
    schema_file: str, writer: int, reader: int
) -> None:
    """FULL between neighbours and BACKWARD to every earlier revision: with the revisions
    committed now, that is every pair both ways, on records taking every branch."""
    w, r = revisions(schema_file)[writer - 1], revisions(schema_file)[reader - 1]
    records = samples(w.schema)
    symbols = [s for f in w.schema["fields"] if isinstance(f["type"], dict)
               for s in f["type"].get("symbols", [])]  # fmt: skip
    assert len(records) >= max(2, len({*symbols}) // 2)
    for record in records:
        assert _roundtrip(record, w.schema, r.schema) == _roundtrip(record, w.schema, w.schema)
    assert resolution_problems(w.schema, r.schema) == []


def test_what_the_engine_writes_now_decodes_with_revision_1() -> None:
    engine = Engine()
    events = TrafficGenerator(seed=3, garbage=0.0).events(300)
    result = engine.process([e.payload for e in events], EphemeralDays())
    r1 = fastavro.parse_schema(revisions(ANONYMIZED)[0].schema)
    current = fastavro.parse_schema(load_schema(ANONYMIZED))
    assert len(result.records) == 300
    for record in result.records:
        body = io.BytesIO(record.value[10:])
        decoded = fastavro.schemaless_reader(body, current, r1)
        assert decoded["event_id"] == engine.as_dict(record)["event_id"]
        assert decoded["event_type"] == engine.as_dict(record)["event_type"]


def test_revisions_differing_in_defaults_share_a_fingerprint() -> None:
    """The Parsing Canonical Form leaves out defaults and docs: adding EventType's default made
    revision 2 without changing the single-object fingerprint (single-object readers cannot
    tell r1 and r2 apart, and need not: they parse alike). A registry keys them apart."""
    r1, r2 = revisions(ANONYMIZED)
    assert r1.schema != r2.schema and r1.fingerprint == r2.fingerprint
    assert by_fingerprint(ANONYMIZED) == {r2.fingerprint: r2}


def test_the_enum_default_is_what_lets_a_new_event_type_in() -> None:
    r1, r2 = (r.schema for r in revisions(ANONYMIZED))
    future = with_symbol(r2, "form_submit")
    record = next(s for s in samples(future) if s["event_type"] == "form_submit")
    assert _roundtrip(record, future, r2)["event_type"] == "page_view"  # r2 readers: the default
    with pytest.raises(SchemaResolutionError, match="form_submit not found in reader symbol"):
        _roundtrip(record, future, r1)  # a reader of r1, which had no default, breaks
    assert chain_problems([("r2", r2), ("r3", future)]) == []
    assert chain_problems([("r1", r1), ("r2", with_symbol(r1, "form_submit"))])


@pytest.mark.parametrize("change", sorted(INCOMPATIBLE))
def test_schema_check_refuses_an_incompatible_change(change: str, tmp_path: Path, capsys) -> None:
    candidate = INCOMPATIBLE[change]
    verdict = check(ANONYMIZED, candidate)
    assert verdict.problems and not verdict.ok, change
    path = tmp_path / "candidate.avsc"
    path.write_text(json.dumps(candidate))
    if change == "the record renamed":  # no output schema has that name
        assert main(["schema", "check", "--candidate", str(path)]) == 2
        return
    assert main(["schema", "check", "--candidate", str(path)]) == 1
    err = capsys.readouterr().err
    assert "the rule is broken" in err and "r3 (candidate)" in err
    print(change, "->", verdict.problems[0])


@pytest.mark.parametrize("change", sorted(COMPATIBLE))
def test_a_compatible_change_passes_but_must_be_committed(
    change: str, tmp_path: Path, capsys
) -> None:
    verdict = check(ANONYMIZED, COMPATIBLE[change])
    assert verdict.problems == [], change
    assert verdict.pending and "avro/history/anonymized_web_event.v1/r3.avsc" in verdict.pending
    path = tmp_path / "candidate.avsc"
    path.write_text(json.dumps(COMPATIBLE[change]))
    assert main(["schema", "check", "--candidate", str(path)]) == 1
    assert "keeps the rule as r3: commit it as" in capsys.readouterr().err


def test_schema_check_passes_on_the_committed_tree(capsys) -> None:
    assert all(v.ok for v in check_all())
    assert main(["schema", "check"]) == 0
    err = capsys.readouterr().err
    assert "anonymized_web_event.v1.avsc (r1, r2): ok" in err
    assert "dead_letter.v1.avsc (r1): ok" in err
    assert check(DEAD_LETTER).labels == ["dead_letter.v1 r1"]
