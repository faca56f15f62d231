"""`anonymizer audit`'s figures, computed from anonymized records only (pure: no I/O)."""
