"""The streaming worker: Kafka in, the privacy engine once per batch, one transaction out."""

from pipeline.config.worker import WorkerSettings, load_worker_settings
from pipeline.worker.loop import run_confluent
from pipeline.worker.setup import WorkerSetup, build_setup

__all__ = [
    "WorkerSettings",
    "WorkerSetup",
    "build_setup",
    "load_worker_settings",
    "run_confluent",
]
