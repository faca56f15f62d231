"""Settings of the privacy engine: keys, GeoIP database, policy, trusted proxies (`ANONYMIZER_*`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import Field, PrivateAttr, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from pipeline.config.load import load_settings, masked
from pipeline.core.client_ip import DEFAULT_TRUSTED_PROXIES
from pipeline.core.engine import DEFAULT_MAX_RECORD_BYTES, Engine
from pipeline.core.keys import KeyRing
from pipeline.core.policy import load_policy
from pipeline.errors import ConfigError

KEYS_ENV = "ANONYMIZER_KEYS"
NO_KEYS = (
    f"{KEYS_ENV} is not set (nor a --keys-file given): give at least one key as ID:BASE64 "
    "(make one with `anonymizer keys generate`)"
)


def key_ring_text(keys_file: Path | None = None) -> tuple[str | None, str]:
    """The key ring's text and where it is from: `keys_file` (--keys-file) if given, else
    $ANONYMIZER_KEYS (None if unset). An unreadable or empty file is a ConfigError naming it."""
    if keys_file is None:
        return os.environ.get(KEYS_ENV) or None, KEYS_ENV
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


class EngineSettings(BaseSettings):
    """What the privacy engine needs; every shell builds its engine from these."""

    model_config = SettingsConfigDict(env_prefix="ANONYMIZER_", extra="ignore")

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

    def masked(self) -> dict[str, Any]:
        """All settings as plain values for printing; the key ring as a count of keys."""
        count = None if self.keys is None else f"*** ({len(self.key_ring().keys)} keys)"
        return masked(self, keys=count)


def load_engine_settings(keys_file: Path | None = None, **overrides: Any) -> EngineSettings:
    """EngineSettings from overrides and the environment, the keys from `keys_file` if given;
    one ConfigError for every mistake."""
    source = KEYS_ENV
    if keys_file is not None:
        overrides["keys"], source = key_ring_text(keys_file)
    settings = load_settings(EngineSettings, "engine", overrides)
    settings._keys_source = source
    return settings
