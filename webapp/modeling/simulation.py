"""The what-if simulation beside a draft: a form (months, signals a month, counsellors, hours), a job that runs in
the background (vroegsignalering.services.simulation), and a page that refreshes until the figures are there, as
tables with the dashboard's bar charts beside them."""
from __future__ import annotations

from flask import redirect, render_template, request, url_for

from engine.definitions.drafts import UnknownDraft
from engine.roles import PROCESEIGENAAR
from vroegsignalering.queries import process_versions
from vroegsignalering.services import simulation
from vroegsignalering.simulation import report

from webapp.modeling.blueprint import actor, bp
from webapp.monitor.tables import Table, bar_chart
from webapp.web.context import current_engine
from webapp.web.errors import Problem
from webapp.web.pages import page_for

WEB_MAX_MONTHS = 12  # bounded on the page: a run of a year takes minutes, more belongs on the command line
WEB_MAX_SIGNALS = 500
FIELDS = (("maanden", "Aantal maanden", 1, WEB_MAX_MONTHS), ("signalen", "Signalen per maand", 1, WEB_MAX_SIGNALS),
          ("hulpverleners", "Aantal hulpverleners", 1, 50), ("uren", "Uren per week per hulpverlener", 1, 40))
DEFAULTS = {"maanden": "12", "signalen": "", "hulpverleners": "2", "uren": "36"}


@bp.get("/processen/concepten/<int:draft_id>/simulatie")
@page_for(PROCESEIGENAAR)
def simulatie(draft_id: int):
    """The form, and the job named by ?taak= (running: the page refreshes itself; done: the figures)."""
    draft = _draft(draft_id)
    asked = request.args.get("taak")
    job = simulation.job(asked, draft_id) if asked else None
    values = DEFAULTS if job is None else _values_of(job.params)
    lost = ["Deze simulatie is niet (meer) bekend: start haar opnieuw."] if asked and job is None else []
    return _page(draft, values, lost, job)


@bp.post("/processen/concepten/<int:draft_id>/simulatie")
@page_for(PROCESEIGENAAR)
def simulatie_starten(draft_id: int):
    draft = _draft(draft_id)
    values = {name: request.form.get(name, "").strip() for name, *_ in FIELDS}
    numbers, problems = _parse(values)
    if not problems:
        try:
            params = simulation.parameters(current_engine(), months=numbers["maanden"],
                                           signals_per_month=numbers["signalen"],
                                           counsellors=numbers["hulpverleners"], hours_per_week=numbers["uren"])
            job_id = simulation.start_job(current_engine(), draft_id, params, actor=actor())
        except (simulation.InvalidSimulation, simulation.SimulationBusy) as exc:
            problems = [str(exc)]
        except UnknownDraft:
            raise Problem(404, f"Concept {draft_id} bestaat niet (meer).") from None
        else:
            return redirect(url_for("modeling.simulatie", draft_id=draft_id, taak=job_id), 303)
    return _page(draft, values, problems, None), 400


def _page(draft, values: dict, problems: list[str], job):
    runs = []
    if job is not None and job.result is not None:
        c = job.result
        runs = [c.subject] + ([c.running] if c.running else [])
    return render_template("modeling/simulatie.html", draft=draft, values=values, fields=FIELDS, problems=problems,
                           job=job, runs=runs, charts=_charts(runs) if runs else [],
                           summary=report.summary_rows(runs) if runs else [],
                           end_results=report.end_result_rows(runs) if runs else [],
                           queues=report.queue_rows(runs) if runs else [])


def _charts(runs) -> list[tuple[Table, object]]:
    """Bar charts (the dashboard's helper): the deadlines kept per run, and each run's queue per month."""
    tables = [
        Table("termijn", "Binnen de wettelijke termijn (procent)", ("Diagram", "Procent"),
              tuple((r.label, _percent(r.statutory.share_met)) for r in runs)),
        Table("streef", "Binnen de streeftermijn (procent)", ("Diagram", "Procent"),
              tuple((r.label, _percent(r.target.share_met)) for r in runs)),
    ]
    for index, run in enumerate(runs):
        tables.append(Table(f"wachtrij-{index}", f"Open taken van hulpverleners per maand: {run.label}",
                            ("Maand", "Open taken"), tuple(report.monthly_queue(run))))
    return [(table, bar_chart(table, f"grafiek-{table.key}")) for table in tables]


def _percent(share) -> int:
    return 0 if share is None else round(100 * share)


def _parse(values: dict) -> tuple[dict, list[str]]:
    numbers, problems = {}, []
    for name, label, low, high in FIELDS:
        text = values[name]
        if name == "signalen" and text == "":
            numbers[name] = None
            continue
        try:
            number = int(text)
        except ValueError:
            problems.append(f"{label}: vul een heel getal in.")
            continue
        if not low <= number <= high:
            problems.append(f"{label}: kies een getal van {low} tot en met {high}.")
        numbers[name] = number
    return numbers, problems


def _values_of(params) -> dict:
    return {"maanden": str(params.months), "signalen": "" if params.signals_per_month is None else
            str(params.signals_per_month), "hulpverleners": str(params.staffing.counsellors),
            "uren": f"{params.staffing.hours_per_week:g}"}


def _draft(draft_id: int):
    try:
        return process_versions.draft(current_engine(), draft_id)
    except UnknownDraft:
        raise Problem(404, f"Concept {draft_id} bestaat niet (meer).") from None
