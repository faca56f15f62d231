"""The streaming worker: Kafka in, the privacy engine once per batch, one transaction out."""

from pipeline.worker.loop import WorkerSetup, run_confluent
from pipeline.worker.settings import WorkerSettings, load_worker_settings

__all__ = ["WorkerSettings", "WorkerSetup", "load_worker_settings", "run_confluent"]
