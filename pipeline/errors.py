"""The project's exceptions: start-up failures only; per-record failures are values."""


class AnonymizerError(Exception):
    """Base of every exception this package raises on purpose."""


class ConfigError(AnonymizerError):
    """Configuration that cannot work: raised at start-up, never on the hot path."""
