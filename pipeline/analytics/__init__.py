"""What the anonymized output is for, computed on plain dicts: tap and click heatmaps, A/B test
results, visitors per site and day. Pure: no I/O; the `heatmap` and `abtest` commands read the
records and draw. `raw` gives raw events the same shape, to measure what anonymization costs."""
