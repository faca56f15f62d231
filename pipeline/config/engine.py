"""Settings of the privacy engine: keys, GeoIP database, policy, trusted proxies (`ANONYMIZER_*`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, ClassVar

from pydantic import Field, PrivateAttr, SecretStr

from pipeline.config.base import Settings
from pipeline.config.file import config_file as file_in_use
from pipeline.config.file import read_section
from pipeline.core.client_ip import DEFAULT_TRUSTED_PROXIES
from pipeline.core.engine import DEFAULT_MAX_RECORD_BYTES, Engine
from pipeline.core.keys import KeyRing
from pipeline.core.policy import load_policy
from pipeline.errors import ConfigError

KEYS_ENV = "ANONYMIZER_KEYS"
NO_KEYS = (
    f"{KEYS_ENV} is not set (nor a --keys-file given, nor keys in the config file's [engine]): "
    "give at least one key as ID:BASE64 "
    "(make one with `anonymizer keys generate`)"
)


def key_ring_text(keys_file: Path | None = None) -> tuple[str | None, str]:
    """The key ring's text and where it is from: `keys_file` (--keys-file) if given, else
    $ANONYMIZER_KEYS, else the config file's `[engine] keys` (None if none). An unreadable or
    empty file is a ConfigError naming it. (EngineSettings reads the same sources in this order.)"""
    if keys_file is None:
        if os.environ.get(KEYS_ENV):
            return os.environ[KEYS_ENV], KEYS_ENV
        path = file_in_use()
        text = read_section(path, "engine").get("keys")
        return (str(text), _file_source(path)) if text else (None, KEYS_ENV)
    source = f"keys file {keys_file}"
    try:
        text = keys_file.expanduser().read_text().strip()
    except OSError as exc:
        raise ConfigError(f"cannot read {source}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"cannot read {source}: not text") from None
    if not text:
        raise ConfigError(f"{source} is empty: give at least one key as ID:BASE64")
    return text, source


def parse_key_ring(text: str | None, source: str = KEYS_ENV) -> KeyRing:
    """The key ring from its text; NO_KEYS when there is none, else the ring's first mistake
    (naming `source`, never a secret)."""
    if not text or not text.strip():
        raise ConfigError(NO_KEYS)
    return KeyRing.parse(text, source=source)


def read_key_ring(keys_file: Path | None = None) -> KeyRing:
    """The master key ring: from `keys_file` (--keys-file) if given, else $ANONYMIZER_KEYS.
    The engine settings (worker, replay, anonymize) read theirs through the same two steps."""
    return parse_key_ring(*key_ring_text(keys_file))


class EngineSettings(Settings):
    """What the privacy engine needs; every shell builds its engine from these."""

    section: ClassVar[str] = "engine"
    title: ClassVar[str] = "engine"

    keys: SecretStr | None = Field(
        None,
        description="Key ring `ID:BASE64,ID:BASE64` (first active, each >= 32 random bytes). "
        "Required unless the command's --keys-file names a file holding it; make one with "
        "`anonymizer keys generate`.",
    )
    geoip: Path | None = Field(
        None,
        description="MaxMind-format City database; default: GeoLite2-City 2018 from maxminddb-geolite2.",
    )
    policy: Path | None = Field(
        None, description="Policy file; default: the packaged web-events.v1.toml."
    )
    trusted_proxies: str = Field(
        ",".join(DEFAULT_TRUSTED_PROXIES),
        description="Comma-separated networks whose X-Forwarded-For is believed.",
    )
    max_record_bytes: int = Field(
        DEFAULT_MAX_RECORD_BYTES, gt=1000, description="Largest anonymized record (bytes)."
    )

    _keys_source: str = PrivateAttr(KEYS_ENV)

    def key_ring(self) -> KeyRing:
        """The master key ring (--keys-file if given, else $ANONYMIZER_KEYS), or a ConfigError."""
        return parse_key_ring(
            self.keys.get_secret_value() if self.keys else None, self._keys_source
        )

    def build_engine(self, value_header: bytes | None = None) -> Engine:
        """The engine (records framed with `value_header`, default single-object), or a
        ConfigError naming the first thing that is wrong."""
        self.key_ring()  # a missing or bad key ring fails at start-up, like any setting
        return Engine(
            policy=load_policy(self.policy),
            geoip=self.geoip,
            trusted_proxies=[p for p in self.trusted_proxies.split(",") if p.strip()],
            max_record_bytes=self.max_record_bytes,
            value_header=value_header,
        )

    def shown(self) -> dict[str, Any]:
        """The key ring as a count of keys."""
        return {"keys": None if self.keys is None else f"*** ({len(self.key_ring().keys)} keys)"}


def load_engine_settings(
    keys_file: Path | None = None, config_file: Path | str | None = None, **overrides: Any
) -> EngineSettings:
    """EngineSettings through the one loader (`Settings.load`), the keys from `keys_file`
    (--keys-file) if given; the key ring's mistakes name where it came from."""
    source = KEYS_ENV
    if keys_file is not None:
        overrides["keys"], source = key_ring_text(keys_file)
    settings = EngineSettings.load(config_file, **overrides)
    if overrides.get("keys") is None and not os.environ.get(KEYS_ENV) and settings.keys:
        source = _file_source(Path(config_file) if config_file else file_in_use())
    settings._keys_source = source
    return settings


def _file_source(path: Path | None) -> str:
    return f"config file {path} [engine] keys"
