"""The per-case hash-chained history, replay, signed checkpoints, the access log, and redaction."""
