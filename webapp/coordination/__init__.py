"""The coordinator's view (`views.py`) and its case list (`cases.py`)."""
from webapp.coordination.views import init_app  # noqa: F401
