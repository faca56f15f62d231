"""The one base of every settings class and the one loader.

A setting's value comes from, first to last: the command's flag (an override given to `load`),
the environment (`ANONYMIZER_<NAME>`), the class's section of the config file
(pipeline/config/file.py), the default. Every mistake is reported in one ConfigError,
"invalid <title> settings:" and then one line each (field and problem, never a value); an
unknown key, given or in the file's section, is one ("<key>: unknown setting").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar, Self

from pydantic import SecretStr, ValidationError
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from pipeline.config.file import SECTIONS, config_file, loading_from, read_section
from pipeline.errors import ConfigError, validation_lines

PREFIX = "ANONYMIZER_"
MASK = "***"


class _FileSection(PydanticBaseSettingsSource):
    """The settings class's section of the config file in use."""

    def __init__(self, settings_cls: type[Settings]) -> None:
        super().__init__(settings_cls)
        self.data = read_section(config_file(), settings_cls.section)

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return self.data.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(self.data)


class Settings(BaseSettings):
    """Base of the settings classes: sources, one error format, masked printing."""

    model_config = SettingsConfigDict(env_prefix=PREFIX, extra="forbid")

    section: ClassVar[str]  # its table in the config file
    title: ClassVar[str]  # in "invalid <title> settings:"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if getattr(cls, "section", None) not in SECTIONS:
            raise TypeError(f"{cls.__name__}: its section must be one of {SECTIONS}")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, env_settings, _FileSection(cls)

    @classmethod
    def load(cls, config_file: Path | str | None = None, **overrides: Any) -> Self:
        """The settings from `overrides` (None ones left out: the next source applies), the
        environment, `config_file` (default: --config-file, else $ANONYMIZER_CONFIG_FILE) and
        the defaults; one ConfigError listing every mistake."""
        given = {k: v for k, v in overrides.items() if v is not None}
        try:
            with loading_from(config_file):
                return cls(**given)
        except ValidationError as exc:
            lines = validation_lines(exc)
            raise ConfigError(mistakes(f"invalid {cls.title} settings", lines)) from None

    def shown(self) -> dict[str, Any]:
        """Values that `masked` shows instead (a secret's harmless part); none by default."""
        return {}

    def masked(self) -> dict[str, Any]:
        """All settings as plain values for printing: secrets as "***", paths as text, and
        what `shown` gives instead."""
        data = {k: _plain(getattr(self, k)) for k in type(self).model_fields}
        return {**data, **self.shown()}


def existing_file(value: Path | None) -> Path | None:
    """A field validator's check: `value` (with `~` expanded) names a file that exists."""
    if value is not None and not value.expanduser().is_file():
        raise ValueError(f"file {value} does not exist")
    return value.expanduser() if value is not None else None


def mistakes(head: str, lines: list[str]) -> str:
    """The one error format: `head:` and then each mistake on its own indented line."""
    return head + ":" + "".join(f"\n  {line}" for line in lines)


def _plain(value: Any) -> Any:
    if isinstance(value, SecretStr):
        return MASK
    return str(value) if isinstance(value, Path) else value
