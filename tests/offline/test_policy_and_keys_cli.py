"""`anonymizer policy` and `anonymizer keys`."""

from __future__ import annotations

import base64

import pytest

from pipeline.cli.main import main
from pipeline.core.keys import KeyRing
from pipeline.core.policy import load_policy


def test_policy_command_renders_every_field(capsys) -> None:
    assert main(["policy"]) == 0
    out = capsys.readouterr().out
    for name in load_policy().fields:
        assert f"`{name}`" in out


def test_generated_keys_parse_and_rotation_keeps_the_old_key(monkeypatch, capsys) -> None:
    assert main(["keys", "generate", "--id", "2026q4"]) == 0
    first = capsys.readouterr().out.strip()
    ring = KeyRing.parse(first)
    assert ring.active.key_id == "2026q4" and len(ring.active.secret) >= 32
    monkeypatch.setenv("ANONYMIZER_KEYS", first)
    assert main(["keys", "rotate", "--id", "2027q1"]) == 0
    rotated = KeyRing.parse(capsys.readouterr().out.strip())
    assert rotated.ids == ("2027q1", "2026q4")
    assert rotated.get("2026q4").secret == ring.active.secret


def test_keys_check_prints_ids_never_secrets(monkeypatch, capsys) -> None:
    secret = base64.b64encode(bytes(range(40))).decode()
    monkeypatch.setenv("ANONYMIZER_KEYS", f"a1:{secret}")
    assert main(["keys", "check"]) == 0
    out = capsys.readouterr().out
    assert "a1" in out and secret not in out and "40 bytes" in out


@pytest.mark.parametrize(
    "bad", ["", "nocolon", "k:!!!", "k:" + base64.b64encode(b"x" * 8).decode()]
)
def test_keys_check_rejects_bad_rings(monkeypatch, capsys, bad: str) -> None:
    monkeypatch.setenv("ANONYMIZER_KEYS", bad)
    assert main(["keys", "check"]) == 2
    assert "ANONYMIZER_KEYS" in capsys.readouterr().err
