"""`--help` on every command, and each command's parser is the one the full CLI lists."""

from __future__ import annotations

import pytest

from pipeline.cli.main import COMMANDS, build_parser, main


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    assert f"usage: anonymizer {command}" in capsys.readouterr().out


def test_the_full_parser_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    build_parser().print_help()
    listed = capsys.readouterr().out
    assert all(command in listed for command in COMMANDS)
