"""Validation of kept values against the policy's limits, and of how fields fit together."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pipeline.core.contract import OPTIONAL, PATTERNS
from pipeline.core.policy import Action, Policy
from pipeline.core.raw_event import RawWebEvent
from pipeline.core.reasons import Reason
from pipeline.core.steps.base import Context, Setup, Step, Work
from pipeline.core.steps.compiled import compile_function, field_name


class Validate(Step):
    name = "validate"
    reasons = frozenset({Reason.BAD_VALUE, Reason.OUT_OF_RANGE, Reason.INCONSISTENT})

    def __init__(self, policy: Policy) -> None:
        self.problem = self._compile(policy)

    @classmethod
    def build(cls, setup: Setup) -> Validate:
        return cls(setup.policy)

    @staticmethod
    def _compile(policy: Policy) -> Callable[[RawWebEvent], tuple[Reason, str] | None]:
        """`problem(event)`: the first thing wrong with it, or None."""
        ns: dict[str, Any] = {"BAD_VALUE": Reason.BAD_VALUE, "OUT_OF_RANGE": Reason.OUT_OF_RANGE,
                              "INCONSISTENT": Reason.INCONSISTENT}  # fmt: skip
        lines = []
        needs = []  # after every value is checked: the fields a value cannot do without
        # Kept, generalized and pseudonymized values alike are checked as they came in: a
        # pseudonymized id keeps its raw value in the event until here (never output).
        checked = (Action.KEEP, Action.GENERALIZE, Action.PSEUDONYMIZE)
        for rule in (r for r in policy.fields.values() if r.action in checked):
            name = field_name(rule.name)
            if rule.pattern:
                ns[f"_p_{name}"] = PATTERNS[rule.pattern].fullmatch
                lines.append(f"if _p_{name}(e.{name}) is None: return BAD_VALUE, {name!r}")
            if rule.choices:
                ns[f"_c_{name}"] = frozenset(rule.choices)
                lines.append(f"if e.{name} not in _c_{name}: return BAD_VALUE, {name!r}")
            if rule.min is not None:
                check = f"not {int(rule.min)} <= e.{name} <= {int(rule.max)}"
                if name in OPTIONAL:
                    check = f"e.{name} is not None and {check}"
                lines.append(f"if {check}: return OUT_OF_RANGE, {name!r}")
            if rule.requires:
                ns[f"_r_{name}"] = dict(rule.requires)
                needs += [
                    f"for name in _r_{name}.get(e.{name}, ()):",
                    "    if getattr(e, name) is None: return INCONSISTENT, name",
                ]
        lines += needs
        lines += [
            "if e.last_visit_time is not None and e.last_visit_time > e.event_time:",
            "    return INCONSISTENT, 'last_visit_time'",
            "return None",
        ]
        return compile_function("problem", "e", lines, ns)

    def run(self, batch: list[Work], ctx: Context) -> list[Work]:
        kept = []
        problem = self.problem
        for work in batch:
            found = problem(work.event)
            if found is None:
                kept.append(work)
            else:
                ctx.reject(work, *found)
        return kept
