"""Staff authentication: a bearer token, else the server-side session of the login page (webapp/web/sessions.py).

`current_user()` is the one hook: it tries `Authorization: Bearer <token>` first, then `session["user_id"]`.
`roles_required(*roles)` guards a view: no or bad credentials 401 (with `WWW-Authenticate: Bearer`; the detail says
whether the token is unknown, revoked, expired or belongs to a disabled account), wrong role 403. Both guards (and
`pages.page_for`) run the view within the user's municipality scope (`run_as`).
"""
from __future__ import annotations

from functools import wraps

from flask import g, request, session

from vroegsignalering.scope import acting_in, scope_of
from vroegsignalering.services import staff

from webapp.web.context import current_engine
from webapp.web.errors import Problem

_NOT_LOOKED_UP = object()
StaffUser = staff.StaffMember  # the signed-in staff member, detached from any database session


def current_user() -> StaffUser | None:
    """The staff member making this request (bearer token first, then the session cookie), or None."""
    cached = g.get("_vroeg_user", _NOT_LOOKED_UP)
    if cached is _NOT_LOOKED_UP:
        cached = _from_bearer() if bearer_token() is not None else _from_session()
        g._vroeg_user = cached
    return cached


def roles_required(*roles: str):
    """Decorator: refuse 401 without a valid user, 403 when the user's role is not one of `roles`; set g.user."""

    def decorator(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            user = current_user()
            if user is None:
                raise _unauthorized()
            if user.role not in roles:
                raise Problem(403, f"De rol {user.role} geeft geen toegang tot dit onderdeel.")
            return run_as(user, view, *args, **kwargs)

        guarded.allowed_roles = tuple(roles)
        return guarded

    return decorator


def run_as(user: StaffUser, view, *args, **kwargs):
    """Run a view as this staff member: g.user set, and every database read and write within the scope of their
    municipalities (vroegsignalering/scope.py), so no view can show another municipality's cases."""
    g.user = user
    with acting_in(scope_of(user, current_engine().settings.gemeentecode)):
        return view(*args, **kwargs)


def bearer_token() -> str | None:
    """The token of an `Authorization: Bearer` header, '' for a malformed header, None without the header."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


TOKEN_REFUSALS = {
    staff.UNKNOWN: "Het token is onbekend.",
    staff.REVOKED: "Het token is ingetrokken. Vraag de beheerder om een nieuw token.",
    staff.EXPIRED: "Het token is verlopen. Vraag de beheerder om een nieuw token.",
    staff.INACTIVE: "Het token hoort bij een account dat is uitgeschakeld.",
}


def _from_bearer() -> StaffUser | None:
    user, g._vroeg_token_refusal = staff.authenticate_token(current_engine(), bearer_token())
    return user


def _from_session() -> StaffUser | None:
    user_id = session.get("user_id")
    if not isinstance(user_id, int):
        return None
    return staff.active_member(current_engine(), user_id)


def _unauthorized() -> Problem:
    if bearer_token() is None:
        return Problem(401, headers={"WWW-Authenticate": 'Bearer realm="vroeg"'})
    refusal = TOKEN_REFUSALS.get(g.get("_vroeg_token_refusal"), TOKEN_REFUSALS[staff.UNKNOWN])
    return Problem(401, refusal, headers={"WWW-Authenticate": 'Bearer realm="vroeg", error="invalid_token"'})
