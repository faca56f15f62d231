"""The project's exceptions: start-up failures only; per-record failures are values."""

from __future__ import annotations

from typing import Any


class AnonymizerError(Exception):
    """Base of every exception this package raises on purpose."""


class ConfigError(AnonymizerError):
    """Configuration that cannot work: raised at start-up, never on the hot path."""


class UnreachableError(AnonymizerError):
    """A service the command needs did not answer (Kafka, the schema registry): not a
    configuration error, the configuration may be right and the service away. Exit 4."""

    service = "a service"


UNREACHABLE_EXIT = 4


class UsageError(AnonymizerError):
    """A command used wrongly: flags that do not go together or are out of range, or a request
    that cannot be served as asked (e.g. a replay of events no longer held). The CLI reports it
    as argparse reports its own mistakes: `anonymizer <command>: error: <line>`, exit 2."""


USAGE_EXIT = 2  # argparse's own


def validation_lines(exc: Any) -> list[str]:
    """One line per mistake of a pydantic ValidationError: where and what, never the value."""
    lines = []
    for err in exc.errors(include_input=False, include_url=False):
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown setting"
        loc = ".".join(str(p) for p in err["loc"])
        # model-level checks already name their field
        lines.extend(f"{loc}: {m}" if loc else m for m in msg.splitlines())
    return lines
