"""The commands that read the demo's output, printed once the worker is up: the anonymized
topic's consumers (audit, heatmap, abtest) pointed at the demo's own broker (and registry)."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from pipeline.dev.traffic.content import site_ids
from pipeline.dev.traffic.experiments import for_site


def reader_lines(bootstrap: str, registry_url: str | None) -> list[str]:
    """What to type in another terminal while the demo runs (its broker goes when it stops)."""
    env = f"ANONYMIZER_BOOTSTRAP_SERVERS={shlex.quote(bootstrap)}"
    if registry_url is not None:
        env += f" ANONYMIZER_SCHEMA_REGISTRY_URL={shlex.quote(registry_url)}"
    site, experiment = site_ids(1)[0], for_site(0)
    activate = Path(sys.prefix) / "bin" / "activate"
    venv = [f"  source {shlex.quote(str(activate))}"] if sys.prefix != sys.base_prefix else []
    return [
        "read the output from another terminal while the demo runs (its broker goes with it):",
        *venv,  # where `anonymizer` is, when the demo runs from a virtual environment
        f"  export {env}",
        "  anonymizer audit --topic",
        f"  anonymizer heatmap --topic --site {site} --url-path '/products/*' -o heatmap.png",
        f"  anonymizer abtest --topic --experiment {experiment.experiment_id}"
        f" --goal {experiment.goal}",
    ]
