"""What a request handler needs from the app it runs in: the engine the composition root (webapp.create_app) put
there. Kept apart from webapp/__init__.py so that no page module imports the composition root."""
from __future__ import annotations

from flask import current_app

from engine.service import Engine

EXTENSION = "vroeg"


def current_engine() -> Engine:
    """The engine of the app handling this request."""
    return current_app.extensions[EXTENSION]
