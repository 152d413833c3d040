"""The counsellors' search, `GET /zoeken?q=…` (`views.py`): one box for a case number, a BSN, a name or an
address; the search and its access log entries are `vroegsignalering.services.search`."""
from webapp.search.views import init_app  # noqa: F401
