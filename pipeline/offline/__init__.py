"""The offline file mode: JSONL in; JSONL or an Avro container out; rejects as JSONL."""
