"""Unknown `ANONYMIZER_*` variables: found, named with a suggestion, never their values."""

from __future__ import annotations

import base64
import faulthandler
import logging
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import pipeline.cli.worker
from pipeline.cli.main import main
from pipeline.config.env_names import DIRECT_NAMES, PREFIX, SETTINGS, known_names, unknown_names

REPO = Path(__file__).resolve().parents[2]
KEYS = "k1:" + base64.b64encode(bytes(range(32))).decode()
VALUE = "Value-That-Must-Never-Be-Printed"


def test_unknown_names_are_found_with_a_suggestion() -> None:
    found = unknown_names({"ANONYMIZER_BATCH_SIZ": VALUE, "ANONYMIZER_ZZZ": VALUE, "HOME": "/"})
    assert [(u.name, u.suggestion) for u in found] == [
        ("ANONYMIZER_BATCH_SIZ", "ANONYMIZER_BATCH_SIZE"),
        ("ANONYMIZER_ZZZ", None),
    ]
    assert [str(u) for u in found] == [
        "unknown setting ANONYMIZER_BATCH_SIZ (did you mean ANONYMIZER_BATCH_SIZE?)",
        "unknown setting ANONYMIZER_ZZZ",
    ]
    assert all(VALUE not in repr(u) for u in found)


def test_known_names_are_not_reported() -> None:
    environ = {name: VALUE for name in known_names()}
    environ["anonymizer_bootstrap_servers"] = VALUE  # the settings classes ignore case
    assert unknown_names(environ) == []


def test_every_settings_field_is_known() -> None:
    for cls in SETTINGS:
        for field in cls.model_fields:
            assert f"{PREFIX}{field.upper()}" in known_names()


def test_each_directly_read_name_is_read_somewhere() -> None:
    """Each name outside the settings classes appears in the package or the ops scripts."""
    sources = [p for p in (REPO / "pipeline").rglob("*.py") if p.name != "env_names.py"]
    sources += [p for p in (REPO / "ops").rglob("*.sh")]
    text = "\n".join(p.read_text() for p in sources)
    for name in DIRECT_NAMES:
        assert re.search(rf"\b{name}\b", text), name


def test_every_name_the_deployment_files_set_is_known() -> None:
    """The chart, compose file, Dockerfile, examples and benchmarks set only known names, or
    the worker they start would refuse to run."""
    paths = [REPO / "Dockerfile", REPO / "compose.yaml"]
    for folder in ("ops", "examples", "perf"):
        paths += [p for p in (REPO / folder).rglob("*") if p.is_file() and p.suffix != ".md"]
    used: set[str] = set()
    for path in paths:
        text = path.read_text(errors="replace") if path.exists() else ""
        used |= set(re.findall(r"\bANONYMIZER_[A-Z0-9_]*[A-Z0-9]\b", text))
    assert used, "no ANONYMIZER_* name found: the paths are wrong"
    assert sorted(used - known_names()) == []


@pytest.fixture
def restored_logging() -> Iterator[None]:
    """`anonymizer worker` replaces the root logger's handlers: put them back afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_the_worker_refuses_to_start_before_connecting(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], restored_logging: None
) -> None:
    for name in [n for n in os.environ if n.upper().startswith(PREFIX)]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("ANONYMIZER_KEYS", KEYS)
    monkeypatch.setenv("ANONYMIZER_BATCH_SIZ", VALUE)
    monkeypatch.setenv("ANONYMIZER_GROUPID", VALUE)

    def no_connection(*args: object, **kwargs: object) -> None:
        raise AssertionError("the worker connected before checking its settings")

    monkeypatch.setattr(pipeline.cli.worker, "build_setup", no_connection)
    monkeypatch.setattr(faulthandler, "register", lambda *args: None)  # needs a real stderr
    code = main(["worker", "--metrics-port", "0", "--bootstrap-servers", "127.0.0.1:1"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "anonymizer worker: configuration error: " in err
    assert "unknown setting ANONYMIZER_BATCH_SIZ (did you mean ANONYMIZER_BATCH_SIZE?)" in err
    assert "unknown setting ANONYMIZER_GROUPID (did you mean ANONYMIZER_GROUP_ID?)" in err
    assert VALUE not in err
