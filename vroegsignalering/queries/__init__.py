"""Read models: what a screen or an API answer shows, read in one unit of work and returned as plain data."""
