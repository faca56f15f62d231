"""`anonymizer worker`: the streaming worker (Kafka raw topic -> anonymized + dead letters).

Runtimes come from `RUNTIMES`, name -> `run(setup) -> exit code` (`--runtime`, or
ANONYMIZER_RUNTIME; `--engine` is its deprecated old name); the CLI builds and checks the shared
`WorkerSetup` (settings, topics, privacy engine, day keys, metrics, signals) once for all of them.
Exit codes: 0 stopped by SIGTERM/SIGINT after committing; 2 configuration error (including an
unknown, e.g. misspelled, ANONYMIZER_* variable, a day-secret store that cannot give today's
key at start-up, and with the Confluent wire format a schema registry that does not answer
within its start-up timeout or refuses the schemas); 3 fatal Kafka error (the orchestrator
restarts the worker, which resumes from the committed offsets); 4 no Kafka cluster answered at
start-up (the configuration may be right: restart with back-off, check the brokers and the
network).
"""

from __future__ import annotations

import argparse
import faulthandler
import logging
import os
import signal
from collections.abc import Callable

from pipeline.cli.common import (
    add_engine_options,
    add_runtime_options,
    read_keys_file,
    runtime_choice,
)
from pipeline.cli.gc_tuning import tune_gc
from pipeline.config.engine import EngineSettings, load_engine_settings
from pipeline.config.env_names import unknown_names
from pipeline.config.kafka import KafkaSettings, load_kafka_settings
from pipeline.config.registry import RegistrySettings, load_registry_settings
from pipeline.config.worker import Runtime, WorkerSettings, load_worker_settings
from pipeline.core.day_keys import day_label
from pipeline.errors import UNREACHABLE_EXIT, ConfigError, UnreachableError
from pipeline.observability import logs
from pipeline.secrets.store import DaySecretUnavailable
from pipeline.worker.faust_runtime import run_faust
from pipeline.worker.loop import run_confluent
from pipeline.worker.setup import WorkerSetup, build_setup
from pipeline.worker.shutdown import StopSignal

RUNTIMES: dict[Runtime, Callable[[WorkerSetup], int]] = {
    "confluent": run_confluent,
    "faust": run_faust,
}

log = logging.getLogger("pipeline.worker")


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "worker",
        help="anonymize the raw Kafka topic continuously (exactly once)",
        description="Consume raw events in batches, anonymize each batch once, and commit the "
        "anonymized records, the dead letters and the consumed offsets in one Kafka "
        "transaction. Kafka settings come from ANONYMIZER_* variables (see docs/configuration.md); "
        "keys from $ANONYMIZER_KEYS or --keys-file.",
    )
    add_runtime_options(
        parser,
        "the stream runtime around the privacy engine (default $ANONYMIZER_RUNTIME, else "
        "confluent)",
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        metavar="N",
        help="most records per batch (default: the profile's, 10000 for throughput)",
    )
    parser.add_argument(
        "--max-wait-ms",
        type=int,
        metavar="MS",
        help="longest wait for a batch to fill (default: the profile's, 100 for throughput)",
    )
    parser.add_argument(
        "--profile",
        choices=("throughput", "latency"),
        help="batching: throughput (default; batches of up to 10000, waiting up to 100 ms) or "
        "latency (smaller batches, shorter waits: lower end-to-end latency, fewer events/s at "
        "the limit); $ANONYMIZER_PROFILE",
    )
    parser.add_argument(
        "--metrics-port", type=int, metavar="P", help="Prometheus port (default 9464, 0 = off)"
    )
    parser.add_argument(
        "--instance-id",
        metavar="ID",
        help="stable id of this instance (default $ANONYMIZER_INSTANCE_ID, else the host name); "
        "two running workers must never share one",
    )
    parser.add_argument(
        "--static-membership",
        action="store_true",
        default=None,
        help="join as a static group member (group.instance.id = instance id)",
    )
    parser.add_argument("--bootstrap-servers", metavar="HOST:PORT,...", help="Kafka brokers")
    parser.add_argument(
        "--wire-format",
        choices=("single-object", "confluent"),
        help="framing of the output records (default $ANONYMIZER_WIRE_FORMAT, else "
        "single-object); confluent registers the schemas with the registry at "
        "$ANONYMIZER_SCHEMA_REGISTRY_URL at start-up",
    )
    parser.add_argument(
        "--log-level", default="INFO", choices=("DEBUG", "INFO", "WARNING", "ERROR")
    )
    parser.add_argument(
        "--log-format",
        choices=logs.FORMATS,
        help=f"text lines, or one JSON object per line (default ${logs.FORMAT_ENV}, else text)",
    )
    add_engine_options(parser)
    parser.set_defaults(func=run)


