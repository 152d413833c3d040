"""A WSGI app served from a thread on a free loopback port, for tests that need a real socket (the browser's app).

werkzeug's development server (3.1) closes the app's response in a `finally` that first drains the socket. When the
client has reset the connection, that read raises, the server logs a dropped connection, and `close()` is never
called: a static file streamed from disk stays open until the collector finds it. The resulting ResourceWarning is
an error under this suite's `filterwarnings = error`, reported in whichever test happens to run then. Chromium
cancels image requests when a test navigates on, so this struck at random. `serve` closes every response the app
returned once the request is over, whatever the server did; closing twice is harmless (`_ClosedOnce`).
"""
from __future__ import annotations

import threading
from contextlib import contextmanager

from werkzeug.serving import WSGIRequestHandler, make_server


class _ClosedOnce:
    """The app's response, whose close() runs at most once."""

    def __init__(self, response):
        self._response = response
        self._closed = False

    def __iter__(self):
        return iter(self._response)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        close = getattr(self._response, "close", None)
        if close is not None:
            close()


class ClosingApp:
    """Wraps an app; remembers, per request thread, the responses to close when the request is over."""

    def __init__(self, app):
        self.app = app
        self._local = threading.local()

    def __call__(self, environ, start_response):
        response = _ClosedOnce(self.app(environ, start_response))
        self._local.__dict__.setdefault("open", []).append(response)
        return response

    def close_leftovers(self) -> None:
        for response in self._local.__dict__.pop("open", ()):
            response.close()


class ClosingRequestHandler(WSGIRequestHandler):
    """werkzeug's handler, then close whatever the request's responses left open."""

    def run_wsgi(self) -> None:
        try:
            super().run_wsgi()
        finally:
            self.server.app.close_leftovers()


@contextmanager
def serve(app, **server_options):
    """Serve `app` on 127.0.0.1 (a free port) in a daemon thread; yields the server (`server_port`)."""
    server = make_server("127.0.0.1", 0, ClosingApp(app), threaded=True, request_handler=ClosingRequestHandler,
                         **server_options)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="live-app",
                              daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
