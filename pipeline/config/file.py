"""The one TOML config file: which file, and its sections (one per settings class).

The file is `--config-file PATH` (any command that reads settings), else
`$ANONYMIZER_CONFIG_FILE`, else none. Its sections are `[engine]`, `[kafka]`, `[worker]` and
`[registry]`; anything else in it (another section, a key outside a section) is a ConfigError
naming it. Keys inside a section are checked by the section's settings class.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError

CONFIG_FILE_ENV = "ANONYMIZER_CONFIG_FILE"
SECTIONS = ("engine", "kafka", "worker", "registry")
_explicit: ContextVar[Path | None] = ContextVar("config_file", default=None)  # one load's
_command: list[Path | None] = [None]  # the running command's --config-file, seen by every thread


@contextmanager
def use_config_file(path: Path | str | None) -> Iterator[None]:
    """While inside, settings are read from `path` (the running command's --config-file) rather
    than $ANONYMIZER_CONFIG_FILE, in every thread; None changes nothing."""
    previous = _command[0]
    _command[0] = Path(path) if path else previous
    try:
        yield
    finally:
        _command[0] = previous


@contextmanager
def loading_from(path: Path | str | None) -> Iterator[None]:
    """While inside, this context's settings are read from `path` (a loader's explicit file);
    None changes nothing."""
    token = _explicit.set(Path(path) if path else _explicit.get())
    try:
        yield
    finally:
        _explicit.reset(token)


def config_file() -> Path | None:
    """The config file in use: a loader's explicit file, else the command's --config-file, else
    $ANONYMIZER_CONFIG_FILE, else None."""
    chosen = _explicit.get() or _command[0]
    if chosen is not None:
        return chosen
    named = os.environ.get(CONFIG_FILE_ENV)
    return Path(named) if named else None


def read_config_file(path: Path) -> dict[str, dict[str, Any]]:
    """Every section of the config file at `path`; a ConfigError if it cannot be read or holds
    anything but the known sections (only names are printed, never values)."""
    try:
        with path.expanduser().open("rb") as fh:
            doc = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    except OSError as exc:
        raise ConfigError(f"config file {path} cannot be read: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} cannot be read: {exc}") from None
    known = ", ".join(f"[{s}]" for s in SECTIONS)
    problems = []
    for name, value in doc.items():
        if not isinstance(value, dict):
            problems.append(f"{name}: a key outside the sections ({known})")
        elif name not in SECTIONS:
            problems.append(f"[{name}]: unknown section (the sections: {known})")
    if problems:
        raise ConfigError(f"invalid config file {path}:" + "".join(f"\n  {p}" for p in problems))
    return doc


def read_section(path: Path | None, section: str) -> dict[str, Any]:
    """The `[section]` table of the config file at `path` (empty without a file or section)."""
    return dict(read_config_file(path).get(section, {})) if path is not None else {}
