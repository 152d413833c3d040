"""The municipalities of a regional installation (`/beheer/gemeenten`, R37): the list, a new municipality and per
municipality what is safe to change in the browser (name, contact details for letters, minimum amount, retention
terms, DDAS supplier code) and its closed days (`sluitingsdagen.py`). An administrator sees and changes the
municipalities they work for; one who adds a municipality works for it too. The CBS code is fixed once added: cases refer to it."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from vroegsignalering.gemeenten import EDITABLE, GemeenteError, field_problems
from vroegsignalering.services import gemeenten as service

from webapp.beheer.blueprint import actor, bp, guarded
from webapp.web.context import current_engine
from webapp.web.errors import Problem

LABELS = {"code": "CBS-gemeentecode", "naam": "Naam", "contact_adres": "Postadres",
          "contact_telefoon": "Telefoonnummer", "contact_email": "E-mailadres", "contact_website": "Website",
          "minimum_bedrag": "Minimumbedrag", "bewaartermijnen": "Bewaartermijnen",
          "ddas_leverancier": "DDAS-gegevensleverancier"}

DAG_LABELS = {"datum": "Datum", "omschrijving": "Omschrijving"}  # the form of a closed day


def _values(new: bool) -> dict:
    names = ("code", *EDITABLE) if new else EDITABLE
    return {name: " ".join(request.form.get(name, "").split())[:400] for name in names}


def form_errors(values: dict, *, new: bool) -> dict:
    """Dutch messages per field of the municipality form."""
    errors = {}
    if new and not (len(values["code"]) == 4 and values["code"].isdigit()):
        errors["code"] = "Vul de CBS-gemeentecode in: vier cijfers, bijvoorbeeld 0453."
    errors.update(field_problems({name: values[name] for name in EDITABLE}))
    return errors


def render_gemeente(found, values=None, errors=None, status=200, *, dag_values=None, dag_errors=None):
    """The municipality's page (a new one's form when `found` is None): its form with `values` (default: as
    stored) and `errors`, and for one that exists its closed days with the add form's `dag_values`, `dag_errors`."""
    if values is None:
        values = {name: getattr(found, name) or "" for name in EDITABLE} if found else dict.fromkeys(LABELS, "")
    days = service.sluitingsdagen(current_engine(), found.code) if found else []
    return render_template("beheer/gemeente.html", gemeente=found, values=values, errors=errors or {},
                           labels=LABELS, sluitingsdagen=days,
                           dag_values=dag_values or {"datum": "", "omschrijving": ""},
                           dag_errors=dag_errors or {}, dag_labels=DAG_LABELS), status



@bp.get("/gemeenten")
@guarded
def gemeenten():
    """The municipalities this administrator works for."""
    return render_template("beheer/gemeenten.html", gemeenten=service.list_gemeenten(current_engine()))


@bp.route("/gemeenten/nieuw", methods=["GET", "POST"])
@guarded
def gemeente_nieuw():
    """Add a municipality; the administrator then works for it too."""
    if request.method == "GET":
        return render_gemeente(None, dict.fromkeys(LABELS, ""), {})
    values = _values(new=True)
    errors = form_errors(values, new=True)
    if not errors:
        details = {name: values[name] for name in EDITABLE if name != "naam" and values[name]}
        try:
            added = service.add_gemeente(current_engine(), values["code"], values["naam"], actor=actor().username,
                                         member_id=actor().id, **details)
        except GemeenteError as exc:
            errors = {"code": "Deze gemeente bestaat al." if "bestaat al" in str(exc) else str(exc)}
        else:
            flash(f"{added.naam} ({added.code}) is toegevoegd.", "success")
            return redirect(url_for("beheer.gemeente", code=added.code))
    return render_gemeente(None, values, errors, 422)


@bp.route("/gemeenten/<code>", methods=["GET", "POST"])
@guarded
def gemeente(code: str):
    """A municipality's name, contact details for letters and its own settings."""
    found = service.gemeente(current_engine(), code)
    if found is None:
        raise Problem(404, f"Er is geen gemeente {code}.")
    if request.method == "GET":
        return render_gemeente(found)
    values = _values(new=False)
    errors = form_errors(values, new=False)
    if not errors:
        try:
            changes = service.change_gemeente(current_engine(), code, values, actor=actor().username)
        except GemeenteError as exc:
            errors = {"naam": str(exc)}
        else:
            flash(f"De gegevens van {found.naam} zijn opgeslagen." if changes else "Er was niets gewijzigd.",
                  "success")
            return redirect(url_for("beheer.gemeente", code=code))
    return render_gemeente(found, values, errors, 422)
