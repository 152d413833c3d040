"""The administrator's page `/beheer/ddas` (`views.py`): every DDAS delivery, exported or fetched by CBS."""
from webapp.ddas_beheer.views import init_app  # noqa: F401
