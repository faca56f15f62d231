"""One TOML config file with a section per settings class, read by one loader: precedence flag >
environment > file > default; unknown sections and keys are mistakes named without values;
`--config-file` on every command that reads settings."""

from __future__ import annotations

import argparse
import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli.main import COMMANDS, WITHOUT_SETTINGS, build_parser, main
from pipeline.config.engine import load_engine_settings
from pipeline.config.file import SECTIONS
from pipeline.config.kafka import load_kafka_settings
from pipeline.config.registry import load_registry_settings
from pipeline.config.table import SECTIONS as TABLE_SECTIONS
from pipeline.config.worker import load_worker_settings
from pipeline.errors import ConfigError

SECRET = "hunter2-Very-Secret"
KEY = "k1:" + base64.b64encode(bytes(range(32))).decode()

pytestmark = pytest.mark.usefixtures("clean_env")

FULL = """
[engine]
max_record_bytes = 200000
trusted_proxies = "10.0.0.0/8"
[kafka]
bootstrap_servers = "file:9092"
group_id = "file-group"
[worker]
runtime = "faust"
batch_size = 123
max_wait_ms = 7
[registry]
wire_format = "confluent"
schema_registry_url = "http://registry:8080"
"""


def _file(tmp_path: Path, text: str, name: str = "anonymizer.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_every_section_is_read(tmp_path: Path) -> None:
    path = _file(tmp_path, FULL)
    assert load_engine_settings(config_file=path).max_record_bytes == 200_000
    assert load_kafka_settings(path).group_id == "file-group"
    worker = load_worker_settings(path)
    assert (worker.runtime, worker.batch_size, worker.max_wait_ms) == ("faust", 123, 7)
    assert load_registry_settings(path).schema_registry_url == "http://registry:8080"


def test_the_sections_are_the_settings_classes() -> None:
    assert {cls.section for _, cls in TABLE_SECTIONS} == set(SECTIONS)


def test_flag_over_environment_over_file_over_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _file(tmp_path, FULL)
    monkeypatch.setenv("ANONYMIZER_BATCH_SIZE", "456")
    monkeypatch.setenv("ANONYMIZER_RUNTIME", "confluent")
    worker = load_worker_settings(path, batch_size=789)
    assert worker.batch_size == 789  # the flag
    assert worker.runtime == "confluent"  # the environment over the file
    assert worker.max_wait_ms == 7  # the file over the default (and over the profile's)
    assert worker.metrics_port == 9464  # the default
    assert load_worker_settings(path, batch_size=None).batch_size == 456  # no flag given


def test_the_environment_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANONYMIZER_CONFIG_FILE", str(_file(tmp_path, FULL)))
    assert load_worker_settings().runtime == "faust"
    other = _file(tmp_path, '[worker]\nruntime = "confluent"\n', "other.toml")
    assert load_worker_settings(other).runtime == "confluent"  # an explicit file wins


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f'[kafka]\nsasl_passwrd = "{SECRET}"\n', ["invalid Kafka settings:",
         "  sasl_passwrd: unknown setting"]),
        (f'[worker]\nbatch_size = 5\nbatchsize = "{SECRET}"\n', ["invalid worker settings:",
         "  batchsize: unknown setting"]),
        (f'[engine]\nkey = "{SECRET}"\n', ["invalid engine settings:", "  key: unknown setting"]),
        (f'[kafkaa]\nsasl_password = "{SECRET}"\n', ["invalid config file {path}:",
         "  [kafkaa]: unknown section (the sections: [engine], [kafka], [worker], [registry])"]),
        (f'sasl_password = "{SECRET}"\n[kafka]\n', ["invalid config file {path}:",
         "  sasl_password: a key outside the sections ([engine], [kafka], [worker], [registry])"]),
    ],
)  # fmt: skip
def test_unknown_names_are_mistakes_without_values(
    tmp_path: Path, text: str, expected: list[str]
) -> None:
    path = _file(tmp_path, text)
    loaders = (load_engine_settings, load_kafka_settings, load_worker_settings)
    messages = []
    for load in loaders:
        try:
            load(config_file=path)
        except ConfigError as exc:
            messages.append(str(exc))
    assert [line.format(path=path) for line in expected] in [m.splitlines() for m in messages]
    assert all(SECRET not in m for m in messages)


