"""One pass over anonymized records feeding every figure of the audit."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pipeline.audit.canaries import Canaries
from pipeline.audit.groups import site_day
from pipeline.audit.join_keys import JoinKeys
from pipeline.audit.places import GeoNamesPopulations, Places, Populations
from pipeline.audit.provenance import Provenance
from pipeline.audit.uniqueness import Uniqueness
from pipeline.core.audit_rules import AuditRules
from pipeline.core.policy import Action, Policy


def text_fields(policy: Policy) -> dict[str, bool]:
    """The policy's free-text outputs (scrubbed fields), each with its user-agent flag."""
    return {o: rule.versions for rule in policy.with_action(Action.SCRUB) for o in rule.outputs}


class Audit:
    """Add records with `add` (or `add_all`), then read `figures()`."""

    def __init__(
        self,
        policy: Policy,
        fields: tuple[str, ...],
        *,
        rules: AuditRules | None = None,
        populations: Populations | None = None,
    ) -> None:
        rules = rules or policy.audit
        if rules is None:
            raise ValueError("the policy has no [audit] table")
        self.rules = rules
        self.records = 0
        self.uniqueness = Uniqueness(rules.quasi_identifiers)
        self.canaries = Canaries(text_fields(policy))
        self.places = Places()
        self.join_keys = JoinKeys(fields, rules.rare_value_records)
        self.provenance = Provenance()
        self.populations = populations or GeoNamesPopulations()

    def add(self, record: dict[str, Any]) -> None:
        group = site_day(record)
        self.uniqueness.add(group, record)
        self.canaries.add(self.records, record)
        self.places.add(record)
        self.join_keys.add(group, record)
        self.provenance.add(record)
        self.records += 1

    def add_all(self, records: Iterable[dict[str, Any]]) -> Audit:
        for record in records:
            self.add(record)
        return self

    def figures(self) -> dict[str, Any]:
        """Every figure as plain data (what `--json` writes)."""
        return {
            "records": self.records,
            "uniqueness": self.uniqueness.figures(),
            "canaries": self.canaries.figures(),
            "places": self.places.figures(self.populations, self.rules.min_place_population),
            "join_keys": self.join_keys.figures(),
            "provenance": self.provenance.figures(),
        }
