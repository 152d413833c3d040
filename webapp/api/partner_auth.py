"""Partner authentication: `Authorization: Bearer <partner token>`, apart from staff tokens and sessions.

A staff token (or a session cookie) opens no partner endpoint, and a partner token opens no staff endpoint: each is
looked up only in its own table. `partner_required` guards a view and sets `g.partner` (a PartnerRef)."""
from __future__ import annotations

from functools import wraps

from flask import g

from vroegsignalering.partners import PartnerRef
from vroegsignalering.services.signals import EXPIRED, INACTIVE, UNKNOWN, authenticate_partner

from webapp.web.context import current_engine
from webapp.web.auth import bearer_token
from webapp.web.errors import Problem


def current_partner() -> PartnerRef | None:
    """The partner making this request, or None."""
    token = bearer_token()
    if not token:
        return None
    partner, g._vroeg_partner_refusal = authenticate_partner(current_engine(), token)
    return partner


def partner_required(view):
    """Decorator: 401 without a valid partner token; sets g.partner."""

    @wraps(view)
    def guarded(*args, **kwargs):
        partner = current_partner()
        if partner is None:
            raise _unauthorized()
        g.partner = partner
        return view(*args, **kwargs)

    guarded.partner_only = True
    return guarded


def _unauthorized() -> Problem:
    if bearer_token() is None:
        return Problem(401, "Stuur het token van uw organisatie mee: Authorization: Bearer <partnertoken>.",
                       headers={"WWW-Authenticate": 'Bearer realm="vroeg-partners"'})
    detail = REFUSALS.get(g.get("_vroeg_partner_refusal"), REFUSALS[UNKNOWN])
    return Problem(401, detail, headers={"WWW-Authenticate": 'Bearer realm="vroeg-partners", error="invalid_token"'})


REFUSALS = {
    UNKNOWN: "Het token is onbekend of vervangen, of hoort niet bij een signaalpartner.",
    EXPIRED: "Het token is verlopen. Vraag de gemeente om een nieuw token.",
    INACTIVE: "Uw organisatie is als signaalpartner uitgeschakeld. Neem contact op met de gemeente.",
}
