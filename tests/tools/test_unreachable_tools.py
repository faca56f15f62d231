"""Every command that reads Kafka says 'Kafka unreachable' and exits 4 when no cluster answers
(not 2, the configuration error, and never a traceback)."""

from __future__ import annotations

import base64

import pytest

from pipeline.cli.main import main

CLOSED = ["--bootstrap-servers", "127.0.0.1:1"]  # nothing listens on port 1
COMMANDS = {
    "inspect": ["inspect", "--limit", "1"],
    "audit": ["audit", "--topic"],
    "dead-letters list": ["dead-letters", "list"],
    "keys status": ["keys", "status"],
    "replay": ["replay", "--from", "2026-12-01T00:00Z", "-o", "{tmp}/o", "-r", "{tmp}/r"],
    "lag": ["lag", "--timeout", "2"],
}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_no_cluster_is_exit_4(
    name: str, tmp_path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ANONYMIZER_KEYS", "k1:" + base64.b64encode(bytes(32)).decode())
    args = [a.replace("{tmp}", str(tmp_path)) for a in COMMANDS[name]] + CLOSED
    assert main(args) == 4
    err = capsys.readouterr().err
    assert f"anonymizer {args[0]}: Kafka unreachable: " in err
    assert "configuration error" not in err and "Traceback" not in err
