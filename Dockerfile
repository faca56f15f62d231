# The event-anonymizer image: `anonymizer` as the entrypoint, `worker` by default.
#
#   docker build -t event-anonymizer:0.1.0 .
#   docker run --rm -e ANONYMIZER_KEYS=... -e ANONYMIZER_BOOTSTRAP_SERVERS=kafka:9092 event-anonymizer:0.1.0
#   docker run --rm event-anonymizer:0.1.0 topics plan --bootstrap-servers kafka:9092
#
# Not built in this repository's tests: the machines it is developed and tested on have no
# container runtime and no access to an image registry. tests/ops/test_image.py checks what can
# be checked without one: every file copied exists, the install below (same uv, same flags)
# gives a working `anonymizer` with the GeoLite2 database and the bundled topics and schemas,
# and the HEALTHCHECK command answers by a running worker's /healthz.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- build: the locked dependencies, then the project as a wheel, into /app/.venv -----------
FROM ${PYTHON_IMAGE} AS build
# The uv that wrote uv.lock (ops/lib/uv.sh pins the same), from the package index.
ARG UV_VERSION=0.13.9
RUN python -m pip install --no-cache-dir "uv==${UV_VERSION}"
ENV UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy
WORKDIR /src
# Dependencies first (a layer that changes only with the lock). --locked: stop if uv.lock does
# not match pyproject.toml; no extras, so none of the dev tools. maxminddb-geolite2 (the
# GeoLite2-City database, 2018 build) comes as a source package and is built here.
COPY pyproject.toml uv.lock README.md ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --locked --no-install-project
# Then the project itself, as a wheel (not editable): the package with its policy, Avro schemas,
# topics file and broker pom bundled (pyproject.toml's force-include).
COPY pipeline ./pipeline
COPY avro ./avro
COPY topics ./topics
COPY ops/kafka/pom.xml ./ops/kafka/pom.xml
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --locked --no-editable
# Fail the build, not the first pod, if the database or the bundled files are missing.
RUN /app/.venv/bin/python -c "from pipeline.core.geo import default_database as d; \
from pipeline.kafka.topics import load_topics; p = d(); assert p.stat().st_size > 10**7, p; \
assert load_topics(); print('GeoLite2:', p)"

# --- runtime: the environment only, as a non-root user --------------------------------------
FROM ${PYTHON_IMAGE}
LABEL org.opencontainers.image.title="event-anonymizer" \
      org.opencontainers.image.description="Streaming anonymization of raw web-analytics events: Kafka in, Avro out" \
      org.opencontainers.image.licenses="Apache-2.0 AND CC-BY-SA-4.0"
RUN groupadd --gid 10001 anonymizer \
 && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin anonymizer
COPY --from=build /app/.venv /app/.venv
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    MPLCONFIGDIR=/tmp/matplotlib \
    ANONYMIZER_METRICS_PORT=9464
# A current GeoIP2/GeoLite2 City database replaces the 2018 one this way (ops/RUNBOOK.md, geoip):
#   -v /srv/geoip:/var/lib/geoip:ro -e ANONYMIZER_GEOIP=/var/lib/geoip/GeoLite2-City.mmdb
USER 10001:10001
WORKDIR /tmp
EXPOSE 9464
# Liveness on the metrics port: /healthz answers 200 while the worker's loop turns, 503 when it
# is stuck. Only the worker serves it; for one-off commands (topics, replay) ignore the status.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('ANONYMIZER_METRICS_PORT', '9464'), timeout=4)"]
# SIGTERM: the worker commits the batch in hand, leaves the group and exits 0.
STOPSIGNAL SIGTERM
ENTRYPOINT ["anonymizer"]
CMD ["worker"]
