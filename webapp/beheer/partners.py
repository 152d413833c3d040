"""Signal partners (`/beheer/partners`): the list with each token's state, a new partner, the contact person, a new
token (the old one keeps working for the grace period, or stops at once when it leaked) and disabling. A token is
shown once, on the answer page itself."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from vroegsignalering.vocabulary import PARTNER_TYPES
from vroegsignalering.partners import PartnerError
from vroegsignalering.queries import beheer as queries
from vroegsignalering.services import partners as service

from webapp.beheer.blueprint import actor, bp, guarded, shown_once
from webapp.web.context import current_engine
from webapp.web.errors import Problem

CONTACT = {"contact_naam": "Naam contactpersoon", "contact_email": "E-mailadres", "contact_telefoon": "Telefoonnummer"}
LABELS = {"naam": "Naam", "type": "Soort partner", **CONTACT}


def _values() -> dict:
    return {name: " ".join(request.form.get(name, "").split())[:300] for name in LABELS}


def form_errors(values: dict, *, new: bool) -> dict:
    errors = {}
    if new and not values["naam"]:
        errors["naam"] = "Vul de naam van de signaalpartner in."
    if new and values["type"] not in PARTNER_TYPES:
        errors["type"] = "Kies de soort partner."
    for name in ("naam", *CONTACT):
        if len(values[name]) > 200:
            errors[name] = "Gebruik ten hoogste 200 tekens."
    if values["contact_email"] and "@" not in values["contact_email"]:
        errors["contact_email"] = "Vul een e-mailadres in, bijvoorbeeld naam@voorbeeld.nl."
    return errors


def _partner_or_404(partner_id: int) -> queries.PartnerRow:
    partner = queries.partner(current_engine(), partner_id)
    if partner is None:
        raise Problem(404, f"Er is geen signaalpartner {partner_id}.")
    return partner


@bp.get("/partners")
@guarded
def partners():
    return render_template("beheer/partners.html", partners=queries.partners(current_engine()),
                           now=current_engine().clock.now())


@bp.route("/partners/nieuw", methods=["GET", "POST"])
@guarded
def partner_nieuw():
    """Register a partner; its first token is shown once."""
    values = _values() if request.method == "POST" else dict.fromkeys(LABELS, "")
    errors = form_errors(values, new=True) if request.method == "POST" else {}
    if request.method == "POST" and not errors:
        engine, who = current_engine(), actor().username
        try:
            partner, token = service.register_partner(engine, values["naam"], values["type"], actor=who,
                                                      contact={k: values[k] for k in CONTACT})
        except PartnerError as exc:
            errors = {"naam": "Er is al een signaalpartner met deze naam." if "already exists" in str(exc)
                      else str(exc)}
        else:
            return shown_once("beheer/partner_token.html", partner=partner, token=token, old_until=None,
                              expires_at=service.partner_token_expiry(engine, partner.id))
    return render_template("beheer/partner.html", partner=None, values=values, errors=errors, labels=LABELS,
                           types=PARTNER_TYPES), 422 if errors else 200


@bp.route("/partners/<int:partner_id>", methods=["GET", "POST"])
@guarded
def partner(partner_id: int):
    """The partner's contact person, its token and whether it is enabled."""
    found = _partner_or_404(partner_id)
    if request.method == "GET":
        values = {"naam": found.naam, "type": found.type, **{k: getattr(found, k) or "" for k in CONTACT}}
        return render_template("beheer/partner.html", partner=found, values=values, errors={}, labels=LABELS,
                               types=PARTNER_TYPES, now=current_engine().clock.now())
    values = {**_values(), "naam": found.naam, "type": found.type}
    errors = form_errors(values, new=False)
    if not errors:
        changes = service.set_partner_contact(current_engine(), found.naam, {k: values[k] for k in CONTACT},
                                              actor=actor().username)
        flash("De contactpersoon is opgeslagen." if changes else "Er was niets gewijzigd.", "success")
        return redirect(url_for("beheer.partner", partner_id=partner_id))
    return render_template("beheer/partner.html", partner=found, values=values, errors=errors, labels=LABELS,
                           types=PARTNER_TYPES, now=current_engine().clock.now()), 422


@bp.post("/partners/<int:partner_id>/token")
@guarded
def partner_token(partner_id: int):
    """A new token, shown once; the old one works for the grace period, or not at all with `direct=1`."""
    found = _partner_or_404(partner_id)
    rotated = service.rotate_partner_token(current_engine(), found.naam, actor=actor().username,
                                           grace=request.form.get("direct") != "1")
    return shown_once("beheer/partner_token.html", partner=rotated.partner, token=rotated.token,
                      old_until=rotated.old_valid_until, expires_at=rotated.expires_at, rotated=True)


@bp.post("/partners/<int:partner_id>/actief")
@guarded
def partner_actief(partner_id: int):
    """Disable (`actief=0`: its tokens are refused) or enable (`actief=1`) a partner."""
    found = _partner_or_404(partner_id)
    active = request.form.get("actief") == "1"
    try:
        service.set_partner_active(current_engine(), found.naam, active, actor=actor().username)
    except PartnerError:
        flash(f"Niet gewijzigd: de partner is al {'ingeschakeld' if active else 'uitgeschakeld'}.", "error")
    else:
        flash(f"{found.naam} is {'ingeschakeld' if active else 'uitgeschakeld'}.", "success")
    return redirect(url_for("beheer.partner", partner_id=partner_id))
