"""What every settings class shares: loading with one ConfigError, a TOML file's table, masked
printing."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, TypeVar

from pydantic import SecretStr, ValidationError
from pydantic_settings import BaseSettings

from pipeline.errors import ConfigError, validation_lines

MASK = "***"
S = TypeVar("S", bound=BaseSettings)


def load_settings(
    cls: type[S], what: str, overrides: dict[str, Any], *, skip_none: bool = True
) -> S:
    """`cls` from `overrides` (None ones left out if `skip_none`: the environment or the default
    applies) and its other sources; one ConfigError "invalid `what` settings:" listing every
    mistake on its own line (field and problem, never a value)."""
    given = {k: v for k, v in overrides.items() if v is not None} if skip_none else overrides
    try:
        return cls(**given)
    except ValidationError as exc:
        lines = "\n".join(f"  {line}" for line in validation_lines(exc))
        raise ConfigError(f"invalid {what} settings:\n{lines}") from None


def read_toml_table(path: Path, table: str) -> dict[str, Any]:
    """The `[table]` table of a TOML config file (empty if the file has none)."""
    try:
        with path.expanduser().open("rb") as fh:
            doc = tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(f"config file {path} does not exist") from exc
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"config file {path} cannot be read: {exc}") from exc
    data = doc.get(table, {})
    if not isinstance(data, dict):
        raise ConfigError(f"config file {path}: `{table}` must be a table ([{table}])")
    return data


def masked(settings: BaseSettings, **shown: Any) -> dict[str, Any]:
    """All settings as plain values for printing: secrets as "***", paths as text; `shown`
    replaces some values (a secret's harmless part, e.g. a key count or a user name)."""
    data = {k: _plain(v) for k, v in settings.model_dump().items()}
    return {**data, **shown}


def _plain(value: Any) -> Any:
    if isinstance(value, SecretStr):
        return MASK
    return str(value) if isinstance(value, Path) else value
