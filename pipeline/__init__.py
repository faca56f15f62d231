"""event-anonymizer: a streaming stage that anonymizes raw web-analytics events."""

__version__ = "0.1.0"
