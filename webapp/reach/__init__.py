"""Reach statistics `/bereik` (`views.py`)."""
from webapp.reach.views import init_app  # noqa: F401
