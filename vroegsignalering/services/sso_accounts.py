"""Staff accounts behind single sign-on (OpenID Connect): the identity provider vouches for who someone is, Vroeg
decides what they may do. The web layer (webapp/web/sso.py) checks the id_token and hands over its claims; this
module finds or makes the account in one unit of work.

- An account is found by its subject (`issuer` + `sub`, never by username: a provider account must not take over a
  local account that happens to share its name). A new one gets the provider's `preferred_username` (made to fit
  Vroeg's usernames, with a number added when taken) and its full name.
- The role comes from a claim (VROEG_OIDC_ROLE_CLAIM, mapped by VROEG_OIDC_ROLE_MAP; a value that is a role's own
  name is that role). When the claims map to a role it is set at every sign-in (the provider is the source), and a
  change is recorded. Without one the account keeps the role an administrator chose; a new account without one
  waits (NO_ROLE) and appears first on /beheer/gebruikers.
- Municipalities (R37) come from the claim VROEG_OIDC_GEMEENTE_CLAIM (CBS codes; codes that are none of the
  installation's are ignored and logged) and are set when the account is made. Without such codes an administrator
  assigns them on /beheer/gebruikers (until then the account works for the first municipality).
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from sqlalchemy import select

from engine.db import transactional
from engine.history.audit import SYSTEM_CHAIN, append_event
from engine.identity import accounts
from engine.models import User
from engine.roles import NO_ROLE, ROLES
from vroegsignalering import gemeenten
from vroegsignalering.gemeente_models import Gemeente
from vroegsignalering.settings import oidc_role_map

log = logging.getLogger(__name__)

SIGNED_IN, WAITING, DISABLED = "aangemeld", "wacht", "uitgeschakeld"
SSO_ACTOR = "sso"


@dataclass(frozen=True)
class SsoOutcome:
    state: str  # SIGNED_IN, WAITING (no role yet) or DISABLED
    user_id: int
    username: str


def mapped_role(settings, claims: dict) -> str | None:
    """The role the claims map to (when they map to several: the first in the order of ROLES), or None."""
    value = claims.get(settings.oidc_role_claim)
    values = [value] if isinstance(value, str) else [v for v in value or () if isinstance(v, str)]
    mapping = oidc_role_map(settings.oidc_role_map)
    found = {mapping.get(v) or (v if v in ROLES else None) for v in values} - {None}
    return next((role for role in ROLES if role in found), None)


def mapped_gemeenten(session, settings, claims: dict) -> list[str]:
    """The installation's municipalities the claim VROEG_OIDC_GEMEENTE_CLAIM names (unknown codes logged, left out)."""
    if not getattr(settings, "oidc_gemeente_claim", ""):
        return []
    value = claims.get(settings.oidc_gemeente_claim)
    values = {value} if isinstance(value, str) else {str(v) for v in value or () if isinstance(v, (str, int))}
    values = {v.strip() for v in values if v.strip()}
    known = set(session.scalars(select(Gemeente.code).where(Gemeente.code.in_(values))))
    if values - known:
        log.warning("single sign-on: claim %s names municipalities this installation does not have, ignored: %s",
                    settings.oidc_gemeente_claim, ", ".join(sorted(values - known)))
    return sorted(known)


def _username(session, claims: dict) -> str:
    base = str(claims.get("preferred_username") or claims.get("email") or claims["sub"]).lower()
    base = re.sub(r"[^a-z0-9._-]+", "-", base.split("@")[0]).strip("._-")[:55] or "medewerker"
    base = base if len(base) >= 2 else f"{base}-sso"
    taken = set(session.scalars(select(User.username).where(User.username.startswith(base))))
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


@transactional
def sign_in_with_claims(engine, settings, issuer: str, claims: dict) -> SsoOutcome:
    """Find or make the account of these verified claims and set its role from them where they map to one
    (`settings`: the web app's, with the VROEG_OIDC_* mapping)."""
    subject = f"{issuer} {claims['sub']}"
    role = mapped_role(settings, claims)
    now = engine.clock.now()
    with engine.uow() as uow:
        session = uow.session
        user = session.scalar(select(User).where(User.oidc_subject == subject))
        if user is None:
            name = claims.get("name") if isinstance(claims.get("name"), str) else None
            user = accounts.add_user(session, _username(session, claims), role or NO_ROLE, None, now,
                                     hasher=engine.password_hasher, oidc_subject=subject,
                                     volledige_naam=(name or "")[:200] or None)
            gemeenten.ensure_first(session, engine.settings, now)
            codes = mapped_gemeenten(session, settings, claims)
            if codes:
                gemeenten.set_for_user(session, user, codes)
            append_event(session, chain=SYSTEM_CHAIN, kind="account_aangemaakt", actor=SSO_ACTOR, at=now,
                         data={"username": user.username, "role": role, "password": False, "sso": issuer,
                               "volledige_naam": user.volledige_naam, "gemeenten": codes or None})
        elif role is not None and user.role != role:
            append_event(session, chain=SYSTEM_CHAIN, kind="account_gewijzigd", actor=SSO_ACTOR, at=now,
                         data={"username": user.username,
                               "wijzigingen": {"role": {"oud": user.role or None, "nieuw": role}}})
            user.role = role
        state = DISABLED if not user.active else (WAITING if user.role == NO_ROLE else SIGNED_IN)
        outcome = SsoOutcome(state, user.id, user.username)
        uow.commit()
    return outcome
