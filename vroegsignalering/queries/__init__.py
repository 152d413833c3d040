"""Read models: ..."""
