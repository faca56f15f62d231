"""Writer schemas by registry id, for the tools that read the output topics."""

from __future__ import annotations

from pipeline.codec.wire import SchemaById
from pipeline.config.registry import RegistrySettings, load_registry_settings
from pipeline.errors import UsageError
from pipeline.registry.client import RegistryClient, RegistryError, RegistryUnreachable


def client_for(settings: RegistrySettings) -> RegistryClient:
    """A client of the configured registry (UsageError when none is configured)."""
    if not settings.schema_registry_url:
        raise UsageError(
            "no schema registry configured: set ANONYMIZER_SCHEMA_REGISTRY_URL (e.g. "
            "http://127.0.0.1:8081/apis/ccompat/v7 for `anonymizer registry --port 8081`)"
        )
    user = settings.schema_registry_user_info
    return RegistryClient(
        settings.schema_registry_url,
        user.get_secret_value() if user else None,
        settings.schema_registry_ca_location,
    )


def schema_lookup(settings: RegistrySettings | None = None) -> SchemaById:
    """`lookup(id) -> schema text`; the settings (default: the environment) are read and the
    client made on the first Confluent-framed record only, so single-object topics need none."""
    client: RegistryClient | None = None

    def lookup(schema_id: int) -> str:
        nonlocal client
        if client is None:
            client = client_for(settings or load_registry_settings())
        try:
            return client.schema(schema_id)
        except RegistryUnreachable:
            raise  # exit 4, as for Kafka: the configuration may be right, the registry away
        except RegistryError as exc:
            raise UsageError(f"schema id {schema_id} from the registry: {exc}") from None

    return lookup
