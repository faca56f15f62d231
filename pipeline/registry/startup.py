"""The worker's wire format, settled once at start-up.

With `wire_format = confluent` the worker registers (or finds: registering the same text again
gives the same id) the current revision of each output schema under its topic's
TopicNameStrategy subject (`<topic>-value`), makes sure each subject's compatibility is FULL (or
stricter), checks that the id reads back as the same schema, and keeps the ids: from then on it
never calls the registry, so a registry outage cannot stop it. A registry that does not answer
is retried with back-off for `schema_registry_startup_timeout_s`, then a start-up error (exit
2); a registry that refuses the schema (HTTP 409) is one at once. Never a silent fallback.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable

from pipeline.codec.history import current_revision
from pipeline.codec.schemas import ANONYMIZED, DEAD_LETTER, canonical_form, load_schema
from pipeline.codec.wire import CONFLUENT, WireFormat, subject
from pipeline.config.kafka import KafkaSettings
from pipeline.config.registry import RegistrySettings
from pipeline.errors import ConfigError
from pipeline.registry.client import (
    IncompatibleSchema,
    RegistryClient,
    RegistryError,
    RegistryUnreachable,
)
from pipeline.registry.lookup import client_for

log = logging.getLogger(__name__)
COMPATIBILITY = "FULL"
STRICT_ENOUGH = frozenset({"FULL", "FULL_TRANSITIVE"})


def schema_text(schema_file: str) -> str:
    """The exact text registered: compact JSON of the schema file, so every worker of every
    release registers byte-identical text for one revision (some registries, Apicurio among
    them, key versions by the text, not by the parsed schema)."""
    return json.dumps(load_schema(schema_file), separators=(",", ":"), ensure_ascii=False)


def wire_format(
    settings: RegistrySettings,
    kafka: KafkaSettings,
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> WireFormat:
    """The wire format the worker writes; for Confluent, registers and caches the ids."""
    current_revision(ANONYMIZED)  # the schema files are committed revisions, or no start
    current_revision(DEAD_LETTER)
    if settings.wire_format != CONFLUENT:
        return WireFormat.single_object()
    client = client_for(settings)
    wanted = {
        subject(kafka.anonymized_topic): ANONYMIZED,
        subject(kafka.dead_letter_topic): DEAD_LETTER,
    }
    deadline = time.monotonic() + settings.schema_registry_startup_timeout_s
    ids: dict[str, int] = {}
    for name, schema_file in wanted.items():
        ids[name] = _retrying(lambda n=name, f=schema_file: _register(client, n, f), client.url,
                              deadline, sleep)  # fmt: skip
    log.info(
        "schema registry %s: %s", client.url,
        ", ".join(f"{s} id {i} ({COMPATIBILITY})" for s, i in ids.items()),
    )  # fmt: skip
    return WireFormat.confluent(ids, *wanted)


def _retrying(
    call: Callable[[], int], url: str, deadline: float, sleep: Callable[[float], None]
) -> int:
    pause = 0.25
    while True:
        try:
            return call()
        except RegistryUnreachable as exc:
            left = deadline - time.monotonic()
            if left <= 0:
                raise RegistryUnreachable(
                    f"{url} did not answer at start-up ({exc}); the worker "
                    "writes the Confluent wire format (ANONYMIZER_WIRE_FORMAT=confluent) and "
                    "does not start without its schema ids: start the registry, or set "
                    "ANONYMIZER_WIRE_FORMAT=single-object"
                ) from None
            log.warning("schema registry %s: %s; retrying", url, exc)
            sleep(min(pause, left))
            pause = min(pause * 2, 4.0)
        except IncompatibleSchema as exc:
            raise ConfigError(
                f"schema registry {url} refuses the schema ({exc}): the subject holds a "
                f"version this revision is not {COMPATIBILITY}-compatible with"
            ) from None
        except RegistryError as exc:
            raise ConfigError(f"schema registry {url}: {exc}") from None


def _register(client: RegistryClient, name: str, schema_file: str) -> int:
    """Compatibility first (so the registration is checked under it), then the schema."""
    level = client.compatibility(name)
    if level not in STRICT_ENOUGH:
        try:
            client.set_compatibility(name, COMPATIBILITY)
        except RegistryError as exc:
            if exc.status not in (401, 403):
                raise
            raise ConfigError(
                f"subject {name} has compatibility {level or 'the global default'}, and the "
                f"registry does not let the worker set {COMPATIBILITY} ({exc}): set it on the "
                "registry"
            ) from None
    schema_id = client.register(name, schema_text(schema_file))
    stored = json.loads(client.schema(schema_id))
    if canonical_form(stored) != canonical_form(load_schema(schema_file)):
        raise ConfigError(f"schema registry gives id {schema_id} for {name}, but that id holds "
                          "another schema")  # fmt: skip
    return schema_id
