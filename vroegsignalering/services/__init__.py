"""Application services: ..."""
