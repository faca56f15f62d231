"""The event-anonymizer Grafana dashboard, as code (grafana-foundation-sdk, Grafana 11.6 flavour).

    python ops/grafana/dashboard.py > ops/grafana/event-anonymizer.json

The committed JSON must equal what this prints (tests/ops/test_dashboard.py). Panels use only
series the workers export (pipeline/observability/specs.py) and the recording rules of
ops/prometheus/recording.yml; every query is checked by promtool (as a recording rule) and run
against a live Prometheus scraping a live worker. Queries may use the dashboard variable `$job`
and Grafana's `$__rate_interval`, nothing else. Import the JSON as is (Dashboards > New >
Import): it asks for nothing; pick the Prometheus data source in the `datasource` variable.
"""

from __future__ import annotations

import json
import sys

from grafana_foundation_sdk.builders import dashboard as d
from grafana_foundation_sdk.builders import prometheus, stat, timeseries
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models.dashboard import DataSourceRef, VariableOption

UID = "event-anonymizer"
DS = DataSourceRef(type_val="prometheus", uid="${datasource}")
J = '{job="$job"}'
RATE = "$__rate_interval"
LATENCY = "job_clock:anonymizer_end_to_end_latency_seconds"


def _queries(*exprs: tuple[str, str]) -> list[prometheus.Dataquery]:
    """One query per (expr, legend), ref ids A, B, ..."""
    return [
        prometheus.Dataquery().expr(expr).legend_format(legend).ref_id(chr(65 + i)).datasource(DS)
        for i, (expr, legend) in enumerate(exprs)
    ]


def graph(title: str, unit: str, *exprs: tuple[str, str], desc: str = "") -> timeseries.Panel:
    panel = timeseries.Panel().title(title).unit(unit).datasource(DS).height(8).span(12)
    if desc:
        panel.description(desc)
    for query in _queries(*exprs):
        panel.with_target(query)
    return panel


def number(title: str, unit: str, expr: str, desc: str = "") -> stat.Panel:
    panel = stat.Panel().title(title).unit(unit).datasource(DS).height(4).span(4)
    if desc:
        panel.description(desc)
    return panel.with_target(_queries((expr, title))[0])


def by_job(rule: str, **labels: str) -> str:
    """A recording rule of ops/prometheus/recording.yml for the selected job (and `labels`)."""
    matchers = "".join(f', {k}="{v}"' for k, v in labels.items())
    return f'{rule}{{job="$job"{matchers}}}'


