"""`--help` on every command, and each command's parser is the one the full CLI lists."""

from __future__ import annotations

import pytest

from pipeline.cli.main import COMMANDS, ROLES, build_parser, main


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


def test_the_top_help_lists_each_command_once_under_its_role(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    registered = set(build_parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    assert registered == set(COMMANDS)
    listed = [line.split()[0] for line in out.splitlines() if line.startswith("    ")]
    assert sorted(listed) == sorted(COMMANDS)  # each once, none missing
    grouped: dict[str, list[str]] = {}
    role = ""
    for line in out.split("commands:\n", 1)[1].splitlines():
        if line.startswith("    "):
            grouped[role].append(line.split()[0])
        elif line.startswith("  ") and line.endswith(":"):
            role = line.strip().removesuffix(":")
            grouped[role] = []
    assert grouped == {role: list(commands) for role, commands in ROLES.items()}
    assert "%%" not in out and "usage: anonymizer [-h] [--version] COMMAND ..." in out
