"""The staff form that enters an internal or warm referral as a signal (`views.py`)."""
from webapp.referral.views import init_app  # noqa: F401
