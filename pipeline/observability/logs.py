"""Log output of the long-running commands: plain lines, or one JSON object per line.

`--log-format json` (or `ANONYMIZER_LOG_FORMAT=json`) writes each record as a JSON object with
stable field names, for log shippers:

| field | always | meaning |
|---|---|---|
| `ts` | yes | UTC time, ISO 8601 with milliseconds and `Z` |
| `level` | yes | `DEBUG`, `INFO`, `WARNING`, `ERROR`, `CRITICAL` |
| `logger` | yes | the logger's name (`pipeline.worker.loop`, `pipeline.kafka.librdkafka`, ...) |
| `message` | yes | the line as the text format shows it |
| `pid` | yes | the process id |
| `kafka_client`, `kafka_facility` | librdkafka lines | the client's name and librdkafka's facility (`FAIL`, `REQTMOUT`, ...) |
| `exception` | with a traceback | the formatted traceback |

Messages never hold payload bytes, addresses, e-mails or secrets (what is logged is chosen where
it is logged); the formatter adds nothing from the events.
"""

from __future__ import annotations

import logging
import os
import sys
from datetime import UTC, datetime
from typing import TextIO

import orjson

from pipeline.errors import ConfigError

FORMAT_ENV = "ANONYMIZER_LOG_FORMAT"
FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
EXTRA_FIELDS = ("kafka_client", "kafka_facility")


class JsonFormatter(logging.Formatter):
    """One JSON object per record (see the module docstring for the fields)."""

    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created, UTC)
        doc: dict[str, object] = {
            "ts": moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,
        }
        for name in EXTRA_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                doc[name] = value
        if record.exc_info:
            doc["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(doc).decode()


def default_format() -> str:
    """`$ANONYMIZER_LOG_FORMAT`, else text; ConfigError for any other value."""
    value = os.environ.get(FORMAT_ENV, "text").strip().lower() or "text"
    if value not in FORMATS:
        raise ConfigError(f"{FORMAT_ENV}: use one of {', '.join(FORMATS)}")
    return value


def configure(level: str | int, fmt: str, stream: TextIO | None = None) -> None:
    """Send every record to `stream` (stderr) in `fmt`, replacing the root's handlers."""
    handler = logging.StreamHandler(stream or sys.stderr)
    formatter = JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
