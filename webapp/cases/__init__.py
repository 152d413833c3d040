"""The case page for counsellors and coordinators (`views.py`), read by `read.py`, with its history lines
(`history.py`)."""
from webapp.cases.views import init_app  # noqa: F401
