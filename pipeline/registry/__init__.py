"""The schema registry side: the embedded Apicurio Registry, a small client of the
Confluent-compatible API, and the worker's start-up registration of its schemas."""
