"""Application services: one function per use case; each owns its transaction, decides who may do it, and
records the access log or history in the same transaction. Only services commit."""
