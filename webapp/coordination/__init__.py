"""The coordinator's view (`views.py`); what it reads and the reassignment are in vroegsignalering (queries.coordinator,
services.assignment)."""
from webapp.coordination.views import init_app  # noqa: F401
