"""Settings of the privacy engine: keys, GeoIP database, policy, trusted proxies (`ANONYMIZER_*`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from pipeline.core.client_ip import DEFAULT_TRUSTED_PROXIES
from pipeline.core.engine import DEFAULT_MAX_RECORD_BYTES, Engine
from pipeline.core.keys import KeyRing
from pipeline.core.policy import load_policy
from pipeline.errors import ConfigError, validation_lines


class EngineSettings(BaseSettings):
    """What the privacy engine needs; every shell builds its engine from these."""

    model_config = SettingsConfigDict(env_prefix="ANONYMIZER_", extra="ignore")

    keys: SecretStr | None = Field(
        None,
        description="Key ring `ID:BASE64,ID:BASE64` (first active, each >= 32 random bytes). "
        "Required; make one with `anonymizer keys generate`.",
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

    def key_ring(self) -> KeyRing:
        return KeyRing.parse(self.keys.get_secret_value() if self.keys else None)

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
        data = self.model_dump()
        data["keys"] = None if self.keys is None else f"*** ({len(self.key_ring().keys)} keys)"
        return {k: (str(v) if isinstance(v, Path) else v) for k, v in data.items()}


def load_engine_settings(**overrides: Any) -> EngineSettings:
    """EngineSettings from overrides and the environment; one ConfigError for every mistake."""
    try:
        return EngineSettings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as exc:
        lines = validation_lines(exc)
        raise ConfigError(
            "invalid engine settings:\n" + "\n".join(f"  {x}" for x in lines)
        ) from None
