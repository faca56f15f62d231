"""The live demo: embedded broker, topics, traffic, the worker, live figures, a clean stop."""

from __future__ import annotations

import base64
import os
import shutil
import signal
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from confluent_kafka.admin import AdminClient
from rich.console import Console
from rich.live import Live

from pipeline.config.engine import key_ring_text, parse_key_ring
from pipeline.config.kafka import load_kafka_settings
from pipeline.core.day_keys import day_label
from pipeline.core.keys import KeyRing
from pipeline.dev.demo.children import ChildError, WorkerProcess, tail
from pipeline.dev.demo.metrics import CONSUMED, LAG, PRODUCED, REJECTED, Scrape, Window, scrape
from pipeline.dev.demo.readers import reader_lines
from pipeline.dev.demo.registry import registry_env, start_registry, subject_lines
from pipeline.dev.demo.sample import RecentEvents, Sampler
from pipeline.dev.demo.traffic import GeneratorThread
from pipeline.dev.demo.view import Figures, Summary, live_view, sample_lines, status_line
from pipeline.kafka.broker import EmbeddedBroker, free_port
from pipeline.kafka.leaders import wait_for_leaders
from pipeline.kafka.topics import apply, load_topics, plan
from pipeline.secrets.held import HeldDayKeys
from pipeline.secrets.store import DaySecretStore, DaySecretUnavailable

# Settings that would point the demo's clients away from the embedded PLAINTEXT broker.
_NOT_FOR_EMBEDDED = ("CONFIG_FILE", "BOOTSTRAP_SERVERS", "SECURITY_PROTOCOL", "SASL_MECHANISM",
                     "SASL_USERNAME", "SASL_PASSWORD", "SSL_CA_LOCATION",
                     "SSL_CERTIFICATE_LOCATION", "SSL_KEY_LOCATION", "SSL_KEY_PASSWORD")  # fmt: skip
DEMO_KEY_NOTE = "ANONYMIZER_KEYS is not set: using a random demo key, not for production"


@dataclass
class DemoOptions:
    """What `anonymizer demo` was asked to do."""

    rate: float = 5000.0
    runtime: str = "confluent"
    duration: float | None = None
    port: int | None = None
    metrics_port: int | None = None
    batch_size: int | None = None
    garbage: float = 0.05
    seed: int = 0
    wire_format: str = "single-object"  # confluent: an embedded schema registry too
    keys_file: Path | None = None  # the key ring's file (--keys-file), else $ANONYMIZER_KEYS
    status_every: float = 3.0
    drain_timeout: float = 20.0


def _environment(bootstrap: str, keys: str | None) -> tuple[dict[str, str], list[str]]:
    env = {k: v for k, v in os.environ.items()
           if k.removeprefix("ANONYMIZER_") not in _NOT_FOR_EMBEDDED}  # fmt: skip
    env["ANONYMIZER_BOOTSTRAP_SERVERS"] = bootstrap
    env["PYTHONUNBUFFERED"] = "1"
    notes: list[str] = []
    if keys is None:
        env["ANONYMIZER_KEYS"] = "demo:" + base64.b64encode(os.urandom(32)).decode()
        notes.append(DEMO_KEY_NOTE)
    else:
        env["ANONYMIZER_KEYS"] = keys  # the worker and the sample read the same ring
    return env, notes


def _error(console: Console, failure: BaseException) -> None:
    console.print("[red]error:[/] ", end="")
    console.print(str(failure), markup=False, highlight=False, soft_wrap=True)


