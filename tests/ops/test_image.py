"""The Dockerfile, as far as it can be checked without a container runtime (none here): what it
copies exists, its install (the same uv, the same flags) gives a working `anonymizer` from the
wheel with the GeoLite2 database and the bundled files, that install runs a real worker, and
the HEALTHCHECK command tells a live worker's /healthz from a dead one."""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from pipeline.config.kafka import KafkaSettings
from pipeline.kafka.broker import free_port

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
KEYS = "img:" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWY="  # 32 bytes, for this test only


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined, comments out."""
    text = re.sub(r"\\\n(\s*#.*\n)*", "", DOCKERFILE.read_text())
    lines = [line.strip() for line in text.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1])
        for line in lines
        if line and not line.startswith("#")
    ]


def uv_binary() -> str:
    done = subprocess.run(
        ["bash", "-c", 'source ops/lib/uv.sh >/dev/null && echo "$UV"'],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout.strip()


@pytest.fixture(scope="module")
def image_env(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The image's /app/.venv, made here: the Dockerfile's last `uv sync`, offline from the
    cache the suite's set-up filled (so: the same lock, the project as a wheel)."""
    runs = [args for op, args in instructions() if op == "RUN" and "uv sync" in args]
    command = shlex.split(runs[-1][runs[-1].index("uv sync") :])
    assert command[:2] == ["uv", "sync"] and "--locked" in command and "--no-editable" in command
    venv = tmp_path_factory.mktemp("image") / "venv"
    env = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(venv), "UV_PYTHON_DOWNLOADS": "never"}
    subprocess.run(
        [uv_binary(), *command[1:], "--offline", "--project", str(ROOT), "-q"],
        env=env, check=True, timeout=600,
    )  # fmt: skip
    return venv


def test_what_the_dockerfile_copies_exists_and_uv_is_the_pinned_one() -> None:
    ops = instructions()
    for op, args in ops:
        if op == "COPY" and not args.startswith("--from"):
            for source in args.split()[:-1]:
                assert (ROOT / source).exists(), source
    uv_pin = re.search(r'UV_VERSION="([^"]+)"', (ROOT / "ops/lib/uv.sh").read_text())
    assert uv_pin and ("ARG", f"UV_VERSION={uv_pin.group(1)}") in ops
    runtime = ops[max(i for i, (op, _) in enumerate(ops) if op == "FROM") :]
    assert ("USER", "10001:10001") in runtime
    assert ("ENTRYPOINT", '["anonymizer"]') in runtime and ("CMD", '["worker"]') in runtime


def test_the_install_runs_from_the_wheel_with_its_data(image_env: Path, tmp_path: Path) -> None:
    check = next(a for op, a in instructions() if op == "RUN" and "GeoLite2" in a)
    code = shlex.split(check)[-1]
    done = subprocess.run([str(image_env / "bin/python"), "-c", code], cwd=tmp_path,
                          capture_output=True, text=True, check=True)  # fmt: skip
    assert f"GeoLite2: {image_env}" in done.stdout  # from the image's site-packages
    probe = (
        "from pipeline.kafka.topics import default_topics_file; import pipeline; "
        "print(default_topics_file(), pipeline.__file__)"
    )
    where = subprocess.run([str(image_env / "bin/python"), "-c", probe], cwd=tmp_path,
                           capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert "site-packages/pipeline/_bundled/topics/topics.toml" in where
    assert str(ROOT) not in where  # the wheel, not the work tree
    policy = subprocess.run([str(image_env / "bin/anonymizer"), "policy"], cwd=tmp_path,
                            capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert policy.startswith("Policy `web-events/1`")


def healthcheck(port: int) -> subprocess.CompletedProcess[str]:
    """The Dockerfile's HEALTHCHECK command, run as the image would (its CMD, exec form)."""
    args = next(a for op, a in instructions() if op == "HEALTHCHECK")
    command = json.loads(args[args.index("CMD") + 3 :])
    env = {**os.environ, "ANONYMIZER_METRICS_PORT": str(port)}
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=30)


@pytest.mark.kafka
def test_healthcheck_passes_on_a_live_worker_and_fails_without_one(
    image_env: Path, kafka_topics: KafkaSettings, tmp_path: Path
) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANONYMIZER_")}
    env.update(
        ANONYMIZER_KEYS=KEYS,
        ANONYMIZER_BOOTSTRAP_SERVERS=kafka_topics.bootstrap_servers,
        ANONYMIZER_RAW_TOPIC=kafka_topics.raw_topic,
        ANONYMIZER_ANONYMIZED_TOPIC=kafka_topics.anonymized_topic,
        ANONYMIZER_DEAD_LETTER_TOPIC=kafka_topics.dead_letter_topic,
        ANONYMIZER_DAY_SECRETS_TOPIC=kafka_topics.day_secrets_topic,
        ANONYMIZER_GROUP_ID=kafka_topics.group_id,
        ANONYMIZER_METRICS_PORT=str(port),
        PATH=f"{image_env / 'bin'}:{os.environ['PATH']}",
    )
    log = tmp_path / "worker.log"
    with log.open("wb") as out:  # the image's entrypoint and default command
        worker = subprocess.Popen(["anonymizer", "worker"], env=env, cwd=tmp_path, stdout=out,
                                  stderr=subprocess.STDOUT)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not _answers(f"http://127.0.0.1:{port}/healthz"):
            assert worker.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        assert healthcheck(port).returncode == 0
    finally:
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(30) == 0, log.read_text()
    assert "Traceback" not in log.read_text()
    dead = healthcheck(port)  # the worker is gone: nothing answers on its port
    assert dead.returncode != 0
    assert "Connection refused" in dead.stderr


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except OSError:
        return False
