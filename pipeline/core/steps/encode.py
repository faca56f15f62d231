"""Projection onto the output schema (fail closed: only the schema's fields exist) and encoding."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pipeline.codec.encoder import compile_encoder
from pipeline.codec.schemas import canonical_form
from pipeline.codec.single_object import header
from pipeline.core.contract import OPTIONAL
from pipeline.core.policy import Action, FieldRule, Policy
from pipeline.core.reasons import Reason
from pipeline.core.steps.base import Context, Setup, Step, Work
from pipeline.core.steps.compiled import field_name

_GEO = {"country": "w.geo[0]", "region": "w.geo[1]", "city": "w.geo[2]"}
# Where each pseudonym is kept in `Work` (policy.PSEUDONYMS: the ones the engine makes).
_PSEUDONYMS = {"visitor_key": "w.visitor_key", "session_key": "w.session_key",
               "event_id": "w.event_key"}  # fmt: skip


def _generalized(rule: FieldRule) -> str:
    """`e.name` rounded down to a multiple of the rule's bucket (null stays null)."""
    name, bucket = field_name(rule.name), int(rule.bucket or 0)
    assert bucket > 0
    value = f"e.{name} // {bucket} * {bucket}"
    return f"(None if e.{name} is None else {value})" if name in OPTIONAL else f"({value})"


def compile_projection(
    policy: Policy, schema: dict[str, Any], provenance: dict[str, str]
) -> Callable[[Work], tuple[Any, ...]]:
    """`project(work) -> values` in the schema's field order, generated from the policy."""
    sources: dict[str, str] = {}
    for rule in policy.fields.values():
        if rule.action in (Action.KEEP, Action.SCRUB):
            sources[rule.name] = f"e.{field_name(rule.name)}"
        elif rule.action is Action.GENERALIZE:
            sources[rule.name] = _generalized(rule)
        elif rule.into:
            sources[rule.into] = _PSEUDONYMS[rule.into]
        for name in rule.generalize_into:
            sources[name] = _GEO[name]
    namespace: dict[str, Any] = {}
    sources["key_id"] = "w.pseudonymizer.key_id"  # the event day's key (set by find_day_key)
    for name, value in provenance.items():
        namespace[f"_{name}"] = value
        sources[name] = f"_{name}"
    policy.check_outputs([f["name"] for f in schema["fields"]])
    body = ", ".join(sources[f["name"]] for f in schema["fields"])
    source = f"def project(w):\n    e = w.event\n    return ({body},)\n"
    exec(compile(source, "<projection>", "exec"), namespace)
    return namespace["project"]


class Encode(Step):
    name = "encode"
    reasons = frozenset({Reason.BAD_ENCODING, Reason.OUT_OF_RANGE, Reason.OUTPUT_TOO_LARGE})

    def __init__(
        self,
        policy: Policy,
        schema: dict[str, Any],
        provenance: dict[str, str],
        max_bytes: int,
        value_header: bytes | None = None,
    ) -> None:
        self.project = compile_projection(policy, schema, provenance)
        self.encode = compile_encoder(schema, provenance)
        # The wire format's constant prefix: single-object (C3 01 + fingerprint) by default,
        # or Confluent's 00 + registry id; the hot path is the same either way.
        self.header = header(canonical_form(schema)) if value_header is None else value_header
        self.max_bytes = max_bytes

    @classmethod
    def build(cls, setup: Setup) -> Encode:
        args = (setup.policy, setup.schema, setup.provenance, setup.max_record_bytes)
        return cls(*args, setup.value_header)

    def run(self, batch: list[Work], ctx: Context) -> list[Work]:
        kept = []
        project, encode, head, limit = self.project, self.encode, self.header, self.max_bytes
        for work in batch:
            values = project(work)
            try:
                value = head + encode(values)
            except UnicodeEncodeError:
                ctx.reject(work, Reason.BAD_ENCODING)
                continue
            except OverflowError:
                ctx.reject(work, Reason.OUT_OF_RANGE)
                continue
            if len(value) > limit:
                ctx.reject(work, Reason.OUTPUT_TOO_LARGE)
                continue
            work.values = values
            work.value = value
            key = work.visitor_key or work.event.site_id
            work.key = key.encode()
            kept.append(work)
        return kept
