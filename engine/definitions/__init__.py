"""Process definitions: reading and deploying versions (parsed once), the deploy check and its data-flow analysis, the
one diagram parser, forms, drafts, Dutch messages."""
