"""Shared plumbing for the server-rendered pages: the role guard and the main navigation.

`page_for(*roles)` guards an HTML view: without a session the visitor is sent to the login page (and back after),
with the wrong role a Dutch "Geen toegang" page with status 403 is shown. API views use `auth.roles_required`.
`nav_items()` lists the menu entries the signed-in user may use, only for pages that exist in this app.
"""
from __future__ import annotations

from functools import wraps

from flask import current_app, g, redirect, render_template_string, request, url_for

from engine.roles import AUDITOR, BEHEERDER, BELEIDSMEDEWERKER, COORDINATOR, HULPVERLENER, PROCESEIGENAAR

from webapp.web.auth import current_user, run_as

# (label, endpoint, roles): the main menu, in order.
NAVIGATION = (
    ("Werklijst", "worklist.werklijst", (HULPVERLENER, COORDINATOR)),
    ("Coördinatie", "coordination.overzicht", (COORDINATOR,)),
    ("Signaal invoeren", "referral.nieuw", (HULPVERLENER, COORDINATOR)),
    ("Zoeken", "search.zoeken", (HULPVERLENER, COORDINATOR)),
    ("Processen", "modeling.processen", (PROCESEIGENAAR,)),
    ("Brieven", "letters.sjablonen", (PROCESEIGENAAR,)),
    ("Audit", "audit.zoeken", (AUDITOR,)),
    ("Dashboard", "monitor.overzicht", (COORDINATOR, PROCESEIGENAAR, BELEIDSMEDEWERKER)),
    ("Bewaartermijnen", "retention.overzicht", (COORDINATOR, AUDITOR, BEHEERDER)),
    ("Bereik", "reach.overzicht", (HULPVERLENER, COORDINATOR, PROCESEIGENAAR, BELEIDSMEDEWERKER)),
    ("Beheer", "beheer.index", (BEHEERDER,)),
)

_FORBIDDEN = """{% extends "web/base.html" %}
{% block title %}Geen toegang — Vroeg{% endblock %}
{% block content %}<h1>Geen toegang</h1>
<p>Met de rol {{ role_label(user.role) }} kunt u deze pagina niet gebruiken.</p>
<p><a href="{{ url_for('index') }}">Naar de startpagina</a></p>{% endblock %}"""

def init_app(app) -> None:
    app.jinja_env.globals.update(nav_items=nav_items)


def page_for(*roles: str):
    """Decorator for HTML views: login redirect when anonymous, 403 page for other roles; sets g.user."""

    def decorator(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            user = current_user()
            if user is None:
                return redirect(url_for("web.login", next=request.full_path.rstrip("?")))
            if user.role not in roles:
                return render_template_string(_FORBIDDEN, user=user), 403
            return run_as(user, view, *args, **kwargs)

        guarded.allowed_roles = tuple(roles)
        return guarded

    return decorator


def nav_items() -> list[tuple[str, str, bool]]:
    """(label, url, is the current page) for each menu entry the current user may open."""
    user = current_user()
    if user is None:
        return []
    items = []
    for label, endpoint, roles in NAVIGATION:
        if user.role in roles and endpoint in current_app.view_functions:
            items.append((label, url_for(endpoint), request.endpoint == endpoint))
    return items
