"""The Helm chart (ops/helm/event-anonymizer): linted and rendered by the real helm, the rendered
manifests validated offline against the Kubernetes schemas kubernetes-validate ships, and what
they say checked against the worker: probes, identity, settings, disruption budget."""

from __future__ import annotations

import copy
import os
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from pipeline.config.table import SECTIONS
from tests.ops.helm_tool import BUILD_SCRIPT, CHART, EXAMPLE_VALUES, helm

KUBERNETES = ("1.25", "1.37")  # the chart's kubeVersion floor, and the newest schemas shipped
CRD_KINDS = {"ServiceMonitor"}  # the Prometheus Operator's: no schema in kubernetes-validate
SETTINGS = {f"ANONYMIZER_{name.upper()}" for _, cls in SECTIONS for name in cls.model_fields}


def render(*args: str) -> list[dict[str, Any]]:
    out = helm("template", "ea", str(CHART), "-f", str(EXAMPLE_VALUES), *args).stdout
    return [doc for doc in yaml.safe_load_all(out) if doc]


def by_kind(docs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {doc["kind"]: doc for doc in docs}


def worker_container(docs: list[dict[str, Any]]) -> dict[str, Any]:
    return by_kind(docs)["StatefulSet"]["spec"]["template"]["spec"]["containers"][0]


def test_chart_lints_clean_in_strict_mode() -> None:
    done = helm("lint", "--strict", str(CHART), "-f", str(EXAMPLE_VALUES))
    assert "1 chart(s) linted, 0 chart(s) failed" in done.stdout
    assert "[WARNING]" not in done.stdout and "[ERROR]" not in done.stdout


def test_every_rendered_manifest_validates_offline_in_strict_mode() -> None:
    docs = render("--set", "topics.apply=true", "--set", "metrics.serviceMonitor.enabled=true")
    kinds = sorted(doc["kind"] for doc in docs)
    assert kinds == ["ConfigMap", "Job", "PodDisruptionBudget", "Service", "ServiceAccount",
                     "ServiceMonitor", "StatefulSet"]  # fmt: skip
    for doc in docs:
        if doc["kind"] in CRD_KINDS:
            assert doc["apiVersion"] == "monitoring.coreos.com/v1"
            continue
        for version in KUBERNETES:
            kubernetes_validate.validate(doc, version, strict=True)


def test_the_validator_catches_a_misspelt_field() -> None:
    """The check above has teeth: strict validation refuses an unknown field."""
    statefulset = copy.deepcopy(by_kind(render())["StatefulSet"])
    statefulset["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(statefulset, KUBERNETES[-1], strict=True)


def test_statefulset_gives_each_pod_its_name_as_instance_id() -> None:
    docs = render()
    statefulset = by_kind(docs)["StatefulSet"]
    service = by_kind(docs)["Service"]
    assert statefulset["spec"]["serviceName"] == service["metadata"]["name"]
    assert service["spec"]["clusterIP"] == "None"
    env = {e["name"]: e for e in worker_container(docs)["env"]}
    instance = env["ANONYMIZER_INSTANCE_ID"]["valueFrom"]["fieldRef"]["fieldPath"]
    assert instance == "metadata.name"  # stable transactional id per pod (ops/RUNBOOK.md)
    assert worker_container(docs)["args"] == ["worker"]


def test_probes_ask_the_metrics_port() -> None:
    container = worker_container(render())
    port = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert port == {"metrics": 9464}
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["ANONYMIZER_METRICS_PORT"] == "9464"
    for probe, path in (("startupProbe", "/healthz"), ("livenessProbe", "/healthz"),
                        ("readinessProbe", "/readyz")):  # fmt: skip
        assert container[probe]["httpGet"] == {"path": path, "port": "metrics"}


def test_resources_security_and_disruption_budget() -> None:
    docs = render()
    kinds = by_kind(docs)
    container = worker_container(docs)
    assert container["resources"]["requests"]["cpu"] and container["resources"]["limits"]["memory"]
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    pod = kinds["StatefulSet"]["spec"]["template"]
    assert pod["spec"]["securityContext"]["runAsNonRoot"] is True
    assert pod["spec"]["securityContext"]["runAsUser"] != 0
    pdb = kinds["PodDisruptionBudget"]["spec"]
    assert pdb["maxUnavailable"] == 1
    labels = pod["metadata"]["labels"]
    assert all(labels.get(k) == v for k, v in pdb["selector"]["matchLabels"].items())


def test_settings_come_from_config_and_secret() -> None:
    docs = render("--set", "profile=latency")
    kinds = by_kind(docs)
    config = kinds["ConfigMap"]["data"]
    assert config["ANONYMIZER_PROFILE"] == "latency"
    assert config["ANONYMIZER_BOOTSTRAP_SERVERS"].startswith("kafka-0.kafka:9092")
    assert set(config) <= SETTINGS, set(config) - SETTINGS  # every key is a real setting
    refs = worker_container(docs)["envFrom"]
    assert {"configMapRef": {"name": kinds["ConfigMap"]["metadata"]["name"]}} in refs
    assert {"secretRef": {"name": "event-anonymizer-secrets"}} in refs  # the existing one
    assert "Secret" not in kinds


def test_chart_made_secret_when_none_is_given() -> None:
    docs = render("--set", "secrets.existingSecret=", "--set", "secrets.keys=k1:c2VjcmV0")
    secret = by_kind(docs)["Secret"]
    assert secret["stringData"] == {"ANONYMIZER_KEYS": "k1:c2VjcmV0"}
    refs = worker_container(docs)["envFrom"]
    assert {"secretRef": {"name": secret["metadata"]["name"]}} in refs
    annotations = by_kind(docs)["StatefulSet"]["spec"]["template"]["metadata"]["annotations"]
    assert "checksum/secret" in annotations  # a new key ring rolls the pods


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--set", "config.ANONYMIZER_BOOTSTRAP_SERVERS="],
         "config.ANONYMIZER_BOOTSTRAP_SERVERS is required"),
        (["--set", "secrets.existingSecret="], "secrets.existingSecret (a Secret holding"),
        (["--set", "config.ANONYMIZER_KEYS=x"], "config.ANONYMIZER_KEYS is a secret"),
        (["--set", "config.BATCH_SIZE=5"], "config.BATCH_SIZE: settings are ANONYMIZER_*"),
        (["--set", "profile=fast"], "profile must be throughput or latency"),
    ],
)  # fmt: skip
def test_mistakes_fail_the_render_with_a_message(args: list[str], message: str) -> None:
    done = helm("template", "ea", str(CHART), "-f", str(EXAMPLE_VALUES), *args, check=False)
    assert done.returncode != 0
    assert message in done.stderr


def test_topics_job_runs_before_install_with_the_replication_override() -> None:
    job = by_kind(render("--set", "topics.apply=true", "--set", "topics.replicationFactor=1"))
    spec = job["Job"]
    assert spec["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
    container = spec["spec"]["template"]["spec"]["containers"][0]
    assert container["args"] == ["topics", "apply"]
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["ANONYMIZER_TOPIC_REPLICATION_FACTOR"] == "1"
    assert set(env) <= SETTINGS


def test_without_go_the_build_says_why_in_one_line(tmp_path: Path) -> None:
    """What ops/test and the skip message show on a machine without Go (nothing is built)."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path), "GO": str(tmp_path / "no-go")}
    env.pop("ANONYMIZER_HELM", None)
    done = subprocess.run(
        ["bash", str(BUILD_SCRIPT)], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith("error: Go is not installed, so helm 4.3.2 cannot be built")
    assert not (tmp_path / "event-anonymizer" / "helm-4.3.2" / "bin").exists()
