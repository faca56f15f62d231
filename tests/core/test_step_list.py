"""One ordered step list: the engine, dead letters, metric labels and the architecture picture all
take the steps from `pipeline.core.steps`; `BatchResult` is never edited, only replaced."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from pipeline.core import Engine, Reason
from pipeline.core.engine import BatchResult, Reject, Seal
from pipeline.core.steps import DEAD_LETTER_STEPS, IDENTITY, STEP_NAMES, STEPS, Produce
from pipeline.dev.traffic import TrafficGenerator
from pipeline.observability.metrics import WorkerMetrics
from pipeline.observability.specs import STEP_DURATION
from pipeline.worker.messages import PRODUCE_STEP
from tests.core.core_events import DAYS

ARCHITECTURE = Path(__file__).resolve().parents[2] / "docs" / "architecture.md"
# The names dead letters and dashboards already carry: the list may not rename or reorder them.
PUBLISHED = (
    "limit_size", "decode", "find_day_key", "resolve_client", "geolocate", "pseudonymize",
    "forget_addresses", "drop_identifiers", "validate", "scrub", "encode",
)  # fmt: skip


def test_the_declared_list_keeps_the_published_names_and_order() -> None:
    assert STEP_NAMES == PUBLISHED
    assert len({*STEP_NAMES, Produce.name}) == len(STEP_NAMES) + 1
    assert [s.name for s in IDENTITY] == [s.name for s in STEPS if s.holds_raw_ip]
    assert [s.name for s in IDENTITY] == list(PUBLISHED[3:8])


def test_the_engine_runs_the_declared_steps_in_order(engine: Engine) -> None:
    assert [type(s) for s in engine.steps] == list(STEPS)
    assert tuple(s.name for s in engine.steps) == STEP_NAMES


def test_metric_labels_are_the_declared_steps(engine: Engine) -> None:
    metrics = WorkerMetrics(
        engine,
        runtime="confluent",
        master_key_id="k1",
        replay_window_s=60.0,
        active_key_since=None,
    )
    (family,) = (f for f in metrics.registry.collect() if f.name == STEP_DURATION.base_name)
    labels = [s.labels["step"] for s in family.samples if s.name.endswith("_count")]
    assert tuple(labels) == STEP_NAMES


def test_dead_letter_steps_are_the_declared_steps_that_reject(engine: Engine) -> None:
    assert Produce.name == PRODUCE_STEP
    assert (*(s.name for s in STEPS if s.reasons), Produce.name) == DEAD_LETTER_STEPS
    payloads = TrafficGenerator(13, garbage=1.0).payloads(3000)
    result = engine.process(payloads, DAYS)
    declared = {s.name: s.reasons for s in (*STEPS, Produce)}
    seen = {r.step for r in result.rejects}
    assert seen <= set(DEAD_LETTER_STEPS) and {"limit_size", "decode", "validate"} <= seen
    assert all(r.reason in declared[r.step] for r in result.rejects)


def _pictured() -> tuple[list[str], list[str], dict[str, set[str]]]:
    """The architecture picture's steps in order, its identity steps, each step's reasons."""
    block = ARCHITECTURE.read_text("utf-8").split("Engine.process(batch, day keys)\n")[1]
    steps: list[str] = []
    identity: list[str] = []
    reasons: dict[str, set[str]] = {}
    inside = False
    for line in block.split("```")[0].splitlines():
        if line.startswith("    -- "):
            inside = "identity" in line
            continue
        step = re.match(r"    ([a-z_]+)\s{2,}", line)
        more = re.fullmatch(r"\s{40,}([a-z_, ]+)", line)
        if step:
            steps.append(step[1])
            identity += [step[1]] if inside else []
            said = line.partition("reject: ")[2]
            reasons[step[1]] = {r.strip() for r in said.split(",") if r.strip()}
        elif more and steps:
            reasons[steps[-1]] |= {r.strip() for r in more[1].split(",") if r.strip()}
    return steps, identity, reasons


def test_the_architecture_picture_is_the_declared_list() -> None:
    steps, identity, reasons = _pictured()
    assert steps == [*STEP_NAMES, Produce.name]
    assert identity == [s.name for s in IDENTITY]
    for step in (*STEPS, Produce):
        assert reasons[step.name] == {r.value for r in step.reasons}, step.name


@pytest.fixture
def mixed(engine: Engine) -> BatchResult:
    return engine.process(TrafficGenerator(5, garbage=0.3).payloads(300), DAYS)


def _sealer(engine: Engine) -> Seal:
    def seal(index: int, reason: Reason, step: str) -> Reject:
        return engine.reject(index, b"payload %d" % index, reason, None, step, DAYS)

    return seal


def test_a_batch_result_cannot_be_edited(mixed: BatchResult) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        mixed.records = ()  # type: ignore[misc]
    assert isinstance(mixed.records, tuple) and isinstance(mixed.rejects, tuple)


def test_refused_records_become_produce_rejects_in_a_new_result(
    engine: Engine, mixed: BatchResult
) -> None:
    before = (mixed.records, mixed.rejects)
    indexes = {r.index for r in mixed.records[::5]}
    assert indexes and mixed.rejects
    after = mixed.refused(indexes, _sealer(engine))
    assert (mixed.records, mixed.rejects) == before  # the original is as it was
    assert {r.index for r in after.records} == {r.index for r in mixed.records} - indexes
    moved = [r for r in after.rejects if r.index in indexes]
    assert {r.index for r in moved} == indexes
    assert {(r.reason, r.step) for r in moved} == {(Reason.OUTPUT_TOO_LARGE, "produce")}
    every = sorted([r.index for r in after.records] + [r.index for r in after.rejects])
    assert every == list(range(300))
    assert [r.index for r in after.rejects] == sorted(r.index for r in after.rejects)
    assert (after.dropped, after.step_seconds) == (mixed.dropped, mixed.step_seconds)
    assert mixed.refused(set(), _sealer(engine)) is mixed
