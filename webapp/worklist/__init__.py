"""The counsellor's worklist (`views.py`)."""
from webapp.worklist.views import init_app  # noqa: F401
