"""The counsellor's worklist (`views.py`), and reassigning from its "Alle taken" (`reassign.py`)."""
from __future__ import annotations


def init_app(app) -> None:
    from webapp.worklist import reassign  # noqa: F401  (its route hangs on the blueprint)
    from webapp.worklist.views import bp

    app.register_blueprint(bp)
