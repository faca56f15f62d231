"""A small client of the Confluent Schema Registry REST API (what the worker and tools need).

Standard library only, so the worker's dependencies do not grow for a few calls at start-up.
It speaks the API that Confluent Schema Registry, Apicurio Registry (`/apis/ccompat/v7`),
Karapace and Redpanda serve: register a schema under a subject, set a subject's
compatibility, fetch a schema by id, list subjects.
"""

from __future__ import annotations

import base64
import json
import ssl
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import AnonymizerError, UnreachableError

CONTENT_TYPE = "application/vnd.schemaregistry.v1+json"
LEVELS = ("NONE", "BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE",
          "FULL", "FULL_TRANSITIVE")  # fmt: skip


class RegistryError(AnonymizerError):
    """The registry answered with an error (`status` is the HTTP status, 0 when none)."""

    def __init__(self, message: str, status: int = 0, error_code: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.error_code = error_code


class RegistryUnreachable(RegistryError, UnreachableError):
    """No answer (connection refused, timeout) or a server error (5xx): worth retrying; a
    command that gives up on it exits 4, as for an unreachable Kafka cluster."""

    service = "schema registry"


class IncompatibleSchema(RegistryError):
    """HTTP 409: the subject's compatibility rule refuses the schema."""


@dataclass(frozen=True, slots=True)
class SubjectVersion:
    """One registered version of a subject."""

    subject: str
    version: int
    schema_id: int
    schema: str


@dataclass
class RegistryClient:
    """Calls to one registry; `user_info` is `user:password` for HTTP basic auth."""

    url: str
    user_info: str | None = None
    ca_location: Path | None = None
    timeout: float = 10.0
    _schemas: dict[int, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.url = self.url.rstrip("/")
        self._context = (
            ssl.create_default_context(cafile=str(self.ca_location)) if self.ca_location else None
        )

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.url}{path}", data=data, method=method)
        request.add_header("Accept", CONTENT_TYPE)
        if data is not None:
            request.add_header("Content-Type", CONTENT_TYPE)
        if self.user_info:
            token = base64.b64encode(self.user_info.encode()).decode()
            request.add_header("Authorization", f"Basic {token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout, context=self._context) as r:
                return json.loads(r.read() or b"null")
        except urllib.error.HTTPError as exc:
            raise _http_error(exc, method, path) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise RegistryUnreachable(f"no answer from {self.url}: {reason}") from None

    def subjects(self) -> list[str]:
        """Every subject, sorted."""
        return sorted(self._call("GET", "/subjects"))

    def register(self, subject: str, schema: str) -> int:
        """Register `schema` (Avro JSON text) under `subject`; its id (the same id again when
        the subject already holds this exact text). IncompatibleSchema on HTTP 409."""
        answer = self._call("POST", f"/subjects/{_q(subject)}/versions", {"schema": schema})
        return int(answer["id"])

    def latest(self, subject: str) -> SubjectVersion:
        """The subject's latest version."""
        answer = self._call("GET", f"/subjects/{_q(subject)}/versions/latest")
        return SubjectVersion(
            subject, int(answer["version"]), int(answer["id"]), str(answer["schema"])
        )

    def versions(self, subject: str) -> list[int]:
        """The subject's version numbers."""
        return [int(v) for v in self._call("GET", f"/subjects/{_q(subject)}/versions")]

    def schema(self, schema_id: int) -> str:
        """The schema text registered under `schema_id` (cached: ids never change meaning)."""
        text = self._schemas.get(schema_id)
        if text is None:
            text = self._schemas[schema_id] = str(
                self._call("GET", f"/schemas/ids/{schema_id}")["schema"]
            )
        return text

    def compatibility(self, subject: str) -> str | None:
        """The subject's own compatibility level, None when it has none set."""
        try:
            answer = self._call("GET", f"/config/{_q(subject)}")
        except RegistryError as exc:
            if exc.status == 404:
                return None
            raise
        return answer.get("compatibilityLevel") or answer.get("compatibility")

    def set_compatibility(self, subject: str, level: str) -> None:
        """Set the subject's compatibility level (one of LEVELS)."""
        if level not in LEVELS:
            raise ValueError(f"unknown compatibility level {level!r}")
        self._call("PUT", f"/config/{_q(subject)}", {"compatibility": level})

    def is_compatible(self, subject: str, schema: str) -> bool:
        """Whether the subject's rule accepts `schema` against its latest version."""
        path = f"/compatibility/subjects/{_q(subject)}/versions/latest"
        return bool(self._call("POST", path, {"schema": schema})["is_compatible"])


def _q(subject: str) -> str:
    return urllib.parse.quote(subject, safe="")


def _http_error(exc: urllib.error.HTTPError, method: str, path: str) -> RegistryError:
    try:
        doc = json.loads(exc.read() or b"{}")
    except ValueError:
        doc = {}
    message = str(doc.get("message") or exc.reason)[:500]
    code = doc.get("error_code")
    what = f"{method} {path}: HTTP {exc.code}: {message}"
    if exc.code == 409:
        return IncompatibleSchema(what, exc.code, code)
    if exc.code >= 500:
        return RegistryUnreachable(what, exc.code, code)
    return RegistryError(what, exc.code, code)
