"""Flask's session kept in the database (engine/identity/web_sessions.py, read and written through the staff service
vroegsignalering/services/staff.py): the cookie holds only a random session id.

Why not Flask-Session: its SQLAlchemy backend needs Flask-SQLAlchemy (Vroeg uses plain SQLAlchemy 2 with Alembic
migrations, and it creates its table itself), stores the session id as it is, and cannot find the sessions of one
user, so it can neither end them all at a password change nor tell idle from absolute expiry.

What each request does with the `web_sessions` table (static files: nothing at all):
- no cookie, or one whose session has ended: a new, empty session; it is stored only once something is put in it
  (the CSRF token of the login form, a flash message);
- signing in (`renew_session_id`, or the user id in the session changes): a new id, the old session is deleted (no
  session fixation);
- an emptied session (logout): the row is deleted and the cookie removed;
- otherwise: the content is written when it changed, else `last_seen_at` at most once a minute.

The cookie expires when the session's 8 hours are over; the idle timeout is the database's business.
"""
from __future__ import annotations

from flask import Flask
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SecureCookieSession, SessionInterface

from vroegsignalering.services import staff


class ServerSession(SecureCookieSession):
    """The session dict plus what the interface needs to know about its stored row."""

    def __init__(self, initial=None, *, session_id: str | None = None, user_id: int | None = None,
                 created_at=None, last_seen_at=None, had_cookie: bool = False):
        super().__init__(initial)
        self.session_id, self.stored_user_id = session_id, user_id
        self.created_at, self.last_seen_at, self.had_cookie = created_at, last_seen_at, had_cookie
        self.skip = False
        self.renew = False


class DatabaseSessionInterface(SessionInterface):
    serializer = TaggedJSONSerializer()  # Flask's own format: tuples (flash messages), bytes and dates survive

    def open_session(self, app: Flask, request) -> ServerSession:
        if app.static_url_path and request.path.startswith(app.static_url_path + "/"):  # no query for static files
            session = ServerSession()
            session.skip = True
            return session
        session_id = request.cookies.get(self.get_cookie_name(app))
        stored = staff.load_session(app.extensions["vroeg"], session_id)
        if stored is not None:
            return ServerSession(self._loads(stored.data), session_id=session_id, user_id=stored.user_id,
                                 created_at=stored.created_at, last_seen_at=stored.last_seen_at, had_cookie=True)
        return ServerSession(had_cookie=session_id is not None)

    def save_session(self, app: Flask, session: ServerSession, response) -> None:
        if session.skip:
            return
        if session.had_cookie:
            response.vary.add("Cookie")
        engine = app.extensions["vroeg"]
        if not session:
            if session.session_id is not None:
                staff.end_session(engine, session.session_id)
            if session.had_cookie:
                self._delete_cookie(app, response)
            return
        user_id = session.get("user_id") if isinstance(session.get("user_id"), int) else None
        if session.session_id is None or session.renew or user_id != session.stored_user_id:
            started = staff.start_session(engine, self.serializer.dumps(dict(session)), user_id,
                                          replacing=session.session_id)
            session.session_id, session.created_at = started.id, started.created_at
            self._set_cookie(app, response, session)
        elif session.modified:
            staff.store_session(engine, session.session_id, self.serializer.dumps(dict(session)))
        else:
            staff.touch_session(engine, session.session_id, session.last_seen_at)

    def _loads(self, data: str) -> dict:
        try:
            value = self.serializer.loads(data)
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    def _set_cookie(self, app: Flask, response, session: ServerSession) -> None:
        response.set_cookie(
            self.get_cookie_name(app), session.session_id, expires=session.created_at + staff.SESSION_LIFETIME,
            httponly=self.get_cookie_httponly(app), domain=self.get_cookie_domain(app),
            path=self.get_cookie_path(app), secure=self.get_cookie_secure(app),
            samesite=self.get_cookie_samesite(app), partitioned=self.get_cookie_partitioned(app))
        response.vary.add("Cookie")

    def _delete_cookie(self, app: Flask, response) -> None:
        response.delete_cookie(
            self.get_cookie_name(app), domain=self.get_cookie_domain(app), path=self.get_cookie_path(app),
            secure=self.get_cookie_secure(app), samesite=self.get_cookie_samesite(app),
            httponly=self.get_cookie_httponly(app), partitioned=self.get_cookie_partitioned(app))
        response.vary.add("Cookie")


def renew_session_id(session) -> None:
    """Give this session a new id when it is saved (the old one ends): call it when signing in."""
    target = session._get_current_object() if hasattr(session, "_get_current_object") else session
    target.renew = True
    target.modified = True

