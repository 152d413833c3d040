"""The figures of a comparison as rows of text (Dutch), shared by the command line's table and the page."""
from __future__ import annotations

from datetime import date

from .figures import DeadlineFigures, RunFigures

MONTHS = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


def month_label(day: date) -> str:
    return f"{MONTHS[day.month - 1]} {day.year}"


def percent(share: float | None) -> str:
    return "–" if share is None else f"{round(100 * share)}%"


def deadline_cell(figures: DeadlineFigures) -> str:
    return f"{percent(figures.share_met)} ({figures.met} van {figures.decided})"


def summary_rows(runs: list[RunFigures]) -> list[tuple[str, ...]]:
    """(label, one value per run): the key figures."""
    rows = [
        ("Signalen ontvangen", *(str(r.signals) for r in runs)),
        ("Zaken", *(str(r.cases) for r in runs)),
        ("Zaken afgesloten", *(str(r.closed) for r in runs)),
        ("Binnen de streeftermijn", *(deadline_cell(r.target) for r in runs)),
        ("Binnen de wettelijke termijn", *(deadline_cell(r.statutory) for r in runs)),
        ("Termijnen nog lopend aan het eind", *(str(r.statutory.running) for r in runs)),
        ("Escalaties naar de coördinator", *(str(r.escalations) for r in runs)),
        ("Contactpogingen", *(str(r.attempts) for r in runs)),
        ("Huishoudens bereikt", *(str(r.households_reached) for r in runs)),
    ]
    if any(r.stuck or r.failed for r in runs):
        rows.append(("Zaken vastgelopen in de simulatie", *(str(r.stuck + r.failed) for r in runs)))
    return rows


def end_result_rows(runs: list[RunFigures]) -> list[tuple[str, ...]]:
    names = list(dict.fromkeys(name for r in runs for name in r.end_results))
    return [(name, *(str(r.end_results.get(name, 0)) for r in runs)) for name in names]


def queue_rows(runs: list[RunFigures]) -> list[tuple[str, ...]]:
    """Per simulated month: the open counsellor tasks on its last Friday, per run."""
    months: dict[str, list] = {}
    for index, run in enumerate(runs):
        for month, tasks in monthly_queue(run):
            months.setdefault(month, [0] * len(runs))[index] = tasks
    return [(month, *(str(n) for n in values)) for month, values in months.items()]


def monthly_queue(run: RunFigures) -> list[tuple[str, int]]:
    """(month, open counsellor tasks on its last Friday) for one run."""
    last: dict[str, int] = {}
    for friday, tasks, _cases in run.queues:
        last[month_label(friday)] = tasks
    return list(last.items())


def text_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]
    line = lambda cells: "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)  # noqa: E731
                                   for i, (c, w) in enumerate(zip(cells, widths))).rstrip()
    return [line(header), "  ".join("-" * w for w in widths)] + [line(row) for row in rows]


def as_text(comparison) -> list[str]:
    """The whole comparison as lines for the command line."""
    runs = [comparison.subject] + ([comparison.running] if comparison.running else [])
    header = ("", *(r.label for r in runs))
    p = comparison.params
    period = f"{p.months} {'maand' if p.months == 1 else 'maanden'}"
    lines = [f"Simulatie van {period} vanaf {p.start:%Y-%m-%d}, seed {p.seed}; "
             f"{p.staffing.counsellors} hulpverlener(s) van {p.staffing.hours_per_week:g} uur per week; "
             f"signalen: {comparison.profile.per_month:.0f} per maand ({comparison.profile.source})", ""]
    lines += text_table(header, summary_rows(runs)) + ["", "Eindresultaten (DDAS)"]
    lines += text_table(header, end_result_rows(runs))
    lines += ["", "Open taken van hulpverleners (laatste vrijdag van de maand)"]
    lines += text_table(("Maand", *(r.label for r in runs)), queue_rows(runs))
    lines += ["", "Rekentijd: " + ", ".join(f"{r.label} {r.seconds:.1f} s" for r in runs)]
    return lines
