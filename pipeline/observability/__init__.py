"""The worker's observability: one table of metric specs and what is derived from it."""
