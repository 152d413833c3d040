"""The dashboard's tables (each shown as a chart with the same numbers beside it, and exportable as CSV or XLSX) and
the server-rendered SVG bar charts. No database here: tables are made from `monitor.Figures`."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

from vroegsignalering.monitor import Figures

MONTHS = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


@dataclass(frozen=True)
class Table:
    key: str  # in the export's URL and file name
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]  # first cell the label, then numbers (the first number is charted)


PERIOD_TABLES = ("kerncijfers", "partnertypes", "signaalstatus", "kanalen", "pogingen", "eindresultaten")
TREND_TABLE = "trend"


def tables(figures: Figures, months: list[Figures]) -> list[Table]:
    """Every table of the dashboard for one period and its 12-month trend, in page order."""
    return [*period_tables(figures), trend_table(months)]


def period_tables(figures: Figures) -> list[Table]:
    """The tables of one period's figures (PERIOD_TABLES, in page order)."""
    f = figures
    return [
        Table("kerncijfers", "Kerncijfers", ("Cijfer", "Aantal"), (
            ("Signalen ontvangen", f.signalen), ("Waarvan crisissignalen", f.crisis),
            ("Onterechte signalen", f.onterecht), ("Herhaalde meldingen", f.herhaald),
            ("Zaken afgesloten", f.zaken_afgesloten), ("Huishoudens bereikt", f.bereikt),
            ("Hulp geaccepteerd", f.hulp), ("Overgedragen", f.overdrachten))),
        Table("partnertypes", "Signalen per soort signaalpartner", ("Soort partner", "Signalen"),
              tuple(f.per_partner_type.items())),
        Table("signaalstatus", "Signalen per status", ("Status", "Signalen"), tuple(f.per_status.items())),
        Table("kanalen", "Huishoudens bereikt per kanaal (eerste geslaagde poging)",
              ("Kanaal", "Bereikt", "Pogingen", "Waarvan geslaagd"),
              tuple((name, f.kanaal_bereikt.get(name, 0), *f.pogingen_per_kanaal[name])
                    for name in f.pogingen_per_kanaal)),
        Table("pogingen", "Aantal pogingen tot het eerste contact", ("Pogingen", "Huishoudens"),
              tuple(f.pogingen_nodig.items())),
        Table("eindresultaten", "Afgesloten zaken per eindresultaat (DDAS)", ("Eindresultaat", "Zaken"),
              tuple(f.eindresultaten.items())),
    ]


def trend_table(months: list[Figures]) -> Table:
    """The 12-month trend (TREND_TABLE)."""
    return Table(TREND_TABLE, "Trend over 12 maanden", ("Maand", "Signalen", "Zaken afgesloten", "Bereikt", "Hulp"),
                 tuple((month_label(m.van), m.signalen, m.zaken_afgesloten, m.bereikt, m.hulp) for m in months))


def month_label(day: date) -> str:
    return f"{MONTHS[day.month - 1]} {day.year}"


def as_csv(table: Table) -> str:
    """The table as CSV (semicolons, as Dutch spreadsheet programs expect), with a BOM for Excel."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(table.columns)
    writer.writerows(table.rows)
    return "\ufeff" + out.getvalue()


def as_xlsx(table: Table) -> bytes:
    """The table as an Excel workbook of one sheet (numbers stay numbers)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = table.key[:31]
    sheet.append(list(table.columns))
    for row in table.rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


BAR_HEIGHT, GAP, LABEL_WIDTH, WIDTH = 24, 8, 300, 640


def bar_chart(table: Table, chart_id: str) -> Markup:
    """A horizontal bar chart of the table's first number column, as inline SVG (no script, no inline style).
    The table beside it carries the numbers for screen readers; the chart is labelled by its title."""
    rows = [(str(row[0]), row[1]) for row in table.rows]
    top = max([value for _, value in rows] + [1])
    scale = (WIDTH - LABEL_WIDTH - 60) / top
    height = len(rows) * (BAR_HEIGHT + GAP) + GAP
    parts = [f'<svg class="dashboard-grafiek" id="{chart_id}" role="img" aria-labelledby="{chart_id}-titel" '
             f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
             f'xmlns="http://www.w3.org/2000/svg"><title id="{chart_id}-titel">{escape(table.title)}: '
             f'staafdiagram van de tabel ernaast</title>']
    for index, (label, value) in enumerate(rows):
        y = GAP + index * (BAR_HEIGHT + GAP)
        width = round(value * scale, 1)
        parts.append(f'<text class="dashboard-grafiek__label" x="{LABEL_WIDTH - 8}" y="{y + 17}" '
                     f'text-anchor="end">{escape(_short(label))}</text>'
                     f'<rect class="dashboard-grafiek__staaf" x="{LABEL_WIDTH}" y="{y}" width="{width}" '
                     f'height="{BAR_HEIGHT}"></rect>'
                     f'<text class="dashboard-grafiek__waarde" x="{LABEL_WIDTH + width + 6}" y="{y + 17}">'
                     f'{value}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _short(label: str, limit: int = 44) -> str:
    return label if len(label) <= limit else label[:limit - 1] + "…"
