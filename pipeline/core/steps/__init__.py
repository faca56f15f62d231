"""The engine's steps, in order: the one list every other place takes them from.

`STEPS` is what the engine builds and runs, in this order; the dead letters' `step` values, the
`anonymizer_step_duration_seconds` labels and the tests take their names from it. `IDENTITY` is
the steps that hold the raw IP (`holds_raw_ip`), which may not reject. `Produce` is no engine
step: it names a record the worker's output topic refused after the engine made it, so that
such a dead letter's `step` is declared here too (`DEAD_LETTER_STEPS`).
"""

from __future__ import annotations

from pipeline.core.reasons import Reason
from pipeline.core.steps.base import Step
from pipeline.core.steps.day_key import FindDayKey
from pipeline.core.steps.encode import Encode
from pipeline.core.steps.identity import DropIdentifiers, Geolocate, Pseudonymize, ResolveClient
from pipeline.core.steps.intake import Decode, LimitSize
from pipeline.core.steps.own_addresses import ForgetAddresses
from pipeline.core.steps.scrub import Scrub
from pipeline.core.steps.validate import Validate


class Produce(Step):
    """Not run by the engine: the output topic refused the record at produce time (too large
    for it). The worker rejects it under this name, after the engine's steps."""

    name = "produce"
    reasons = frozenset({Reason.OUTPUT_TOO_LARGE})


STEPS: tuple[type[Step], ...] = (
    LimitSize,
    Decode,
    FindDayKey,
    ResolveClient,
    Geolocate,
    Pseudonymize,
    ForgetAddresses,
    DropIdentifiers,
    Validate,
    Scrub,
    Encode,
)
STEP_NAMES: tuple[str, ...] = tuple(s.name for s in STEPS)
IDENTITY: tuple[type[Step], ...] = tuple(s for s in STEPS if s.holds_raw_ip)
# Every `step` a dead letter may name: the engine's steps that may reject, then the refusal.
DEAD_LETTER_STEPS: tuple[str, ...] = tuple(s.name for s in (*STEPS, Produce) if s.reasons)

__all__ = ["DEAD_LETTER_STEPS", "IDENTITY", "STEPS", "STEP_NAMES", "Produce", "Step"]
