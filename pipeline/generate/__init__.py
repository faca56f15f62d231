"""Synthetic traffic to Kafka: the `anonymizer generate` command's library part."""

from pipeline.generate.bucket import TokenBucket
from pipeline.generate.producer import ProduceSummary, check_topic, produce_traffic

__all__ = ["ProduceSummary", "TokenBucket", "check_topic", "produce_traffic"]
