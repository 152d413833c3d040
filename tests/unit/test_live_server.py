"""tests/support/live_server.py: every response the app returned is closed once its request is over, also when
werkzeug's server skips close() (a client that reset the connection)."""
from __future__ import annotations

import threading
import urllib.request

from werkzeug.serving import WSGIRequestHandler

from tests.support.live_server import serve


class _Body:
    """A response body that counts how often it was closed, like a file streamed from disk."""

    def __init__(self, log: list, closed: threading.Event):
        self.log = log
        self.closed = closed

    def __iter__(self):
        return iter([b"hallo"])

    def close(self) -> None:
        self.log.append("closed")
        self.closed.set()


def _app(log: list, closed: threading.Event):
    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "5")])
        return _Body(log, closed)

    return app


def _get(server) -> bytes:
    with urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/") as response:
        return response.read()


def test_a_served_response_is_closed_once():
    log, closed = [], threading.Event()
    with serve(_app(log, closed)) as server:
        assert _get(server) == b"hallo"
        assert closed.wait(10)  # the request's thread closes after the client has its answer
    assert log == ["closed"]


def test_a_response_the_server_did_not_close_is_closed_after_the_request(monkeypatch):
    """What werkzeug 3.1 does when draining a reset connection raises: the app ran, close() was never called."""
    def run_wsgi_without_closing(self):
        self.environ = self.make_environ()
        body = self.server.app(self.environ, lambda status, headers, exc_info=None: None)
        list(body)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    monkeypatch.setattr(WSGIRequestHandler, "run_wsgi", run_wsgi_without_closing)
    log, closed = [], threading.Event()
    with serve(_app(log, closed)) as server:
        _get(server)
        assert closed.wait(10)
    assert log == ["closed"]
