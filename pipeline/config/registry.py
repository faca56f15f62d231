"""Settings of the output's wire format and the schema registry (`ANONYMIZER_*`, the config
file's `[registry]`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import Field, SecretStr, field_validator, model_validator

from pipeline.config.base import Settings, existing_file

WireFormatName = Literal["single-object", "confluent"]


class RegistrySettings(Settings):
    """How the worker frames its Avro records, and where the schema registry is."""

    section: ClassVar[str] = "registry"
    title: ClassVar[str] = "wire format"

    wire_format: WireFormatName = Field(
        "single-object",
        description="Framing of the anonymized and dead-letter records: `single-object` (C3 01 "
        "+ schema fingerprint; needs only the schema files) or `confluent` (00 + 4-byte "
        "registry id; what Kafka Connect, ClickHouse, Flink, ksqlDB read; needs the registry).",
    )
    schema_registry_url: str | None = Field(
        None,
        description="Base URL of a Confluent-compatible schema registry (Apicurio: "
        "http://HOST:PORT/apis/ccompat/v7). Required with wire_format confluent, and for tools "
        "reading Confluent-framed records.",
    )
    schema_registry_user_info: SecretStr | None = Field(
        None, description="`user:password` for the registry's HTTP basic auth (never printed)."
    )
    schema_registry_ca_location: Path | None = Field(
        None, description="PEM file of the CA that signed the registry's certificate."
    )
    schema_registry_startup_timeout_s: float = Field(
        30.0,
        ge=1,
        le=600,
        description="How long the worker retries an unreachable registry at start-up before "
        "exiting 2 (it never falls back to another format). Once it has the ids it no longer "
        "needs the registry.",
    )

    @field_validator("schema_registry_url")
    @classmethod
    def _http(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value.rstrip("/") if value else None

    @field_validator("schema_registry_ca_location")
    @classmethod
    def _file_exists(cls, value: Path | None) -> Path | None:
        return existing_file(value)

    @model_validator(mode="after")
    def _consistent(self) -> RegistrySettings:
        if self.wire_format == "confluent" and not self.schema_registry_url:
            raise ValueError("schema_registry_url: required with wire_format confluent")
        return self

    def shown(self) -> dict[str, Any]:
        """The registry's user name, its password as "***"."""
        info = self.schema_registry_user_info
        user = None if info is None else info.get_secret_value().split(":", 1)[0] + ":***"
        return {"schema_registry_user_info": user}


def load_registry_settings(
    config_file: Path | str | None = None, **overrides: Any
) -> RegistrySettings:
    """RegistrySettings through the one loader (`Settings.load`)."""
    return RegistrySettings.load(config_file, **overrides)
