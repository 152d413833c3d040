"""The DDAS exchange API's security, without HTTP: JAdES payload signatures with the Digest header (`jades.py`) and
the OAuth2 access tokens CBS brings (`tokens.py`). The web layer (webapp/ddas_api) calls these."""
