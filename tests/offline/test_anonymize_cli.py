"""The offline mode as a user runs it: `anonymizer anonymize` on files, through the CLI, with its
default ephemeral day secrets (the store mode is in test_anonymize_store.py)."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import fastavro
import orjson
import pytest

from pipeline.cli.main import main
from pipeline.core.client_ip import parse_ip
from pipeline.core.day_keys import day_of_key_id
from pipeline.core.policy import Action, load_policy
from pipeline.core.url import scrub as scrub_url
from pipeline.dev.traffic import TrafficGenerator
from pipeline.secrets.days import day_of

KEYS = "t1:" + base64.b64encode(bytes(range(32))).decode()


@pytest.fixture()
def raw(tmp_path: Path) -> tuple[Path, list]:
    events = list(TrafficGenerator(seed=3, garbage=0.1).events(3000))
    path = tmp_path / "raw.jsonl"
    path.write_bytes(b"".join(e.payload + b"\n" for e in events))
    return path, events


@pytest.fixture(autouse=True)
def keys_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANONYMIZER_KEYS", KEYS)


def _run(*args: str) -> int:
    return main(["anonymize", *args, "--quiet"])


def test_every_line_comes_out_once_as_record_or_dead_letter(tmp_path: Path, raw) -> None:
    path, events = raw
    out, rej, summary = tmp_path / "out.jsonl", tmp_path / "rej.jsonl", tmp_path / "s.json"
    assert (
        _run("-i", str(path), "-o", str(out), "-r", str(rej), "--summary-json", str(summary)) == 0
    )
    records = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    rejects = [orjson.loads(line) for line in rej.read_bytes().splitlines()]
    assert len(records) + len(rejects) == len(events)
    valid = [orjson.loads(e.payload) for e in events if e.garbage is None]
    assert len(records) == len(valid) == len({r["event_id"] for r in records})
    assert not {r["event_id"] for r in records} & {v["event_id"] for v in valid}
    # each record made under the key of its event's day
    assert [day_of_key_id(r["key_id"]) for r in records] == [day_of(v["event_time"]) for v in valid]
    garbage_lines = sorted(i for i, e in enumerate(events) if e.garbage)
    assert sorted(r["source_offset"] for r in rejects) == garbage_lines
    stats = json.loads(summary.read_text())
    assert stats["records_in"] == len(events)
    assert stats["records_out"] == len(records)
    assert sum(stats["rejected"].values()) == len(rejects)
    assert stats["fields_dropped"]["visitor_cookie"] > 0


def test_dead_letters_are_sealed_and_show_no_input(tmp_path: Path, raw) -> None:
    path, events = raw
    rej = tmp_path / "rej.jsonl"
    assert _run("-i", str(path), "-o", str(tmp_path / "o.jsonl"), "-r", str(rej)) == 0
    payloads = {e.payload for e in events}
    for line in rej.read_bytes().splitlines():
        dead = orjson.loads(line)
        assert base64.b64decode(dead["sealed_payload"]) not in payloads
        readable = {k: v for k, v in dead.items() if k != "sealed_payload"}
        assert "@" not in json.dumps(readable)


PSEUDONYMS = ("event_id", "visitor_key", "session_key")


def test_ephemeral_pseudonyms_link_records_within_one_run_only(tmp_path: Path, raw) -> None:
    path, _ = raw
    runs = []
    for name in ("a", "b"):
        out, rej = tmp_path / f"{name}.jsonl", tmp_path / f"{name}.r"
        assert _run("-i", str(path), "-o", str(out), "-r", str(rej)) == 0
        records = [orjson.loads(x) for x in out.read_bytes().splitlines()]
        runs.append((records, [orjson.loads(x) for x in rej.read_bytes().splitlines()]))
    (a, dead_a), (b, dead_b) = runs
    assert len(a) == len(b) > 1000
    for name in PSEUDONYMS:
        pairs = {(x[name], y[name]) for x, y in zip(a, b, strict=True) if x[name] is not None}
        assert pairs and all(p != q for p, q in pairs), name  # another run, other pseudonyms
        # ... but the same links: equal in one run exactly where equal in the other
        assert len({p for p, _ in pairs}) == len({q for _, q in pairs}) == len(pairs), name
    assert len({x["visitor_key"] for x in a}) < len(a) * 0.8  # returning visitors are linked
    assert not {x["key_id"] for x in a} & {y["key_id"] for y in b}
    assert [_but_pseudonyms(x) for x in a] == [_but_pseudonyms(y) for y in b]
    assert [d["reason"] for d in dead_a] == [d["reason"] for d in dead_b]
    assert not {d["sealed_payload"] for d in dead_a} & {d["sealed_payload"] for d in dead_b}


def test_the_ephemeral_mode_says_what_it_means_and_needs_no_key(
    tmp_path: Path, raw, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("ANONYMIZER_KEYS")
    path, events = raw
    args = ["anonymize", "-i", str(path), "-o", str(tmp_path / "o"), "-r", str(tmp_path / "r")]
    assert main(args) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert "pseudonyms link records within this run only" in err
    assert "dead letters can never be opened after it" in err
    assert len((tmp_path / "o").read_bytes().splitlines()) == sum(not e.garbage for e in events)


def test_avro_container_output_reads_back_with_plain_fastavro(tmp_path: Path, raw) -> None:
    path, _ = raw
    out_json, out_avro = tmp_path / "o.jsonl", tmp_path / "o.avro"
    assert _run("-i", str(path), "-o", str(out_json), "-r", str(tmp_path / "r1")) == 0
    assert (
        _run("-i", str(path), "-o", str(out_avro), "-r", str(tmp_path / "r2"), "--format", "avro")
        == 0
    )
    with out_avro.open("rb") as fh:
        from_avro = [_epoch_ms(r) for r in fastavro.reader(fh)]
    from_json = [orjson.loads(line) for line in out_json.read_bytes().splitlines()]
    assert len(from_avro) == len(from_json) > 1000
    # Two runs, two sets of ephemeral secrets: all but the pseudonyms is equal (the store mode
    # compares whole records, in test_anonymize_store.py).
    assert [_but_pseudonyms(r) for r in from_avro] == [_but_pseudonyms(r) for r in from_json]
    assert all(len(r["event_id"]) == 36 for r in from_avro)
    assert all(len(r["visitor_key"] or "x" * 22) == 22 for r in from_avro)


def _but_pseudonyms(record: dict) -> dict:
    return {k: v for k, v in record.items() if k not in (*PSEUDONYMS, "key_id")}


def _epoch_ms(record: dict) -> dict:
    """fastavro reads timestamp-millis as datetimes; the JSON form has epoch milliseconds."""
    return {
        k: round(v.timestamp() * 1000) if isinstance(v, datetime) else v for k, v in record.items()
    }


def test_blank_and_whitespace_lines_are_records_too(tmp_path: Path) -> None:
    path = tmp_path / "raw.jsonl"
    path.write_bytes(b"\n   \n{}\n")
    rej = tmp_path / "r.jsonl"
    assert _run("-i", str(path), "-o", str(tmp_path / "o"), "-r", str(rej)) == 0
    reasons = [orjson.loads(x)["reason"] for x in rej.read_bytes().splitlines()]
    assert reasons == ["not_json", "not_json", "missing_field"]


def test_the_store_without_a_key_is_a_clear_start_up_error(
    tmp_path: Path, raw, monkeypatch, capsys
) -> None:
    monkeypatch.delenv("ANONYMIZER_KEYS")
    path, _ = raw
    code = main(["anonymize", "-i", str(path), "-o", str(tmp_path / "o"), "-r",
                 str(tmp_path / "r"), "--day-secrets", "store"])  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err
    assert "ANONYMIZER_KEYS is not set" in err
    assert not (tmp_path / "o").exists() or (tmp_path / "o").stat().st_size == 0


def test_short_key_error_never_prints_the_key(tmp_path: Path, raw, monkeypatch, capsys) -> None:
    secret = base64.b64encode(b"short-secret-value").decode()
    monkeypatch.setenv("ANONYMIZER_KEYS", f"k1:{secret}")
    path, _ = raw
    assert main(["anonymize", "-i", str(path), "-r", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert "at least 32 random bytes" in err
    assert secret not in err


def test_stdin_to_stdout_through_the_console_script(tmp_path: Path, raw) -> None:
    path, events = raw
    env = {**os.environ, "ANONYMIZER_KEYS": KEYS}
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.cli.main", "anonymize", "-i", "-", "-r", str(tmp_path / "r")],
        input=path.read_bytes(), capture_output=True, env=env, check=True,
    )  # fmt: skip
    lines = done.stdout.splitlines()
    assert len(lines) == sum(1 for e in events if e.garbage is None)
    assert b"records in" in done.stderr  # the summary goes to stderr, records to stdout
    raw_ips = {orjson.loads(e.payload).get("ip") for e in events if e.garbage is None}
    raw_ips = {ip.strip() for ip in raw_ips if isinstance(ip, str) and parse_ip(ip) is not None}
    assert len(raw_ips) > 100
    assert not any(ip.encode() in done.stdout or ip.encode() in done.stderr for ip in raw_ips)


def test_help_on_every_command() -> None:
    for command in (["anonymize"], ["policy"], ["keys"], ["keys", "generate"], ["keys", "rotate"]):
        with pytest.raises(SystemExit) as exit_info:
            main([*command, "--help"])
        assert exit_info.value.code == 0


def test_the_summary_never_prints_an_unknown_key_that_is_input(tmp_path: Path, capsys) -> None:
    event = orjson.loads(
        next(e for e in TrafficGenerator(seed=3).events(50) if not e.garbage).payload
    )
    event.update({"taro_yamada": 1, "09012345678": 2, "kentasuzuki@example.com": 3, "email": 4})
    event.pop("visitor_cookie", None)
    path, summary = tmp_path / "raw.jsonl", tmp_path / "s.json"
    path.write_bytes(orjson.dumps(event) + b"\n")
    assert main(["anonymize", "-i", str(path), "-o", str(tmp_path / "o.jsonl"),
                 "-r", str(tmp_path / "r.jsonl"), "--summary-json", str(summary)]) == 0  # fmt: skip
    shown = capsys.readouterr().err + summary.read_text()
    for secret in ("taro_yamada", "09012345678", "kentasuzuki"):
        assert secret not in shown
    dropped = json.loads(summary.read_text())["fields_dropped"]
    assert dropped["(other)"] == 3 and dropped["email"] == 1
    policy = load_policy()
    drop_fields = {r.name for r in policy.with_action(Action.DROP)}
    fixed = {scrub_url.QUERY_NAME, scrub_url.QUERY_PARAM, scrub_url.REFERRER_SCHEME,
             scrub_url.REFERRER_INVALID, "(other)"}  # fmt: skip
    assert set(dropped) <= policy.known_unknown_keys | drop_fields | fixed


def test_a_reader_that_goes_away_stops_the_command_quietly(raw) -> None:
    path, _events = raw
    env = {**os.environ, "ANONYMIZER_KEYS": KEYS}
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli.main", "anonymize", "-i", str(path), "-r", os.devnull],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline().startswith(b'{"event_id":')  # like `| head -1`
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(60) == 141  # 128 + SIGPIPE
    assert b"Traceback" not in err and b"BrokenPipe" not in err


def test_sample_can_start_now_for_the_store_mode(tmp_path: Path) -> None:
    path = tmp_path / "now.jsonl"
    before = int(time.time() * 1000)
    assert (
        main(["sample", "-n", "5", "--garbage", "0", "--start-ms", "now", "-o", str(path), "-q"])
        == 0
    )
    first = orjson.loads(path.read_bytes().splitlines()[0])
    assert before <= first["event_time"] <= int(time.time() * 1000)
