"""Staff accounts (`/beheer/gebruikers`): the list (accounts from single sign-on that wait for a role first), a new
account, and per account its role, full name, phone number and municipalities (those the administrator works for), disabling and a new password. A generated password
is shown once, on the answer page itself."""
from __future__ import annotations

import re

from flask import flash, redirect, render_template, request, url_for

from engine.identity.accounts import AccountError
from vroegsignalering.gemeenten import GemeenteError
from engine.roles import ROLES
from vroegsignalering.queries import beheer as queries
from vroegsignalering.services import beheer_accounts as service
from vroegsignalering.services.gemeenten import list_gemeenten

from webapp.beheer.blueprint import actor, bp, guarded, shown_once
from webapp.web.context import current_engine
from webapp.web.errors import Problem
from webapp.web.login import role_label

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{5,19}$")
ROLE_OPTIONS = [(role, role_label(role)) for role in ROLES]
LABELS = {"username": "Gebruikersnaam", "role": "Rol", "volledige_naam": "Volledige naam", "telefoon": "Telefoonnummer",
          "gemeenten": "Gemeenten"}


def form_errors(values: dict, *, new: bool) -> dict:
    """Dutch messages per field of the account form."""
    errors = {}
    if new and not _USERNAME.match(values["username"]):
        errors["username"] = ("Gebruik 2 tot 63 tekens: kleine letters, cijfers, punt, liggend streepje of "
                              "koppelteken, te beginnen met een letter of cijfer.")
    if values["role"] not in ROLES:
        errors["role"] = "Kies een rol."
    if len(values["volledige_naam"]) > 200:
        errors["volledige_naam"] = "Gebruik ten hoogste 200 tekens."
    if values["telefoon"] and not _PHONE.match(values["telefoon"]):
        errors["telefoon"] = "Vul een telefoonnummer in van 6 tot 20 cijfers, bijvoorbeeld 020 123 4567."
    if not values["gemeenten"]:
        errors["gemeenten"] = "Kies ten minste één gemeente."
    return errors


def _values(choices: list[tuple[str, str]]) -> dict:
    values = {name: " ".join(request.form.get(name, "").split())[:300] for name in LABELS if name != "gemeenten"}
    picked = [code for code in request.form.getlist("gemeenten") if code in dict(choices)]
    values["gemeenten"] = picked or ([choices[0][0]] if len(choices) == 1 else [])  # one choice: that one
    return values


def _choices() -> list[tuple[str, str]]:
    """The municipalities the administrator may give (those they work for): (code, name)."""
    return [(found.code, found.naam) for found in list_gemeenten(current_engine())]


def _change(values: dict) -> service.AccountChange:
    return service.AccountChange(values["role"], values["volledige_naam"], values["telefoon"],
                                 tuple(values["gemeenten"]))


def _form(account, values, errors, choices, status=200):
    return render_template("beheer/gebruiker.html", account=account, values=values, errors=errors, labels=LABELS,
                           roles=ROLE_OPTIONS, gemeenten=choices), status


def _account_or_404(username: str) -> queries.Account:
    account = queries.account(current_engine(), username)
    if account is None:
        raise Problem(404, f"Er is geen gebruiker {username}.")
    return account


@bp.get("/gebruikers")
@guarded
def gebruikers():
    """Every account; those waiting for a role first."""
    return render_template("beheer/gebruikers.html", accounts=queries.accounts(current_engine()))


@bp.route("/gebruikers/nieuw", methods=["GET", "POST"])
@guarded
def gebruiker_nieuw():
    """A new account with a generated password, shown once."""
    choices = _choices()
    if request.method == "GET":
        values = {**dict.fromkeys(LABELS, ""), "gemeenten": [choices[0][0]] if len(choices) == 1 else []}
        return _form(None, values, {}, choices)
    values = _values(choices)
    errors = form_errors(values, new=True)
    if not errors:
        try:
            made = service.add_account(current_engine(), actor(), values["username"], _change(values))
        except AccountError as exc:
            errors = {"username": "Deze gebruikersnaam bestaat al." if "already exists" in str(exc) else str(exc)}
        except GemeenteError as exc:
            errors = {"gemeenten": str(exc)}
        else:
            return shown_once("beheer/wachtwoord.html", made=made, nieuw=True)
    return _form(None, values, errors, choices, 422)


@bp.route("/gebruikers/<username>", methods=["GET", "POST"])
@guarded
def gebruiker(username: str):
    """Role, full name and phone number of an account."""
    account = _account_or_404(username)
    choices = _choices()
    if request.method == "GET":
        values = {"username": account.username, "role": account.role or "",
                  "volledige_naam": account.volledige_naam or "", "telefoon": account.telefoon or "",
                  "gemeenten": queries.account_gemeenten(current_engine(), account.id)}
        return _form(account, values, {}, choices)
    values = {**_values(choices), "username": account.username}
    errors = form_errors(values, new=False)
    if not errors:
        try:
            changes = service.change_account(current_engine(), actor(), username, _change(values))
        except AccountError as exc:
            errors = {"role": "U kunt uw eigen rol als beheerder niet afnemen." if "own role" in str(exc)
                      else str(exc)}
        except GemeenteError as exc:
            errors = {"gemeenten": str(exc)}
        else:
            flash(f"De gegevens van {username} zijn opgeslagen." if changes else "Er was niets gewijzigd.",
                  "success")
            return redirect(url_for("beheer.gebruiker", username=username))
    return _form(account, values, errors, choices, 422)


@bp.post("/gebruikers/<username>/actief")
@guarded
def gebruiker_actief(username: str):
    """Disable (`actief=0`) or enable (`actief=1`) an account."""
    _account_or_404(username)
    active = request.form.get("actief") == "1"
    try:
        service.set_active(current_engine(), actor(), username, active)
    except AccountError as exc:
        flash("U kunt uw eigen account niet uitschakelen." if "own account" in str(exc)
              else f"Niet gewijzigd: het account is al {'ingeschakeld' if active else 'uitgeschakeld'}.", "error")
    else:
        flash(f"{username} is {'ingeschakeld' if active else 'uitgeschakeld'}"
              f"{'' if active else '; de sessies van dit account zijn beëindigd'}.", "success")
    return redirect(url_for("beheer.gebruiker", username=username))


@bp.post("/gebruikers/<username>/wachtwoord")
@guarded
def gebruiker_wachtwoord(username: str):
    """A new generated password, shown once; the account's sessions end."""
    _account_or_404(username)
    made = service.reset_password(current_engine(), actor(), username)
    return shown_once("beheer/wachtwoord.html", made=made, nieuw=False)