Settings = tuple[WorkerSettings, KafkaSettings, EngineSettings, RegistrySettings]


def _settings(args: argparse.Namespace) -> Settings:
    """All four settings, or one ConfigError listing every mistake (an unknown ANONYMIZER_*
    variable is one: the worker does not start with a misspelled setting)."""
    runtime = runtime_choice(args)
    problems: list[str] = [str(unknown) for unknown in unknown_names(os.environ)]
    results: list[object] = []
    keys = None
    try:
        keys = read_keys_file(args)
    except ConfigError as exc:
        problems.append(str(exc))
    loaders: list[Callable[[], object]] = [
        lambda: load_worker_settings(
            runtime=runtime,
            instance_id=args.instance_id,
            batch_size=args.batch_size,
            max_wait_ms=args.max_wait_ms,
            profile=args.profile,
            metrics_port=args.metrics_port,
            static_membership=args.static_membership,
        ),
        lambda: load_kafka_settings(
            **({"bootstrap_servers": args.bootstrap_servers} if args.bootstrap_servers else {})
        ),
        lambda: load_engine_settings(keys=keys, geoip=args.geoip, policy=args.policy),
        lambda: load_registry_settings(wire_format=args.wire_format),
    ]
    for load in loaders:
        try:
            results.append(load())
        except ConfigError as exc:
            problems.append(str(exc))
            results.append(None)
    engine_settings = results[2]
    if isinstance(engine_settings, EngineSettings):
        try:
            engine_settings.key_ring()
        except ConfigError as exc:
            problems.append(str(exc))
    if problems:
        raise ConfigError("\n".join(dict.fromkeys(problems)))  # a bad file fails each alike
    return results[0], results[1], engine_settings, results[3]  # type: ignore[return-value]


def run(args: argparse.Namespace) -> int:
    faulthandler.register(signal.SIGUSR1)  # `kill -USR1 PID`: stacks to stderr, for diagnosis
    fmt = args.log_format or logs.default_format()
    logs.configure(args.log_level, fmt)
    try:
        return _run(args)
    except (ConfigError, UnreachableError) as exc:
        if fmt == "json":  # the plain line follows on stderr too; shippers read this one
            unreachable = isinstance(exc, UnreachableError)
            code = UNREACHABLE_EXIT if unreachable else 2
            kind = f"{exc.service} unreachable" if unreachable else "configuration error"
            log.error("start-up failed, exit %d, %s: %s", code, kind, exc)
        raise


def _run(args: argparse.Namespace) -> int:
    worker, kafka, engine_settings, registry = _settings(args)
    setup = build_setup(
        worker, kafka, engine_settings, runtime=worker.runtime, stop=StopSignal(),
        registry=registry,
    )  # fmt: skip
    try:
        tune_gc()
        try:
            setup.metrics.serve(worker.metrics_port)
        except OSError as exc:
            raise ConfigError(f"metrics port {worker.metrics_port}: {exc.strerror}") from None
        try:
            engine, held = setup.engine, setup.days.days()  # no I/O: taken by build_setup
        except DaySecretUnavailable as exc:  # only if the UTC day turned meanwhile
            raise ConfigError(f"day secrets ({kafka.day_secrets_topic}): {exc}") from None
        log.info(
            "runtime %s, policy %s, master key %s, day keys %s..%s (%s), %s; records up to %d "
            "bytes, %s wire format; metrics on %s",
            worker.runtime,
            engine.policy.label,
            setup.master_key_id,
            day_label(held.days[0]),
            day_label(held.days[-1]),
            kafka.day_secrets_topic,
            engine.geo.build,
            setup.max_record_bytes,
            setup.wire.name,
            worker.metrics_port or "(off)",
        )
        setup.stop.install()
        return RUNTIMES[worker.runtime](setup)
    finally:
        setup.close()
