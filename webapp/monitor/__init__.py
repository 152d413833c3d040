"""The monitor: the dashboard of the Divosa figures per period and the feedback per signal partner (`views.py`; the
tables and charts in `tables.py`)."""
from webapp.monitor.views import init_app  # noqa: F401
