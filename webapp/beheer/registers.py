"""The registers (`/beheer/registers/<register>`): the debt-help register, objections and the exclusion list. Per
person: find by BSN, add, change, remove; as a whole: replace from a CSV file (all or nothing, each bad row named).
Each row shows who changed it last and when."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from vroegsignalering.queries import beheer as queries
from vroegsignalering.registries import REGISTERS, RegistryImportError
from vroegsignalering.services import registers as service

from webapp.beheer.blueprint import actor, bp, guarded
from webapp.web.context import current_engine
from webapp.web.errors import Problem

TITLES = {"schuldhulp": "Schuldhulpverlening", "bezwaren": "Bezwaren", "uitsluitingen": "Uitsluitingslijst"}
EXPLANATIONS = {
    "schuldhulp": "Inwoners met een lopend of kort geleden afgesloten traject schuldhulpverlening. Een signaal gaat "
                  "dan naar hun hulpverlener.",
    "bezwaren": "Inwoners die bezwaar maken tegen vroegsignalering. Signalen van verhuurders, energie- en "
                "drinkwaterbedrijven worden dan niet verwerkt.",
    "uitsluitingen": "Inwoners van wie signalen niet worden opgepakt, bijvoorbeeld om hun veiligheid of tijdens "
                     "detentie. De signaalpartner hoort alleen dat het signaal niet is opgepakt, nooit waarom.",
}
LABELS = {"bsn": "Burgerservicenummer", "hulpverlener": "Hulpverlener", "startdatum": "Startdatum",
          "einddatum": "Einddatum", "datum": "Datum", "toelichting": "Toelichting", "reden": "Reden"}
DATES = ("startdatum", "einddatum", "datum")
LONG = ("toelichting", "reden")


def _register_or_404(register: str) -> tuple:
    if register not in REGISTERS:
        raise Problem(404, f"Er is geen register {register}.")
    return REGISTERS[register][1]


def _values(fields) -> dict:
    return {name: request.form.get(name, "").strip()[:4000] for name in fields}


def _errors(exc: RegistryImportError) -> dict:
    return {error.field: error.reason for error in exc.errors}


def _page(register: str, fields, values: dict, errors: dict, status: int = 200, import_errors=()):
    bsn = request.args.get("bsn", "").strip()[:9]
    rows = queries.register_rows(current_engine(), register, bsn or None)
    return render_template("beheer/register.html", register=register, title=TITLES[register],
                           explanation=EXPLANATIONS[register], fields=fields, labels=LABELS, dates=DATES, long=LONG,
                           rows=rows, bsn=bsn, values=values, errors=errors, import_errors=import_errors,
                           titles=TITLES, field_text=queries.field_text), status


@bp.get("/registers")
@guarded
def registers():
    return redirect(url_for("beheer.register", register="schuldhulp"))


@bp.route("/registers/<register>", methods=["GET", "POST"])
@guarded
def register(register: str):
    """The rows (of one BSN with `?bsn=`) and the form to add a person."""
    fields = _register_or_404(register)
    if request.method == "GET":
        return _page(register, fields, dict.fromkeys(fields, ""), {})
    values = _values(fields)
    try:
        service.add_entry(current_engine(), actor(), register, values)
    except RegistryImportError as exc:
        return _page(register, fields, values, _errors(exc), 422)
    flash(f"Toegevoegd aan {TITLES[register].lower()}.", "success")
    return redirect(url_for("beheer.register", register=register, bsn=values["bsn"]))


@bp.route("/registers/<register>/<int:entry_id>", methods=["GET", "POST"])
@guarded
def register_rij(register: str, entry_id: int):
    """Change one row."""
    fields = _register_or_404(register)
    row = queries.register_row(current_engine(), register, entry_id)
    if row is None:
        raise Problem(404, f"Rij {entry_id} staat niet in dit register.")
    values = {"bsn": row.bsn, **{k: queries.field_text(v) for k, v in row.values.items()}}
    errors = {}
    if request.method == "POST":
        values = _values(fields)
        try:
            service.change_entry(current_engine(), actor(), register, entry_id, values)
        except RegistryImportError as exc:
            errors = _errors(exc)
        else:
            flash("De wijziging is opgeslagen.", "success")
            return redirect(url_for("beheer.register", register=register, bsn=values["bsn"]))
    return render_template("beheer/register_rij.html", register=register, title=TITLES[register], row=row,
                           fields=fields, labels=LABELS, dates=DATES, long=LONG, values=values,
                           errors=errors), 422 if errors else 200


@bp.post("/registers/<register>/<int:entry_id>/verwijderen")
@guarded
def register_verwijderen(register: str, entry_id: int):
    _register_or_404(register)
    try:
        service.remove_entry(current_engine(), actor(), register, entry_id)
    except service.UnknownEntry:
        raise Problem(404, f"Rij {entry_id} staat niet in dit register.") from None
    flash(f"Rij {entry_id} is uit {TITLES[register].lower()} verwijderd.", "success")
    return redirect(url_for("beheer.register", register=register))


@bp.post("/registers/<register>/import")
@guarded
def register_import(register: str):
    """Replace the whole register with a CSV file (UTF-8; all or nothing)."""
    fields = _register_or_404(register)
    upload = request.files.get("bestand")
    problems = []
    text = None
    if upload is None or not upload.filename:
        problems = ["Kies een CSV-bestand."]
    else:
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            problems = ["Het bestand is geen UTF-8-tekst. Sla het op als CSV UTF-8."]
    if text is not None:
        try:
            count = service.import_csv(current_engine(), actor(), register, text)
        except RegistryImportError as exc:
            problems = [str(error) for error in exc.errors] + [f"{len(exc.errors)} fout(en): niets ingelezen."]
        else:
            flash(f"{TITLES[register]}: {count} rijen ingelezen; het register is vervangen.", "success")
            return redirect(url_for("beheer.register", register=register))
    return _page(register, fields, dict.fromkeys(fields, ""), {}, 422, import_errors=problems)
