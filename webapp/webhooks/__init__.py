"""Partners' webhooks for administrators `/beheer/webhooks` (`views.py`)."""
from webapp.webhooks.views import init_app  # noqa: F401
