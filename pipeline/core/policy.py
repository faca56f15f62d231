"""The anonymization policy: one entry per input field, loaded and validated at start-up."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any

from pipeline.core.audit_rules import AuditRules, parse_audit
from pipeline.core.contract import OPTIONAL, PATTERNS
from pipeline.core.raw_event import FIELDS
from pipeline.errors import ConfigError

DEFAULT_POLICY = "web-events.v1.toml"
PROVENANCE = ("key_id", "policy_version", "geo_db")
# The pseudonyms the engine can make: input field -> output field.
PSEUDONYMS = {"ip": "visitor_key", "session_id": "session_key", "event_id": "event_id"}
# What a name in `[unknown_keys] known` may look like (it is printed and used as a metric label).
_KNOWN_KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")


# What a scrubbed field holds: free text (None), a URL, a user agent, or a value of a closed
# vocabulary (pipeline/core/closed_values.py).
FORMATS = (None, "url", "user_agent", "language", "charset", "platform")


class Action(StrEnum):
    KEEP = "keep"
    SCRUB = "scrub"
    PSEUDONYMIZE = "pseudonymize"
    GENERALIZE = "generalize"
    DROP = "drop"


@dataclass(frozen=True, slots=True)
class FieldRule:
    """What happens to one input field."""

    name: str
    action: Action
    item: str
    min: int | None = None
    max: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    choices: tuple[str, ...] = ()
    format: str | None = None
    schemes: tuple[str, ...] = ()
    cross_site: str | None = None  # "origin": a URL of another site than the page keeps its origin
    versions: bool = False
    bucket: int | None = None
    into: str | None = None
    generalize_into: tuple[str, ...] = ()
    # Per value of this field (one of `choices`), the fields it cannot do without (else the
    # record is `inconsistent`): `[fields.event_type.requires]` in the policy file.
    requires: tuple[tuple[str, tuple[str, ...]], ...] = ()
    note: str = ""

    @property
    def outputs(self) -> tuple[str, ...]:
        """Output fields this input feeds."""
        if self.action in (Action.KEEP, Action.SCRUB, Action.GENERALIZE):
            return (self.name,)
        return ((self.into,) if self.into else ()) + self.generalize_into


@dataclass(frozen=True, slots=True)
class Policy:
    """The whole policy file, validated."""

    name: str
    version: int
    fields: dict[str, FieldRule]
    max_payload_bytes: int
    max_forwarded_hops: int
    min_city_population: int
    no_city_countries: frozenset[str]
    query_allowlist: tuple[str, ...]
    query_denylist: tuple[str, ...]
    known_unknown_keys: frozenset[str] = frozenset()
    audit: AuditRules | None = None  # the `[audit]` table: what `anonymizer audit` holds us to

    @property
    def label(self) -> str:
        """The `policy_version` stamped on every record, e.g. web-events/1."""
        return f"{self.name}/{self.version}"

    def with_action(self, action: Action) -> list[FieldRule]:
        return [r for r in self.fields.values() if r.action is action]

    def check_outputs(self, schema_fields: list[str]) -> None:
        """The output schema must carry exactly the policy's outputs plus provenance."""
        produced = [o for r in self.fields.values() for o in r.outputs] + list(PROVENANCE)
        extra = sorted(set(schema_fields) - set(produced))
        missing = sorted(set(produced) - set(schema_fields))
        if extra or missing:
            raise ConfigError(
                f"policy {self.label} and the output schema disagree: "
                f"schema fields no policy entry produces: {extra or 'none'}; "
                f"policy outputs missing from the schema: {missing or 'none'}"
            )


def load_policy(path: Path | None = None) -> Policy:
    """Load the packaged policy (or `path`) and validate it against RawWebEvent."""
    if path is None:
        text = resources.files("pipeline.policies").joinpath(DEFAULT_POLICY).read_text("utf-8")
        where = DEFAULT_POLICY
    else:
        try:
            text = path.read_text("utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot read policy file {path}: {exc.strerror}") from None
        where = path.name
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: not valid TOML: {exc}") from None
    return _build(data, where)


