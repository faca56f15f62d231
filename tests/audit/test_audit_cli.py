"""`anonymizer audit` on files: exit codes, --json, and a run on the real engine's output."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import orjson
import pytest

from pipeline.cli.main import main
from pipeline.core import Engine
from pipeline.dev.traffic import TrafficGenerator
from pipeline.offline.writers import AvroContainer, JsonlRecords
from pipeline.secrets.ephemeral import EphemeralDays
from tests.audit.audit_records import record

POLICY = resources.files("pipeline.policies").joinpath("web-events.v1.toml").read_text("utf-8")
PSEUDONYMS = ("event_id", "visitor_key", "session_key")


def _policy(tmp_path: Path, table: str) -> Path:
    start = POLICY.index("[audit]\n")
    end = POLICY.index("\n[", start + 1) + 1
    path = tmp_path / "policy.toml"
    path.write_text(POLICY[:start] + table + "\n" + POLICY[end:], "utf-8")
    return path


def _jsonl(path: Path, records: list[dict]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    return path


def _audit(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["audit", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_within_the_limits_it_exits_0_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = _jsonl(tmp_path / "out.jsonl", [record(visitor_key=f"v{i % 3}") for i in range(9)])
    policy = _policy(tmp_path, '[audit]\nquasi_identifiers = ["region"]\nmax_canaries = 0\n'
                               "max_unique_visitor_share = 0.0")  # fmt: skip
    code, out, _ = _audit(capsys, "--input", str(records), "--policy", str(policy), "-q")
    assert code == 0
    said = " ".join(out.split())
    assert "Audit of " in said and ": 9 records, 1 site-days, policy web-events/1" in said
    assert "Within every limit." in said


def test_a_crossed_limit_exits_1_and_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = _jsonl(
        tmp_path / "out.jsonl",
        [record(title="mail taro@example.com", visitor_key="v1"), record(visitor_key="v2")],
    )
    report = tmp_path / "audit.json"
    code, out, _ = _audit(capsys, "--input", str(records), "--json", str(report), "-q")
    assert code == 1
    assert "max_canaries = 0 crossed: 1 personal-data findings" in " ".join(out.split())
    assert "taro@example.com" not in out  # what was found is never repeated
    figures = orjson.loads(report.read_bytes())
    assert figures["canaries"]["by_field_and_kind"] == [
        {"field": "title", "kind": "email", "count": 1, "first_records": [0]}]  # fmt: skip
    assert [c["name"] for c in figures["limits"] if c["crossed"]] == ["max_canaries"]
    assert "taro@example.com" not in report.read_text()


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--input", "out.jsonl", "--from", "2026-01-01"], "--input reads a file"),
        (["--input", "missing.jsonl"], "cannot read missing.jsonl"),
        (["--input", "empty.jsonl"], "no anonymized records in empty.jsonl"),
        (["--input", "raw.jsonl"], "raw.jsonl line 1: not an anonymized record"),
        (["--input", "out.jsonl", "--policy", "no-audit.toml"], "has no [audit] table"),
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                             argv: list[str], says: str) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    _jsonl(tmp_path / "out.jsonl", [record()])
    (tmp_path / "empty.jsonl").write_text("")
    (tmp_path / "raw.jsonl").write_text('{"event_id": "x", "url": "https://a.example/"}\n')
    _policy(tmp_path, "").rename(tmp_path / "no-audit.toml")
    code, _, err = _audit(capsys, *argv)
    assert code == 2 and says in err


def test_help_shows_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["audit", "--help"])
    text = capsys.readouterr().out
    assert "anonymizer audit --input out.jsonl --json audit.json" in text
    assert "exit status: 0" in text


def test_the_real_engines_output_in_both_formats(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = Engine()
    payloads = TrafficGenerator(seed=5, garbage=0.05).payloads(4000)
    result = engine.process(payloads, EphemeralDays())
    values = [engine.as_dict(r) for r in result.records]
    with open(tmp_path / "out.jsonl", "wb") as fh:
        JsonlRecords(fh, engine).write(result.records)
    with open(tmp_path / "out.avro", "wb") as fh:
        AvroContainer(fh, engine.schema).write(result.records)

    runs = {}
    for name in ("out.jsonl", "out.avro"):
        report = tmp_path / f"{name}.json"
        code, _, _ = _audit(capsys, "--input", str(tmp_path / name), "--json", str(report))
        figures = orjson.loads(report.read_bytes())
        assert code == (1 if any(c["crossed"] for c in figures["limits"]) else 0)
        runs[name] = {k: v for k, v in figures.items() if k != "source"}
    assert runs["out.jsonl"] == runs["out.avro"]
    figures = runs["out.jsonl"]

    assert figures["records"] == len(values) > 3500
    assert figures["canaries"]["findings"] == 0  # the scrubber caught what its detectors see
    assert figures["places"]["below_minimum"] == 0
    assert all(p["population"] >= 15_000 for p in figures["places"]["places"])
    links = {row["field"]: row["linked_records"] for row in figures["join_keys"]["fields"]}
    assert [links[name] for name in (*PSEUDONYMS, "last_visit_time")] == [0, 0, 0, 0]
    provenance = figures["provenance"]
    assert provenance["policy_version"] == {"web-events/1": len(values)}
    assert provenance["geo_db"] == {engine.geo.build: len(values)}
    assert provenance["key_id"] == dict(sorted(
        (k, sum(v["key_id"] == k for v in values)) for k in {v["key_id"] for v in values}))  # fmt: skip
    overall = figures["uniqueness"]["overall"]
    site_days = {(v["site_id"], v["event_time"] // 86_400_000) for v in values}
    assert len(figures["uniqueness"]["site_days"]) == len(site_days)
    assert overall["visitors"] == len({(v["site_id"], v["event_time"] // 86_400_000,
                                        v["visitor_key"]) for v in values if v["visitor_key"]})  # fmt: skip
