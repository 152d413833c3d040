"""Printing letters, `POST /brieven/afdrukken`: from the case page (field `zaak`) or the worklist's selection
(field `taak`, the task row ids its checkboxes carry), with the template chosen (`sjabloon`). The answer is one PDF
with a page per letter; every letter is recorded as a contact attempt by
`vroegsignalering.services.letters.print_letters` (all or nothing). A case that got the same letter today asks for
confirmation first: a page names those cases, and "Opnieuw afdrukken" sends the same selection with `opnieuw=1`."""
from __future__ import annotations

from flask import Response, abort, g, render_template, request

from engine.errors import NotAllowed
from engine.inputs import ascii_int
from engine.roles import COORDINATOR, HULPVERLENER
from vroegsignalering.brieven import DEFAULTS
from vroegsignalering.queries.letters import cases_of_tasks
from vroegsignalering.services.letters import AlreadyPrinted, LettersRefused, print_letters
from vroegsignalering.services.tasks import Actor

from webapp.letters.blueprint import bp
from webapp.letters.pdf import letters_pdf
from webapp.web.context import current_engine
from webapp.web.pages import page_for

_MAX_IDS = 500


def letter_choices() -> list[tuple[str, str]]:
    """(key, name) of the letters a counsellor can print, for the select on the case page and the worklist."""
    return [(d.sleutel, d.naam) for d in DEFAULTS.values()]


@bp.post("/brieven/afdrukken")
@page_for(HULPVERLENER, COORDINATOR)
def afdrukken():
    """The letters as one PDF, or the confirmation page, or the reasons nothing was printed."""
    engine = current_engine()
    case_ids = _ids("zaak") + cases_of_tasks(engine, _ids("taak"))
    sleutel = request.form.get("sjabloon", "")[:40]
    opnieuw = request.form.get("opnieuw") == "1"
    back = _back_url()
    try:
        letters = print_letters(engine, Actor(g.user.username, g.user.role), case_ids, sleutel, opnieuw=opnieuw)
    except NotAllowed:
        abort(403)
    except LettersRefused as exc:
        return render_template("letters/afdrukken.html", problems=exc.problems, terug=back), 422
    except AlreadyPrinted as exc:
        return render_template("letters/afdrukken.html", herhaald=exc.case_ids, case_ids=sorted(set(case_ids)),
                               sjabloon=sleutel, naam=DEFAULTS[sleutel].naam, terug=back), 409
    name = f"brief-zaak-{letters[0].case_id}.pdf" if len(letters) == 1 else f"brieven-{len(letters)}.pdf"
    return Response(letters_pdf(letters), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "no-store"})


def _ids(name: str) -> list[int]:
    values = request.form.getlist(name)[:_MAX_IDS]
    return sorted({n for n in (ascii_int(v, minimum=1) for v in values) if n is not None})


def _back_url() -> str:
    """Where the form was (a worklist or case page of this app), else the worklist."""
    back = request.form.get("terug", "")
    if back.startswith(("/werklijst", "/zaken/")) and "//" not in back and "\\" not in back:
        return back
    return "/werklijst"
