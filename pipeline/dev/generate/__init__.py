"""Synthetic traffic to Kafka: the `anonymizer generate` command's library part."""

from pipeline.dev.generate.bucket import TokenBucket
from pipeline.dev.generate.producer import ProduceSummary, check_topic, produce_traffic

__all__ = ["ProduceSummary", "TokenBucket", "check_topic", "produce_traffic"]