def test_file_problems(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_worker_settings(tmp_path / "missing.toml")
    with pytest.raises(ConfigError, match="cannot be read"):
        load_registry_settings(_file(tmp_path, "[worker\n"))


def test_the_key_ring_in_the_file_is_named_as_its_source(tmp_path: Path) -> None:
    short = base64.b64encode(b"short").decode()
    path = _file(tmp_path, f'[engine]\nkeys = "k1:{short}"\n')
    with pytest.raises(ConfigError) as err:
        load_engine_settings(config_file=path).key_ring()
    assert f"config file {path} [engine] keys" in str(err.value) and short not in str(err.value)
    good = _file(tmp_path, f'[engine]\nkeys = "{KEY}"\n', "good.toml")
    assert load_engine_settings(config_file=good).key_ring().ids == ("k1",)


def _leaves(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """The parsers a command line ends in: the command's, or each of its actions'."""
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return [leaf for sub in subs for p in sub.choices.values() for leaf in _leaves(p)] or [parser]


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_config_file_on_every_command_that_reads_settings(command: str) -> None:
    (top,) = [a for a in build_parser(command)._actions if a.dest == "command"]
    for leaf in _leaves(top.choices[command]):  # type: ignore[index]
        has = any("--config-file" in action.option_strings for action in leaf._actions)
        assert has == (command not in WITHOUT_SETTINGS), leaf.prog


def test_config_json_shows_file_values_and_sources(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANONYMIZER_KEYS", KEY)
    monkeypatch.setenv("ANONYMIZER_GROUP_ID", "env-group")
    path = _file(
        tmp_path,
        FULL.replace("[registry]", '[registry]\nschema_registry_user_info = "u:' + SECRET + '"'),
    )
    assert main(["config", "--config-file", str(path), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["kafka"]["bootstrap_servers"] == "file:9092"
    assert doc["sources"]["kafka"]["bootstrap_servers"] == "file"
    assert (doc["kafka"]["group_id"], doc["sources"]["kafka"]["group_id"]) == ("env-group", "env")
    assert doc["worker"]["runtime"] == "faust" and doc["sources"]["worker"]["runtime"] == "file"
    assert doc["sources"]["worker"]["hang_seconds"] == "default"
    assert doc["engine"]["max_record_bytes"] == 200_000
    assert doc["registry"]["schema_registry_user_info"] == "u:***"
    assert SECRET not in json.dumps(doc)


def test_a_bad_file_is_listed_once_by_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANONYMIZER_KEYS", KEY)
    path = _file(tmp_path, "[nope]\nx = 1\n")
    assert main(["config", "--config-file", str(path), "--json"]) == 2
    errors = json.loads(capsys.readouterr().out)["errors"]
    assert errors == [
        f"config file {path}: [nope]: unknown section (the sections: [engine], [kafka], "
        "[worker], [registry])"
    ]


def test_the_flag_reaches_a_command_in_a_real_process(tmp_path: Path) -> None:
    """`anonymize` builds its engine from the file's [engine] section; --config-file wins over
    $ANONYMIZER_CONFIG_FILE."""
    bad = _file(tmp_path, '[engine]\npolicy = "/no/such/policy.toml"\n', "bad.toml")
    good = _file(tmp_path, "[engine]\n", "good.toml")
    (tmp_path / "in.jsonl").write_text("")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ANONYMIZER_")}
    env = {**clean, "ANONYMIZER_KEYS": KEY, "ANONYMIZER_CONFIG_FILE": str(good)}
    argv = [
        sys.executable,
        "-m",
        "pipeline.cli.main",
        "anonymize",
        "-i",
        "in.jsonl",
        "-r",
        "r.jsonl",
    ]
    run = {"cwd": tmp_path, "env": env, "capture_output": True, "text": True, "timeout": 120}
    done = subprocess.run([*argv, "--config-file", str(bad)], check=False, **run)  # type: ignore[call-overload]
    assert done.returncode == 2, done.stderr
    assert "anonymizer anonymize: configuration error: " in done.stderr
    assert "/no/such/policy.toml" in done.stderr
    done = subprocess.run(argv, check=False, **run)  # type: ignore[call-overload]
    assert done.returncode == 0, done.stderr


def test_commands_reading_only_the_key_ring_read_it_from_the_file_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`keys check` reads the key ring alone: from the file's [engine] keys when neither
    $ANONYMIZER_KEYS nor --keys-file gives it."""
    path = _file(tmp_path, f'[engine]\nkeys = "{KEY}"\n')
    assert main(["keys", "check", "--config-file", str(path)]) == 0
    out = capsys.readouterr().out
    assert "k1\tactive" in out and KEY.split(":")[1] not in out
