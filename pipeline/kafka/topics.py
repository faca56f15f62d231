"""Topics as code: read `topics/topics.toml`, plan the safe changes, apply them. Never deletes."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from confluent_kafka import KafkaException
from confluent_kafka.admin import (
    AdminClient,
    AlterConfigOpType,
    ConfigEntry,
    ConfigResource,
    ConfigSource,
    NewPartitions,
    NewTopic,
    ResourceType,
)

from pipeline.kafka.errors import KafkaUnreachableError, TopicsError
from pipeline.kafka.topic_specs import (  # noqa: F401  (re-exported)
    ROLE_SETTINGS,
    TopicSpec,
    default_topics_file,
    load_topics,
)

SINGLE_NODE_HINT = (
    " (a single-broker cluster, e.g. a demo: set ANONYMIZER_TOPIC_REPLICATION_FACTOR=1 or "
    "pass --replication-factor 1)"
)


@dataclass(frozen=True)
class Action:
    """A safe change: create a topic, add partitions, or set topic configs."""

    kind: Literal["create", "add_partitions", "alter_config"]
    topic: str
    spec: TopicSpec | None = None  # create
    partitions: tuple[int, int] | None = None  # add_partitions: (current, declared)
    changes: dict[str, tuple[str | None, str]] = field(default_factory=dict)  # key: (now, new)

    def describe(self) -> str:
        """One line for humans."""
        if self.kind == "create" and self.spec:
            s = self.spec
            return f"{s.partitions} partitions, replication {s.replication_factor}, " + ", ".join(
                f"{k}={v}" for k, v in s.config.items()
            )
        if self.kind == "add_partitions" and self.partitions:
            return f"partitions {self.partitions[0]} -> {self.partitions[1]}"
        return ", ".join(f"{k}: {old} -> {new}" for k, (old, new) in self.changes.items())


@dataclass(frozen=True)
class Plan:
    """What `apply` would do, drift it will not touch, topics already as declared, and missing
    topics this cluster cannot hold as declared (fewer brokers than their replication factor)."""

    actions: tuple[Action, ...] = ()
    warnings: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    blocked: tuple[str, ...] = ()

    @property
    def has_changes(self) -> bool:
        return bool(self.actions)


def plan(admin: AdminClient, declared: Iterable[TopicSpec], timeout: float = 15.0) -> Plan:
    """Compare the declared topics with the cluster."""
    declared = list(declared)
    try:
        metadata = admin.list_topics(timeout=timeout)
    except KafkaException as exc:
        raise KafkaUnreachableError(f"Kafka did not answer: {exc.args[0]}") from None
    brokers = len(metadata.brokers)
    existing = {s.name: metadata.topics[s.name] for s in declared if s.name in metadata.topics}
    configs = _describe(admin, list(existing), timeout)
    actions: list[Action] = []
    warnings: list[str] = []
    unchanged: list[str] = []
    blocked: list[str] = []
    for spec in declared:
        topic = existing.get(spec.name)
        if spec.replication_factor > brokers:
            warnings.append(
                f"{spec.name}: replication factor {spec.replication_factor} "
                f"needs {spec.replication_factor} brokers, the cluster has {brokers}"
                + ("" if topic else ": cannot be created")
                + (SINGLE_NODE_HINT if brokers == 1 else "")
            )
        if topic is None:
            if spec.replication_factor <= brokers:
                actions.append(Action("create", spec.name, spec=spec))
            else:
                blocked.append(spec.name)
            continue
        before = len(actions)
        count = len(topic.partitions)
        if spec.partitions > count:
            actions.append(Action("add_partitions", spec.name, partitions=(count, spec.partitions)))
        elif spec.partitions < count:
            warnings.append(
                f"{spec.name}: {count} partitions exist, {spec.partitions} declared "
                "(partitions cannot be removed; left as is)"
            )
        rfs = {len(p.replicas) for p in topic.partitions.values()}
        if rfs != {spec.replication_factor}:
            now = "/".join(str(r) for r in sorted(rfs))
            warnings.append(
                f"{spec.name}: replication factor is {now}, {spec.replication_factor} declared "
                "(reassign replicas by hand; left as is)"
            )
        current = configs[spec.name]
        if spec.role == "raw":
            warnings += _raw_retention_warnings(spec, current)
        changes: dict[str, tuple[str | None, str]] = {}
        for key, value in spec.config.items():
            entry = current.get(key)
            if entry is None:
                warnings.append(f"{spec.name}: unknown topic config {key!r} (ignored)")
            elif entry.value != value:
                changes[key] = (entry.value, value)
        isr = changes.get("min.insync.replicas")
        if isr and int(isr[1]) > min(rfs):  # would refuse every acks=all write: never apply
            del changes["min.insync.replicas"]
            warnings.append(
                f"{spec.name}: min.insync.replicas {isr[1]} declared, but partitions have "
                f"{min(rfs)} replica(s): every acks=all write would be refused, left at {isr[0]} "
                "(reassign replicas first)"
            )
        if changes:
            actions.append(Action("alter_config", spec.name, changes=changes))
        for key, entry in sorted(current.items()):
            if entry.source == ConfigSource.DYNAMIC_TOPIC_CONFIG.value and key not in spec.config:
                warnings.append(
                    f"{spec.name}: {key}={entry.value} set on the cluster, not declared"
                )
        if len(actions) == before:
            unchanged.append(spec.name)
    return Plan(tuple(actions), tuple(warnings), tuple(unchanged), tuple(blocked))


def _raw_retention_warnings(spec: TopicSpec, current: dict[str, Any]) -> list[str]:
    """The raw topic must not keep personal data longer than the window it declares."""
    window = spec.config.get("retention.ms")
    entry = current.get("retention.ms")
    if window is None or entry is None or entry.value is None:
        return []
    held, limit = int(entry.value), int(window)
    if 0 <= held <= limit:
        return []
    kept = "forever" if held < 0 else f"for {held / 3_600_000:g} h"
    return [
        f"{spec.name}: keeps raw events (personal data) {kept}, longer than the replay window "
        f"of {limit / 3_600_000:g} h; `topics apply` sets it to the window"
    ]


def _describe(admin: AdminClient, names: list[str], timeout: float) -> dict[str, dict[str, Any]]:
    if not names:
        return {}
    resources = [ConfigResource(ResourceType.TOPIC, n) for n in names]
    futures = admin.describe_configs(resources, request_timeout=timeout)
    try:
        return {res.name: fut.result() for res, fut in futures.items()}
    except KafkaException as exc:
        raise TopicsError(f"describe_configs failed: {exc.args[0]}") from None


def apply(admin: AdminClient, plan: Plan, timeout: float = 30.0) -> list[str]:
    """Run the plan's actions (create, add partitions, set configs); return what was done.

    Every action is attempted; failures are raised together as one TopicsError afterwards.
    """
    pending: list[tuple[Action, Any]] = []
    creates = [a for a in plan.actions if a.kind == "create" and a.spec]
    if creates:
        new = [
            NewTopic(s.name, s.partitions, s.replication_factor, config=dict(s.config))
            for s in (a.spec for a in creates)
            if s
        ]
        fut = admin.create_topics(new, operation_timeout=timeout, request_timeout=timeout)
        pending += [(a, fut[a.topic]) for a in creates]
    grow = [a for a in plan.actions if a.kind == "add_partitions" and a.partitions]
    if grow:
        parts = [NewPartitions(a.topic, a.partitions[1]) for a in grow if a.partitions]
        fut = admin.create_partitions(parts, operation_timeout=timeout, request_timeout=timeout)
        pending += [(a, fut[a.topic]) for a in grow]
    alters = [a for a in plan.actions if a.kind == "alter_config"]
    if alters:
        resources = [_alter_resource(a) for a in alters]
        fut = admin.incremental_alter_configs(resources, request_timeout=timeout)
        by_name = {res.name: f for res, f in fut.items()}
        pending += [(a, by_name[a.topic]) for a in alters]
    done: list[str] = []
    failed: list[str] = []
    failed_topics: set[str] = set()
    for action, future in pending:
        try:
            future.result(timeout=timeout)
            done.append(f"{action.kind} {action.topic}: {action.describe()}")
        except Exception as exc:  # KafkaException or a timeout: report, carry on
            failed.append(f"{action.kind} {action.topic}: {_reason(exc)}")
            failed_topics.add(action.topic)
    ok = [a.topic for a, _f in pending if a.topic not in failed_topics]
    _wait_visible(admin, ok, plan, timeout)
    if failed:
        raise TopicsError("topic changes failed:\n  " + "\n  ".join(failed) + _done_note(done))
    return done


def _alter_resource(action: Action) -> ConfigResource:
    entries = [
        ConfigEntry(k, new, incremental_operation=AlterConfigOpType.SET)
        for k, (_old, new) in action.changes.items()
    ]
    return ConfigResource(ResourceType.TOPIC, action.topic, incremental_configs=entries)


def _reason(exc: Exception) -> str:
    if isinstance(exc, KafkaException) and exc.args:
        err = exc.args[0]
        return f"{err.name()}: {err.str()}" if hasattr(err, "name") else str(err)
    return str(exc) or type(exc).__name__


def _done_note(done: list[str]) -> str:
    return "\ndone anyway:\n  " + "\n  ".join(done) if done else ""


def _wait_visible(admin: AdminClient, topics: list[str], plan: Plan, timeout: float) -> None:
    """Wait (best effort) until the broker shows the changes: brokers apply them a little
    after the controller has accepted them, and a plan made at once would see the old state."""
    wanted: dict[str, int] = {}
    configs: dict[str, dict[str, str]] = {}
    for a in plan.actions:
        if a.topic not in topics:
            continue
        if a.kind == "alter_config":
            configs[a.topic] = {k: new for k, (_old, new) in a.changes.items()}
        else:
            wanted[a.topic] = a.spec.partitions if a.spec else (a.partitions or (0, 0))[1]
    deadline = time.monotonic() + timeout
    while (wanted or configs) and time.monotonic() < deadline:
        try:
            md = admin.list_topics(timeout=5)
            current = _describe(admin, list(configs), 5)
        except (KafkaException, TopicsError):
            time.sleep(0.1)
            continue
        for name, count in list(wanted.items()):
            t = md.topics.get(name)
            if (
                t
                and len(t.partitions) >= count
                and all(p.leader >= 0 for p in t.partitions.values())
            ):
                del wanted[name]
        for name, values in list(configs.items()):
            if all(getattr(current[name].get(k), "value", None) == v for k, v in values.items()):
                del configs[name]
        if wanted or configs:
            time.sleep(0.1)
