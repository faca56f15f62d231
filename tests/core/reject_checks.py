"""What every reject must satisfy: reason, field and step; readable fields free of input; sealed intact."""

from __future__ import annotations

import json
from typing import Any

from pipeline.core import Engine, Reason, Reject
from pipeline.core.engine import size_bucket
from pipeline.core.keys import KeyRing
from pipeline.core.raw_event import FIELDS
from pipeline.core.seal import unseal
from pipeline.core.steps import STEP_NAMES
from tests.core.core_events import DAYS, only_reject, readable

VOCABULARY = (
    frozenset(FIELDS) | {r.value for r in Reason} | set(STEP_NAMES) | {DAYS.key(DAYS.today).key_id}
)


def _leaves(value: Any) -> list[str]:
    """Every scalar of a JSON value and every key, as text."""
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in (k, *_leaves(v))]
    if isinstance(value, list):
        return [t for v in value for t in _leaves(v)]
    return [] if value is None or isinstance(value, bool) else [str(value)]


def _input_texts(payload: bytes) -> list[str]:
    """Input values to look for in a reject's readable fields (long enough to be meaningful)."""
    try:
        texts = _leaves(json.loads(payload))
    except (ValueError, RecursionError):
        texts = [payload.decode("utf-8", "replace")]
    # Readable fields are drawn from closed vocabularies (reasons, field and step names, key
    # ids); an input value that happens to be part of that vocabulary proves nothing.
    return [t for t in texts if len(t) >= 4 and not any(t in word for word in VOCABULARY)]


def check_reject(
    engine: Engine,
    ring: KeyRing,
    payload: bytes,
    reason: Reason,
    field: str | None,
    step: str,
) -> Reject:
    reject = only_reject(engine, payload)
    assert (reject.reason, reject.field, reject.step) == (reason, field, step)
    assert reject.index == 0
    assert reject.key_id == DAYS.key(DAYS.today).key_id  # no arrival time: sealed under today
    assert reject.payload_size == size_bucket(len(payload)) >= max(64, len(payload))
    assert reject.field is None or reject.field in FIELDS
    assert reject.step in {s.name for s in engine.steps}
    assert [s.name for s in engine.steps] == list(STEP_NAMES)
    assert reason in next(s for s in engine.steps if s.name == step).reasons
    text = readable(reject)
    for value in _input_texts(payload):
        assert value not in text
    assert payload not in reject.sealed or len(payload) < 4
    assert unseal(DAYS, reject.key_id, reject.sealed) == payload
    return reject
