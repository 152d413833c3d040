"""The monitor dashboard `/dashboard` (R27) and the feedback per signal partner (R20), for coordinators, process
owners and policy staff (beleidsmedewerker, read-only).

The period is chosen with `periode` (maand, kwartaal, jaar: the one holding `datum`; eigen: `van` to `tot`);
without one, the current month. Every table can be downloaded as CSV or XLSX
(`/dashboard/export/<tabel>.csv|xlsx` with the same period parameters). The figures are the DDAS delivery's
(vroegsignalering/monitor.py, read by vroegsignalering.queries.monitor).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Blueprint, Response, abort, render_template, request

from engine.roles import BELEIDSMEDEWERKER, COORDINATOR, PROCESEIGENAAR
from vroegsignalering.monitor import PERIOD_KINDS, period_of
from vroegsignalering.queries.monitor import read_dashboard, read_partner_feedback, read_period, read_trend

from webapp.monitor.tables import (PERIOD_TABLES, TREND_TABLE, as_csv, as_xlsx, bar_chart, period_tables, tables,
                                   trend_table)
from webapp.web.context import current_engine
from webapp.web.pages import page_for

bp = Blueprint("monitor", __name__)
ALLOWED = (COORDINATOR, PROCESEIGENAAR, BELEIDSMEDEWERKER)
MAX_DAYS = 366 * 5  # a custom period longer than five years is refused (it would read everything many times)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Period:
    kind: str
    day: date
    van: date
    tot: date

    def args(self) -> dict:
        if self.kind == "eigen":
            return {"periode": "eigen", "van": self.van.isoformat(), "tot": self.tot.isoformat()}
        return {"periode": self.kind, "datum": self.day.isoformat()}


def init_app(app) -> None:
    app.register_blueprint(bp)


@bp.get("/dashboard")
@page_for(*ALLOWED)
def overzicht():
    """The period's figures as charts with tables, and the trend."""
    period, problems = _period()
    if problems:
        return render_template("monitor/dashboard.html", period=period, problems=problems, kinds=PERIOD_KINDS), 400
    figures, months = read_dashboard(current_engine(), period.van, period.tot, period.tot)
    shown = [(table, bar_chart(table, f"grafiek-{table.key}")) for table in tables(figures, months)]
    return render_template("monitor/dashboard.html", period=period, problems=[], kinds=PERIOD_KINDS, figures=figures,
                           shown=shown)


@bp.get("/dashboard/export/<naam>.<formaat>")
@page_for(*ALLOWED)
def export(naam: str, formaat: str):
    """One table of the dashboard as CSV or XLSX, reading only what that table shows."""
    period, problems = _period()
    if problems or formaat not in ("csv", "xlsx"):
        abort(400)
    if naam == TREND_TABLE:
        table = trend_table(read_trend(current_engine(), period.tot))
    elif naam in PERIOD_TABLES:  # the period's figures only, not the trend's year
        figures = read_period(current_engine(), period.van, period.tot)
        table = next(t for t in period_tables(figures) if t.key == naam)
    else:
        abort(404)
    filename = f"vroeg-{table.key}-{period.van.isoformat()}-{period.tot.isoformat()}.{formaat}"
    body, mimetype = (as_csv(table), "text/csv; charset=utf-8") if formaat == "csv" else (as_xlsx(table), XLSX)
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/dashboard/partners")
@page_for(*ALLOWED)
def partners():
    """Feedback per partner for the period: what became of its signals."""
    period, problems = _period()
    if problems:
        return render_template("monitor/partners.html", period=period, problems=problems, kinds=PERIOD_KINDS,
                               rows=[]), 400
    rows = read_partner_feedback(current_engine(), period.van, period.tot)
    return render_template("monitor/partners.html", period=period, problems=[], kinds=PERIOD_KINDS, rows=rows)


@bp.get("/dashboard/partners/<int:partner_id>")
@page_for(*ALLOWED)
def partner(partner_id: int):
    """The page for one partner, to send to it: only counts."""
    period, problems = _period()
    if problems:
        abort(400)
    rows = read_partner_feedback(current_engine(), period.van, period.tot, partner_id)
    if not rows:
        abort(404)
    return render_template("monitor/partner.html", period=period, row=rows[0])


def _period() -> tuple[Period, list[str]]:
    """The period asked for, or today's month and the Dutch problems with the request."""
    engine = current_engine()
    today = engine.calendar.local_date(engine.clock.now())
    kind = request.args.get("periode", "maand")
    problems = []
    if kind not in PERIOD_KINDS:
        problems.append("Kies als periode maand, kwartaal, jaar of eigen periode.")
        kind = "maand"
    if kind == "eigen":
        van, tot = _date("van", None, problems), _date("tot", None, problems)
        if van and tot and tot < van:
            problems.append("De einddatum (tot) ligt voor de begindatum (van).")
        elif van and tot and (tot - van).days > MAX_DAYS:
            problems.append("Kies een eigen periode van hooguit vijf jaar.")
        if problems:
            return Period("maand", today, *period_of("maand", today)), problems
        return Period(kind, tot, van, tot), []
    day = _date("datum", today, problems) or today
    return Period(kind, day, *period_of(kind, day)), problems


def _date(name: str, default: date | None, problems: list[str]) -> date | None:
    text = request.args.get(name, "").strip()
    if not text:
        if default is None:
            problems.append(f"Vul bij „{name}” een datum in (jjjj-mm-dd).")
        return default
    try:
        value = date.fromisoformat(text[:10]) if len(text) == 10 and text[4] == "-" else None
    except ValueError:
        value = None
    if value is None or not 2000 <= value.year <= 2100:
        problems.append(f"„{name}” is geen geldige datum: schrijf hem als jjjj-mm-dd, bijvoorbeeld 2026-11-30.")
    return value

