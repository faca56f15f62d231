"""Apicurio Registry's runnable distribution: fetched once with Maven, unpacked into a cache.

The Quarkus application is published on Maven Central as
`io.apicurio:apicurio-registry-app:3.0.9:tar.gz:all` (about 109 MB); 3.0.x runs on Java 17
(3.3.x needs Java 21). It is fetched with `mvn dependency:copy` (so it also lands in the local
Maven repository, and a second cache directory is filled in seconds), unpacked, and marked
complete; a file lock makes concurrent callers wait for the first one.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from pipeline.kafka.errors import ToolMissingError

APICURIO_VERSION = "3.0.9"
ARTIFACT = f"io.apicurio:apicurio-registry-app:{APICURIO_VERSION}:tar.gz:all"
DIST_ENV = "ANONYMIZER_REGISTRY_DIST"
MARKER = ".complete"

log = logging.getLogger(__name__)

_MVN_HINT = (
    "Maven is needed once to download Apicurio Registry: install it (e.g. apt-get install "
    f"maven) or point {DIST_ENV} at an unpacked apicurio-registry-app-{APICURIO_VERSION} "
    "distribution"
)


def default_dist_dir() -> Path:
    """The unpacked distribution: `$ANONYMIZER_REGISTRY_DIST` or the per-user cache."""
    override = os.environ.get(DIST_ENV)
    if override:
        return Path(override).expanduser()
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "event-anonymizer" / f"apicurio-{APICURIO_VERSION}"


def runner_jar(dist: Path) -> Path:
    """The application jar of an unpacked distribution (its `lib/` beside it)."""
    for name in ("quarkus-run.jar", f"apicurio-registry-app-{APICURIO_VERSION}-runner.jar"):
        if (dist / name).is_file():
            return dist / name
    raise ToolMissingError(f"{dist} holds no Apicurio Registry runner jar: broken download")


def _is_complete(dist: Path) -> bool:
    try:
        return (dist / MARKER).read_text().strip() == ARTIFACT
    except OSError:
        return False


def ensure_registry(dist_dir: Path | None = None) -> Path:
    """A directory holding the unpacked Apicurio Registry, fetched with Maven the first time."""
    dist = (dist_dir or default_dist_dir()).expanduser().resolve()
    if _is_complete(dist):
        return dist
    dist.parent.mkdir(parents=True, exist_ok=True)
    with open(dist.parent / f".{dist.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _is_complete(dist):  # another caller finished while we waited
            return dist
        _fetch(dist)
        (dist / MARKER).write_text(ARTIFACT + "\n")
    return dist


def _fetch(dist: Path) -> None:
    mvn = shutil.which("mvn")
    if not mvn:
        raise ToolMissingError(f"`mvn` not found. {_MVN_HINT}")
    log.info("fetching Apicurio Registry %s with Maven into %s", APICURIO_VERSION, dist)
    with tempfile.TemporaryDirectory(prefix="apicurio-dl-", dir=dist.parent) as tmp:
        cmd = [mvn, "-q", "-B", "dependency:copy", f"-Dartifact={ARTIFACT}",
               f"-DoutputDirectory={tmp}"]  # fmt: skip
        out = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=tmp)
        archives = list(Path(tmp).glob("apicurio-registry-app-*.tar.gz"))
        if out.returncode != 0 or not archives:
            tail = "\n".join((out.stdout + out.stderr).strip().splitlines()[-15:])
            raise ToolMissingError(
                f"Maven could not fetch {ARTIFACT} (exit {out.returncode}); check network "
                f"access to Maven Central:\n{tail}"
            )
        if dist.exists():
            shutil.rmtree(dist)  # a half-finished earlier attempt
        dist.mkdir(parents=True)
        with tarfile.open(archives[0]) as archive:
            archive.extractall(dist, filter="data")
    runner_jar(dist)  # the archive held what we expect