def build() -> d.Dashboard:
    """The dashboard builder (see the module docstring)."""
    dash = (
        d.Dashboard("event-anonymizer")
        .uid(UID)
        .description(
            "Raw web events in, anonymized records and dead letters out (docs/worker.md, Metrics)"
        )
        .tags(["event-anonymizer", "kafka", "privacy"])
        .time("now-1h", "now")
        .refresh("30s")
        .timezone("utc")
        .with_variable(d.DatasourceVariable("datasource").label("Prometheus").type("prometheus"))
        .with_variable(
            d.QueryVariable("job")
            .label("job")
            .datasource(DS)
            .query("label_values(anonymizer_worker_info, job)")
            .current(VariableOption(text="event-anonymizer", value="event-anonymizer"))
        )
    )
    ids = iter(range(1, 100))

    def add(panel: d.Row | timeseries.Panel | stat.Panel) -> None:
        """Append a panel or row with the next id (ids are unique, in reading order)."""
        panel.id(next(ids))
        if isinstance(panel, d.Row):
            dash.with_row(panel)
        else:
            dash.with_panel(panel)

    add(d.Row("Overview"))
    for panel in (
        number("Workers ready", "short", f"sum({by_job('job:anonymizer_ready:count')})",
               "Workers whose /readyz answers 200."),
        number("Raw records in", "reqps", by_job("job:anonymizer_events_consumed:rate5m")),
        number("Records out", "reqps", by_job("job:anonymizer_events_produced:rate5m")),
        number("Dead letters per record", "percentunit", by_job("job:anonymizer_reject_ratio:rate5m")),
        number("Records behind", "short", by_job("job:anonymizer_consumer_lag:sum")),
        number("Oldest waiting record", "s", by_job("job:anonymizer_consumer_lag_seconds:max")),
    ):  # fmt: skip
        add(panel)
    add(d.Row("Throughput and dead letters"))
    add(graph(
        "Throughput", "reqps",
        (by_job("job:anonymizer_events_consumed:rate5m"), "in (raw records read)"),
        (by_job("job:anonymizer_events_produced:rate5m"), "out (anonymized records)"),
        (f"sum(rate(anonymizer_events_rejected_total{J}[{RATE}]))", "dead letters"),
        desc="A redone batch is read again: in can exceed out plus dead letters.",
    ))  # fmt: skip
    add(graph(
        "Dead letters by reason", "reqps",
        (f"sum by (reason) (rate(anonymizer_events_rejected_total{J}[{RATE}])) > 0", "{{reason}}"),
    ))  # fmt: skip
    add(graph(
        "Fields dropped by policy", "reqps",
        (f"sum by (field) (rate(anonymizer_fields_dropped_total{J}[{RATE}])) > 0", "{{field}}"),
    ))  # fmt: skip
    add(graph(
        "Transactions", "ops",
        (f'sum(rate(anonymizer_transactions_total{{job="$job", outcome="committed"}}[{RATE}]))', "committed"),
        (f'sum(rate(anonymizer_transactions_total{{job="$job", outcome="aborted"}}[{RATE}]))', "aborted"),
        desc="One transaction per batch; an aborted one is redone.",
    ))  # fmt: skip
    add(d.Row("Lag and latency"))
    add(graph(
        "Lag (records)", "short",
        (f"sum by (instance, partition) (anonymizer_consumer_lag{J})", "{{instance}} p{{partition}}"),
    ))  # fmt: skip
    add(graph(
        "Lag (seconds): the oldest waiting record, at most", "s",
        (f"max by (instance, partition) (anonymizer_consumer_lag_seconds{J})", "{{instance}} p{{partition}}"),
    ))  # fmt: skip
    add(graph(
        "End-to-end latency (commit minus Kafka record time)", "s",
        (by_job(f"{LATENCY}:p50_5m", clock="record_time"), "p50"),
        (by_job(f"{LATENCY}:p99_5m", clock="record_time"), "p99"),
        (by_job(f"{LATENCY}:p99_5m", clock="event_time"), "p99 from the browser's clock"),
        desc="Buckets 5 ms .. 10 min; percentiles are interpolated inside a bucket. The "
        "browser's clock can be off by minutes.",
    ))  # fmt: skip
    add(graph(
        "Engine time per batch, by step", "s",
        (f"sum by (step) (rate(anonymizer_step_duration_seconds_sum{J}[{RATE}])) / "
         f"sum by (step) (rate(anonymizer_step_duration_seconds_count{J}[{RATE}]))", "{{step}}"),
    ))  # fmt: skip
    add(graph(
        "Batch size (mean records per committed batch)", "short",
        (by_job("job:anonymizer_batch_size:mean5m"), "mean"),
    ))  # fmt: skip
    add(d.Row("Keys, day secrets and GeoIP"))
    add(graph(
        "Key and day-secret ages", "s",
        (f"max(anonymizer_active_key_age_seconds{J})", "active master key"),
        (f"max(anonymizer_day_secret_oldest_age_seconds{J})", "oldest day secret held"),
        (f"max(anonymizer_replay_window_seconds{J}) + 86400", "destruction due (window + 1 day)"),
        (f"max(time() - anonymizer_geoip_build_timestamp_seconds{J})", "GeoIP database"),
    ))  # fmt: skip
    add(graph(
        "Day keys", "short",
        (f"min by (instance) (anonymizer_day_secret_available{J})", "{{instance}} today's key held"),
        (f"max by (instance) (anonymizer_day_secrets_held{J})", "{{instance}} days held"),
    ))  # fmt: skip
    add(d.Row("Process"))
    add(graph(
        "CPU", "percentunit",
        (f"sum by (instance) (rate(process_cpu_seconds_total{J}[{RATE}]))", "{{instance}}"),
        desc="One core per worker is the ceiling (one Python process).",
    ))  # fmt: skip
    add(graph(
        "Memory (RSS)", "bytes",
        (f"sum by (instance) (process_resident_memory_bytes{J})", "{{instance}}"),
    ))  # fmt: skip
    return dash


def render() -> str:
    """The dashboard JSON, as committed."""
    return json.dumps(build().build(), cls=JSONEncoder, indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
