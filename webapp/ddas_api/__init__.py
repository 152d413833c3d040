"""The DDAS exchange API for CBS, `POST /ddas/v1/gegevens` (DDAS-VS.yaml v1.2): `views.py` routes, `fsc.py` the
FSC-compatible refusals, `guard.py` the token, signature and rate-limit checks before a delivery is built."""
from webapp.ddas_api.views import init_app  # noqa: F401
