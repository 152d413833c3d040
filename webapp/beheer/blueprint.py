"""The administrator's blueprint and what its pages share: the role guard, the acting user, a page
that shows a secret once (never flashed: the flash would store it in the server-side session)."""
from __future__ import annotations

from flask import Blueprint, current_app, g, make_response, render_template, url_for

from engine.roles import BEHEERDER

from webapp.web.pages import page_for

bp = Blueprint("beheer", __name__, url_prefix="/beheer")

# (label, endpoint, what it is for): the sections of /beheer, in order. Other features (the DDAS supplier, webhooks,
# municipalities) add their entry here; an entry whose endpoint does not exist (yet) is left out.
SECTIONS = (
    ("Gebruikers", "beheer.gebruikers", "Accounts toevoegen, rol, naam en telefoonnummer wijzigen, uitschakelen en "
                                        "een nieuw wachtwoord geven. Nieuwe accounts via single sign-on wachten hier "
                                        "op een rol."),
    ("Signaalpartners", "beheer.partners", "Signaalpartners toevoegen, de contactpersoon bijhouden, het API-token "
                                            "vernieuwen en een partner uitschakelen."),
    ("Registers", "beheer.registers", "Het register schuldhulpverlening, de bezwaren en de uitsluitingslijst: per "
                                       "persoon bijhouden of in zijn geheel vervangen met een CSV-bestand."),
    ("Gemeenten", "beheer.gemeenten", "De gemeenten van deze installatie met hun gegevens voor brieven."),
    ("DDAS-aanlevering", "beheer.ddas", "De aanlevering aan het CBS (DDAS)."),
    ("Webhooks", "webhooks.overzicht", "Terugmeldingen die signaalpartners per webhook krijgen: wat vastloopt, en "
                                        "opnieuw afleveren."),
)


def guarded(view):
    """Only a beheerder opens these pages."""
    return page_for(BEHEERDER)(view)


def actor():
    return g.user


def sections() -> list[tuple[str, str, str]]:
    """(label, url, explanation) of each section this app has."""
    return [(label, url_for(endpoint), text) for label, endpoint, text in SECTIONS
            if endpoint in current_app.view_functions]


def shown_once(template: str, **context):
    """A page with a secret on it: not stored by the browser or a proxy."""
    response = make_response(render_template(template, **context))
    response.headers["Cache-Control"] = "no-store"
    return response
