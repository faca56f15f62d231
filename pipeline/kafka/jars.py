"""Resolve the Apache Kafka broker jars once, with Maven, into a shared cache directory."""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import re
import shutil
import subprocess
from pathlib import Path

from pipeline.kafka.errors import ToolMissingError

KAFKA_VERSION = "4.1.1"
MIN_JAVA = 17
LIBS_ENV = "ANONYMIZER_KAFKA_LIBS"
MARKER = ".complete"

log = logging.getLogger(__name__)

_JAVA_HINT = (
    f"Java {MIN_JAVA} or newer is needed to run the embedded broker and schema registry: "
    "install a JDK "
    "(e.g. apt-get install openjdk-17-jre-headless)"
)
_MVN_HINT = (
    "Maven is needed once to download the Kafka broker jars: install it "
    f"(e.g. apt-get install maven) or point {LIBS_ENV} at a directory of resolved jars"
)


def default_libs_dir() -> Path:
    """The jar directory: `$ANONYMIZER_KAFKA_LIBS` or the per-user cache."""
    override = os.environ.get(LIBS_ENV)
    if override:
        return Path(override).expanduser()
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "event-anonymizer" / f"kafka-{KAFKA_VERSION}" / "libs"


def find_pom() -> Path:
    """The Maven project listing the jars: in the repository or bundled in the wheel."""
    package_root = Path(__file__).resolve().parent.parent  # .../pipeline
    for candidate in (
        package_root.parent / "ops" / "kafka" / "pom.xml",
        package_root / "_bundled" / "kafka" / "pom.xml",
    ):
        if candidate.is_file():
            return candidate
    raise ToolMissingError(f"ops/kafka/pom.xml not found next to {package_root}: broken install")


def java_executable() -> str:
    """Path of `java` (JAVA_HOME first), checked to be version 17 or newer."""
    java_home = os.environ.get("JAVA_HOME")
    candidate = Path(java_home) / "bin" / "java" if java_home else None
    java = str(candidate) if candidate and candidate.is_file() else shutil.which("java")
    if not java:
        raise ToolMissingError(f"`java` not found. {_JAVA_HINT}")
    major = java_major_version(java)
    if major < MIN_JAVA:
        raise ToolMissingError(f"{java} is Java {major}. {_JAVA_HINT}")
    return java


def java_major_version(java: str) -> int:
    """The major version `java -version` reports (1.8 counts as 8)."""
    try:
        out = subprocess.run(
            [java, "-version"], capture_output=True, text=True, timeout=30, check=False
        )
    except OSError as exc:
        raise ToolMissingError(f"cannot run {java}: {exc}. {_JAVA_HINT}") from exc
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if not match:
        raise ToolMissingError(f"cannot read the version of {java}. {_JAVA_HINT}")
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def _pom_digest(pom: Path) -> str:
    return hashlib.sha256(pom.read_bytes()).hexdigest()


def _is_complete(libs: Path, digest: str) -> bool:
    marker = libs / MARKER
    try:
        return marker.read_text().strip() == digest
    except OSError:
        return False


def ensure_jars(libs_dir: Path | None = None) -> Path:
    """Return a directory holding the broker's runtime jars, resolving them with Maven once.

    A marker file (holding the pom's SHA-256) records a finished resolution; a file lock next
    to the directory makes concurrent callers wait for the first one instead of racing.
    """
    libs = (libs_dir or default_libs_dir()).expanduser().resolve()
    pom = find_pom()
    digest = _pom_digest(pom)
    if _is_complete(libs, digest):
        return libs
    libs.parent.mkdir(parents=True, exist_ok=True)
    with open(libs.parent / f".{libs.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _is_complete(libs, digest):  # another caller finished while we waited
            return libs
        _resolve(pom, libs)
        (libs / MARKER).write_text(digest + "\n")
    return libs


def _resolve(pom: Path, libs: Path) -> None:
    mvn = shutil.which("mvn")
    if not mvn:
        raise ToolMissingError(f"`mvn` not found. {_MVN_HINT}")
    if libs.exists():
        shutil.rmtree(libs)  # a half-finished earlier attempt
    libs.mkdir(parents=True)
    log.info("resolving Kafka %s jars with Maven into %s", KAFKA_VERSION, libs)
    cmd = [
        mvn, "-q", "-B", "-f", str(pom), "dependency:copy-dependencies",
        f"-DoutputDirectory={libs}", "-DincludeScope=runtime",
    ]  # fmt: skip
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if out.returncode != 0 or not any(libs.glob("kafka_2.13-*.jar")):
        tail = "\n".join((out.stdout + out.stderr).strip().splitlines()[-15:])
        raise ToolMissingError(
            f"Maven could not resolve the Kafka jars (exit {out.returncode}); "
            f"check network access to Maven Central:\n{tail}"
        )
