"""The retention overview `/bewaartermijnen` (`views.py`)."""
from webapp.retention.views import init_app  # noqa: F401
