"""The process owner's letter templates: `GET /brieven` lists them, `GET|POST /brieven/<sleutel>` edits one with
a preview (a made-up resident, the municipality's own contact details) and the list of earlier versions. Saving
goes through `vroegsignalering.services.letters.save_template`: an unknown field or a broken template is refused
with a Dutch message naming it. Templates are those of this installation's municipality (settings' gemeentecode)."""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for

from engine.errors import NotAllowed
from engine.roles import PROCESEIGENAAR
from vroegsignalering.brieven import (DEFAULTS, FIELDS, TemplateProblem, check_template, dutch_date, organisation,
                                      render_text, sample_fields)
from vroegsignalering.queries.letters import current_templates, template_versions
from vroegsignalering.services.letters import save_template
from vroegsignalering.services.tasks import Actor

from webapp.letters.blueprint import bp
from webapp.web.context import current_engine
from webapp.web.pages import page_for

_MAX_FIELD = 10000  # longer input is cut before checking (the service refuses over its own limits)


@bp.get("/brieven")
@page_for(PROCESEIGENAAR)
def sjablonen():
    """Every letter template of the municipality, with its version and who changed it last."""
    engine = current_engine()
    return render_template("letters/sjablonen.html", sjablonen=current_templates(engine, engine.settings.gemeentecode))


@bp.route("/brieven/<sleutel>", methods=("GET", "POST"))
@page_for(PROCESEIGENAAR)
def sjabloon(sleutel: str):
    """Edit one template: `actie=voorbeeld` shows the preview, `actie=opslaan` saves a new version."""
    if sleutel not in DEFAULTS:
        abort(404)
    engine = current_engine()
    versions = template_versions(engine, engine.settings.gemeentecode, sleutel)
    titel, tekst, problems, preview = versions[0].titel, versions[0].tekst, [], None
    sample = sample_fields(organisation(engine.settings), dutch_date(engine.calendar.local_date(engine.clock.now())))
    if request.method == "POST":
        titel = request.form.get("titel", "")[:_MAX_FIELD]
        tekst = request.form.get("tekst", "")[:_MAX_FIELD].replace("\r\n", "\n")
        if request.form.get("actie") == "opslaan":
            try:
                saved = save_template(engine, Actor(g.user.username, g.user.role), sleutel, titel, tekst)
            except TemplateProblem as exc:
                problems = exc.problems
            except NotAllowed:
                abort(403)
            else:
                flash(f"„{saved.naam}” is opgeslagen als versie {saved.versie}.", "success")
                return redirect(url_for("letters.sjabloon", sleutel=sleutel))
        else:
            problems = check_template(titel.strip(), tekst.strip())
        if not problems:
            preview = render_text(titel.strip(), tekst.strip(), sample)
    else:
        preview = render_text(titel, tekst, sample)
    status = 422 if problems else 200
    return render_template("letters/sjabloon.html", sjabloon=versions[0], versies=versions, titel=titel,
                           tekst=tekst, problems=problems, preview=preview, velden=FIELDS, voorbeeld=sample), status