def _build(data: dict[str, Any], where: str) -> Policy:
    raw_fields = data.get("fields") or {}
    unclassified = sorted(FIELDS - raw_fields.keys())
    unknown = sorted(raw_fields.keys() - FIELDS)
    if unclassified or unknown:
        raise ConfigError(
            f"{where}: every RawWebEvent field needs exactly one entry; "
            f"unclassified: {unclassified or 'none'}; not RawWebEvent fields: {unknown or 'none'}"
        )
    fields = {name: _rule(name, entry, where) for name, entry in raw_fields.items()}
    limits, geo, url = data.get("limits", {}), data.get("geo", {}), data.get("url", {})
    known = _known_keys(data.get("unknown_keys", {}), where)
    outputs = {o for r in fields.values() for o in r.outputs}
    audit = parse_audit(data.get("audit"), outputs, where)
    try:
        policy = Policy(
            name=str(data["name"]),
            version=int(data["version"]),
            fields=fields,
            max_payload_bytes=int(limits["max_payload_bytes"]),
            max_forwarded_hops=int(limits["max_forwarded_hops"]),
            min_city_population=int(geo["min_city_population"]),
            no_city_countries=frozenset(geo.get("no_city_countries", ())),
            query_allowlist=tuple(url.get("query_allowlist", ())),
            query_denylist=tuple(url.get("query_denylist", ())),
            known_unknown_keys=known,
            audit=audit,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"{where}: missing or invalid setting {exc}") from None
    if policy.max_payload_bytes <= 0 or policy.max_forwarded_hops <= 0:
        raise ConfigError(f"{where}: limits must be positive")
    return policy


def _known_keys(section: dict[str, Any], where: str) -> frozenset[str]:
    """Unknown keys shown by name in summaries: junk the policy names (all else is `(other)`)."""
    known = section.get("known", [])
    if not isinstance(known, list) or not all(isinstance(k, str) for k in known):
        raise ConfigError(f"{where}: unknown_keys.known must be a list of names")
    bad = sorted(k for k in known if not _KNOWN_KEY.fullmatch(k) or k in FIELDS)
    if bad:
        raise ConfigError(
            f"{where}: unknown_keys.known: {bad} are not plain lower-case key names "
            "(a-z, 0-9, _; at most 40) that no input field has"
        )
    return frozenset(known)


_ALLOWED_KEYS = set(FieldRule.__slots__) - {"name"}


def _rule(name: str, entry: dict[str, Any], where: str) -> FieldRule:
    bad_keys = sorted(set(entry) - _ALLOWED_KEYS)
    if bad_keys:
        raise ConfigError(f"{where}: field {name}: unknown settings {bad_keys}")
    try:
        action = Action(entry.get("action"))
    except ValueError:
        choices = ", ".join(a.value for a in Action)
        raise ConfigError(f"{where}: field {name}: action must be one of {choices}") from None
    if not entry.get("item"):
        raise ConfigError(f"{where}: field {name}: say which policy item it is (`item`)")
    kwargs = {k: tuple(v) if isinstance(v, list) else v for k, v in entry.items()}
    kwargs["action"] = action
    requires = entry.get("requires", {})
    if not isinstance(requires, dict) or not all(isinstance(v, list) for v in requires.values()):
        raise ConfigError(f"{where}: field {name}: requires must map values to lists of fields")
    kwargs["requires"] = tuple((value, tuple(needed)) for value, needed in requires.items())
    rule = FieldRule(name=name, **kwargs)
    problem = _problem(rule)
    if problem:
        raise ConfigError(f"{where}: field {name}: {problem}")
    return rule


def _problem(rule: FieldRule) -> str | None:
    if rule.action is Action.SCRUB and not rule.max_length:
        return "scrub needs max_length"
    if rule.action is Action.PSEUDONYMIZE and not rule.into:
        return "pseudonymize needs `into` (the output field)"
    if rule.action is Action.PSEUDONYMIZE and PSEUDONYMS.get(rule.name) != rule.into:
        made = ", ".join(f"{k} into {v}" for k, v in PSEUDONYMS.items())
        return f"the engine makes only these pseudonyms: {made}"
    if rule.action is Action.GENERALIZE and not (type(rule.bucket) is int and rule.bucket > 0):
        return "generalize needs `bucket` (a positive integer: values round down to a multiple)"
    if rule.bucket is not None and rule.action is not Action.GENERALIZE:
        return "`bucket` goes only with action generalize"
    if rule.pattern and rule.pattern not in PATTERNS:
        return f"pattern must be one of {', '.join(PATTERNS)}"
    if rule.requires and (problem := _requires_problem(rule)):
        return problem
    if rule.format not in FORMATS:
        return "format must be one of " + ", ".join(f for f in FORMATS if f)
    if rule.cross_site not in (None, "origin") or (rule.cross_site and rule.format != "url"):
        return 'cross_site must be "origin", on a field of format url'
    if (rule.min is None) != (rule.max is None) or (rule.min is not None and rule.min > rule.max):
        return "min and max go together, min <= max"
    return None


def _requires_problem(rule: FieldRule) -> str | None:
    """What is wrong with `requires`: it must name some of the choices, and nullable fields."""
    unknown = sorted(value for value, _ in rule.requires if value not in rule.choices)
    if unknown:
        return f"requires names values that are not among its choices: {unknown}"
    needed = {str(n) for _, names in rule.requires for n in names}
    if needed - OPTIONAL:
        return f"requires names only fields that may be null, not {sorted(needed - OPTIONAL)}"
    return None
