"""Another municipality's Vroeg for the forwarding tests: its own database (a copy of the shipped state: an SQLite
file, or a PostgreSQL side database), its own engine with its own municipality code, and its web app served over
HTTPS on 127.0.0.1 (a self-signed certificate for localhost, as the webhook receiver's) in a thread. `plan` makes the
next requests fail first ("500"), as the webhook receiver's plan does; every request is kept."""
from __future__ import annotations

import shutil
import threading
from contextlib import ExitStack
from dataclasses import replace

from werkzeug.serving import make_server

from engine.db import make_engine
from vroegsignalering import gemeenten
from vroegsignalering.bootstrap import build_engine
from vroegsignalering.schema import upgrade
from tests.conftest import FAST_HASHER, ON_POSTGRES, postgres_side_database
from tests.support.snapshots import restore_rows
from tests.support.webhook_receiver import Request, make_certificate


class OtherVroeg:
    """`with OtherVroeg(states, settings, clock, tmp_path, "0344") as other:` -> other.engine, other.api_url,
    other.ca_file, other.requests."""

    def __init__(self, states, settings, clock, tmp_path, gemeentecode: str, plan: list[str] | None = None):
        self.states, self.settings, self.clock, self.tmp_path = states, settings, clock, tmp_path
        self.gemeentecode, self.plan = gemeentecode, list(plan or [])
        self.requests: list[Request] = []
        self.lock = threading.Lock()
        self._stack = ExitStack()

    def __enter__(self) -> "OtherVroeg":
        from webapp import create_app

        url = self._database()
        directory = self.tmp_path / "andere-vroeg"
        directory.mkdir(exist_ok=True)
        self.engine = build_engine(replace(self.settings, database_url=url, gemeentecode=self.gemeentecode,
                                           instance_path=directory / "instance"), self.clock,
                                   password_hasher=FAST_HASHER)
        self._stack.callback(self.engine.db.dispose)
        with self.engine.uow() as uow:  # the shipped state may hold the test's own municipality already
            if gemeenten.find(uow.session, self.gemeentecode) is None:
                gemeenten.add(uow.session, self.gemeentecode, f"Gemeente {self.gemeentecode}", self.clock.now())
            uow.commit()
        self.ca_file, key_file = make_certificate(directory)
        self.server = make_server("127.0.0.1", 0, self._recording(create_app(engine=self.engine).wsgi_app),
                                  threaded=True, ssl_context=(str(self.ca_file), str(key_file)))
        self.api_url = f"https://localhost:{self.server.server_port}/api/v1"
        thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        self._stack.callback(thread.join, 10)
        self._stack.callback(self.server.shutdown)
        return self

    def __exit__(self, *exc) -> None:
        self._stack.close()

    def _database(self) -> str:
        shipped = self.states("_shipped")
        if not ON_POSTGRES:
            path = self.tmp_path / "andere-vroeg.db"
            shutil.copy(shipped, path)
            return f"sqlite:///{path}"
        url = self._stack.enter_context(postgres_side_database("ander"))
        db = make_engine(url)
        upgrade(db)
        with db.begin() as conn:
            restore_rows(conn, shipped)
        db.dispose()
        return url

    def _recording(self, app):
        """The app, failing the requests the plan says, keeping each request with its answer."""
        import io
        import time

        def wsgi(environ, start_response):
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            environ["wsgi.input"] = io.BytesIO(body)
            headers = {key[5:].replace("_", "-").title(): value for key, value in environ.items()
                       if key.startswith("HTTP_")}
            with self.lock:
                behaviour = self.plan.pop(0) if self.plan else "ok"
            status = []

            def recording_start(code, response_headers, exc_info=None):
                status.append(int(code.split()[0]))
                return start_response(code, response_headers, exc_info)

            if behaviour == "500":
                result = [b""]
                recording_start("500 Internal Server Error", [("Content-Length", "0")])
            else:
                result = app(environ, recording_start)
            with self.lock:
                self.requests.append(Request(headers, body, status[0], time.monotonic(), time.time()))
            return result

        return wsgi