def _on_sigterm(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def run_demo(opts: DemoOptions, console: Console | None = None) -> int:
    """Run the demo until --duration or Ctrl-C/SIGTERM; 0 if everything worked."""
    console = console or Console()
    keys, source = key_ring_text(opts.keys_file)
    if keys is not None:
        parse_key_ring(keys, source)  # a bad ring is a ConfigError before anything starts
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    workdir = Path(tempfile.mkdtemp(prefix="anonymizer-demo-"))
    try:
        with ExitStack() as stack:
            return _run(opts, console, keys, workdir, stack)
    finally:
        signal.signal(signal.SIGTERM, previous)
        shutil.rmtree(workdir, ignore_errors=True)


def _run(opts: DemoOptions, console: Console, keys: str | None, workdir: Path,
         stack: ExitStack) -> int:  # fmt: skip
    say = console.print
    say(f"starting the embedded Kafka broker{f' on port {opts.port}' if opts.port else ''}…")
    broker = EmbeddedBroker(port=opts.port)
    stack.callback(broker.stop)
    broker.start()
    registry = start_registry(say, stack) if opts.wire_format == "confluent" else None
    env, notes = _environment(broker.bootstrap, keys)
    registry_env(env, opts.wire_format, registry.url if registry else None)
    for note in notes:
        say(f"[yellow]{note}[/]")
    # One embedded broker: the topics' single-node override (replication 1, min ISR 1).
    settings = load_kafka_settings(bootstrap_servers=broker.bootstrap, topic_replication_factor=1)
    admin = AdminClient(settings.admin_config())
    for line in apply(admin, plan(admin, load_topics(settings=settings))):
        say(f"topics: {line}", highlight=False, soft_wrap=True)
    wait_for_leaders(settings, [settings.day_secrets_topic, settings.raw_topic])
    # The sample pairs records with raw events under the workers' own day secrets.
    store = DaySecretStore(settings, KeyRing.parse(env["ANONYMIZER_KEYS"]))
    stack.callback(store.close)
    held = HeldDayKeys(store)
    try:
        days = held.days()
    except DaySecretUnavailable as exc:
        _error(console, exc)
        return 1
    say(f"day secrets: {settings.day_secrets_topic} on the embedded broker, days "
        f"{', '.join(map(day_label, days.days))} (personal-data window "
        f"{settings.replay_window_hours:g} h)", highlight=False, soft_wrap=True)  # fmt: skip

    mport = opts.metrics_port or free_port()
    args = [
        "--bootstrap-servers",
        broker.bootstrap,
        "--runtime",
        opts.runtime,
        "--metrics-port",
        str(mport),
        "--instance-id",
        "demo",
    ]
    if opts.batch_size:
        args += ["--batch-size", str(opts.batch_size)]
    worker = WorkerProcess(args, env, workdir / "worker.log", mport)
    say(f"starting the worker (runtime {opts.runtime}, {opts.wire_format} wire format, metrics "
        f"on :{mport})…", soft_wrap=True)  # fmt: skip
    worker.start()
    stack.callback(worker.stop)
    window = Window()
    try:
        window.add(worker.wait_ready())
    except ChildError as exc:
        _error(console, exc)
        return 1
    for line in subject_lines(registry.url) if registry else []:
        say(line, highlight=False, soft_wrap=True)
    for line in reader_lines(broker.bootstrap, registry.url if registry else None):
        say(line, highlight=False, soft_wrap=True, markup=False)

    recent = RecentEvents.for_days(held.days)
    gen = GeneratorThread(settings, recent, rate=opts.rate, garbage=opts.garbage, seed=opts.seed)
    sampler = Sampler(settings, recent, registry.url if registry else None)
    stack.callback(sampler.stop)
    rate_text = f"{opts.rate:,.0f} events/s" if opts.rate else "as fast as possible"
    say(f"generating traffic at {rate_text}; Ctrl-C to stop")
    started = time.monotonic()
    gen.start()
    sampler.start()
    failure = _watch(opts, console, broker, worker, gen, sampler, window, notes, started)
    gen.halt.set()
    gen.join(60)
    drained = _drain(worker, gen, window, opts.drain_timeout) if failure is None else False
    elapsed = time.monotonic() - started
    sampler.stop()
    code = worker.stop()
    if failure is None and code not in (0, None):
        failure = worker.failure(f"the worker exited with code {code} on SIGTERM")
    if gen.error is not None and failure is None:
        failure = RuntimeError(f"the traffic generator failed: {gen.error!r}")
    summary = _summary(gen, window, elapsed, drained)
    if console.is_terminal:
        say(summary.table())
    else:
        for line in summary.lines():
            print(line, flush=True)
    if failure is not None:
        _error(console, failure)
        return 1
    return 0 if gen.summary is not None and gen.errors == 0 else 1


def _watch(opts: DemoOptions, console: Console, broker: EmbeddedBroker, worker: WorkerProcess,
           gen: GeneratorThread, sampler: Sampler, window: Window, notes: list[str],
           started: float) -> Exception | None:  # fmt: skip
    """Refresh the figures every second until the end; the first failure, if any."""
    deadline = started + opts.duration if opts.duration is not None else None
    failed_scrapes = 0
    shown_sample = False
    next_line = started + opts.status_every
    live = Live(console=console, refresh_per_second=4) if console.is_terminal else None
    try:
        if live:
            live.start()
        while deadline is None or time.monotonic() < deadline:
            time.sleep(min(1.0, max(0.0, (deadline or 1e18) - time.monotonic())))
            if (code := worker.exited()) is not None:
                return worker.failure(f"the worker exited with code {code}")
            if not broker.running:
                return ChildError(
                    f"the broker stopped\n--- broker log ---\n{tail(broker.log_file)}"
                )
            if gen.stopped_early:
                return RuntimeError(f"the traffic generator stopped: {gen.error!r}")
            try:
                window.add(scrape(worker.metrics_url))
                failed_scrapes = 0
            except OSError as exc:
                failed_scrapes += 1
                if failed_scrapes >= 10:
                    return worker.failure(f"the worker's metrics do not answer: {exc}")
            figures = _figures(opts, gen, sampler, window, notes, started)
            if live:
                live.update(live_view(figures))
            else:
                if figures.pair is not None and not shown_sample:
                    shown_sample = True
                    for line in sample_lines(figures.pair):
                        print(line, flush=True)
                if time.monotonic() < next_line:
                    continue
                next_line += opts.status_every
                print(status_line(figures), flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        if live:
            live.stop()
    return None


def _figures(opts: DemoOptions, gen: GeneratorThread, sampler: Sampler, window: Window,
             notes: list[str], started: float) -> Figures:  # fmt: skip
    last = window.last or Scrape(0.0, {})
    extra = [f"sampler: {sampler.error}"] if sampler.error else []
    return Figures(
        elapsed=time.monotonic() - started,
        generated=gen.sent,
        generated_rate=gen.recent_rate(),
        gen_errors=gen.errors,
        consumed=last.total(CONSUMED),
        produced=last.total(PRODUCED),
        produced_rate=window.rate(PRODUCED),
        rejected=last.by_label(REJECTED, "reason"),
        rejected_rate=window.rate(REJECTED),
        lag=last.total(LAG) if LAG in last.samples else None,
        p50=window.latency(0.5),
        p99=window.latency(0.99),
        runtime=opts.runtime,
        notes=notes + extra,
        pair=sampler.pair,
    )


def _drain(worker: WorkerProcess, gen: GeneratorThread, window: Window, timeout: float) -> bool:
    """Wait until every generated event is anonymized or dead-lettered (or `timeout`)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            last = scrape(worker.metrics_url)
            window.add(last)
            if last.total(PRODUCED) + last.total(REJECTED) >= gen.sent:
                return True
        except OSError:
            pass
        if time.monotonic() >= deadline or worker.exited() is not None:
            return False
        time.sleep(0.5)


def _summary(gen: GeneratorThread, window: Window, elapsed: float, drained: bool) -> Summary:
    last = window.last or Scrape(0.0, {})
    return Summary(
        seconds=elapsed,
        generated=gen.sent,
        gen_errors=gen.errors,
        consumed=last.total(CONSUMED),
        anonymized=last.total(PRODUCED),
        dead_letters=last.total(REJECTED),
        by_reason=last.by_label(REJECTED, "reason"),
        p50=window.overall_latency(0.5),
        p99=window.overall_latency(0.99),
        drained=drained,
    )
