"""Avro codecs: schema loading, a compiled record encoder, single-object framing."""
