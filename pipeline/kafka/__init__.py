"""Kafka plumbing: the embedded broker, client configuration and topics as code."""
