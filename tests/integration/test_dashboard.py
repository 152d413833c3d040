"""The monitor dashboard /dashboard (R27) and the feedback per partner (R20): who may see it, its counts equal those
of `vroeg export ddas` for the same period, periods, CSV and XLSX export, and Dutch errors for bad periods."""
from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from datetime import date

import pytest
from openpyxl import load_workbook

from vroegsignalering.ddas import build_delivery, signal_facts
from vroegsignalering.monitor import Figures, last_months, monitor, period_of, summarise, trend
from tests.conftest import ROOT
from tests.querycount import selects, statements
from tests.support.web import PASSWORD, log_in
from webapp.monitor.tables import PERIOD_TABLES, TREND_TABLE, tables

REAL = {"VROEG_PROCESSES_PATH": str(ROOT / "processes"), "VROEG_FORMS_PATH": str(ROOT / "forms")}
ANCHOR = "2026-12-28"


@pytest.fixture
def demo(_demo_december):
    """The demo anchored on ANCHOR, restored from its database state (tests/conftest.py STATES)."""


def sign_in(vs, web, role="beleidsmedewerker"):
    vs.add_user("bea", role, PASSWORD, actor="test")
    assert log_in(web, "bea").status_code == 302


def csv_table(web, name: str, **period) -> dict:
    response = web.get(f"/dashboard/export/{name}.csv", query_string=period)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    return {row[0]: [int(cell) for cell in row[1:]] for row in rows[1:]}


def ddas_counts(vroeg, tmp_path, van: str, tot: str) -> dict:
    """The counts of the DDAS delivery of the first municipality (0363), whose staff the dashboard's reader is: the
    demo's second municipality is not theirs to count (R37)."""
    out = tmp_path / f"ddas-{van}.json"
    result = vroeg("export", "ddas", "--van", van, "--tot", tot, "--gemeente", "0363", "--out", str(out), **REAL)
    assert result.exit_code == 0, result.stderr
    delivery = json.loads(out.read_text(encoding="utf-8"))
    signals = [s for lv in delivery["leveringen"] for s in lv["vroegsignalen"]]
    cases = [c for lv in delivery["leveringen"] for c in lv["vroegsignaalzaken"]]
    reached = [c for c in cases if any(p["bereikt"] for p in c["contactpogingen"])]
    return {"signalen": len(signals), "zaken": len(cases), "bereikt": len(reached),
            "types": Counter(s["signaalpartner"]["type"] for s in signals),
            "statussen": Counter(s["status"] for s in signals),
            "resultaten": Counter(c.get("resultaat") for c in cases),
            "crisis": sum(1 for s in signals if s["crisissignaal"]),
            "pogingen": Counter(p["soort"] for c in cases for p in c["contactpogingen"])}


@pytest.mark.parametrize("period", [{"periode": "maand", "datum": "2026-11-15"},
                                    {"periode": "eigen", "van": "2026-10-01", "tot": "2026-12-31"}])
def test_dashboard_counts_equal_the_ddas_export_for_the_period(vs, web, demo, vroeg, tmp_path, period):
    sign_in(vs, web)
    van, tot = (("2026-11-01", "2026-11-30") if period["periode"] == "maand" else (period["van"], period["tot"]))
    expected = ddas_counts(vroeg, tmp_path, van, tot)
    assert expected["signalen"] > 20 and expected["zaken"] > 5  # the demo fills the period
    kern = csv_table(web, "kerncijfers", **period)
    assert kern["Signalen ontvangen"] == [expected["signalen"]]
    assert kern["Zaken afgesloten"] == [expected["zaken"]]
    assert kern["Huishoudens bereikt"] == [expected["bereikt"]]
    assert kern["Waarvan crisissignalen"] == [expected["crisis"]]
    assert kern["Onterechte signalen"] == [expected["statussen"]["Niet opgepakt: onterecht signaal"]]
    assert kern["Herhaalde meldingen"] == [expected["statussen"]["Niet opgepakt: herhaalde melding"]]
    assert {k: v[0] for k, v in csv_table(web, "partnertypes", **period).items() if v[0]} == expected["types"]
    assert {k: v[0] for k, v in csv_table(web, "signaalstatus", **period).items() if v[0]} == expected["statussen"]
    assert {k: v[0] for k, v in csv_table(web, "eindresultaten", **period).items() if v[0]} == expected["resultaten"]
    assert {k: v[1] for k, v in csv_table(web, "kanalen", **period).items() if v[1]} == expected["pogingen"]
    # the page shows the same numbers as the export
    html = web.get("/dashboard", query_string=period).get_data(as_text=True)
    row = re.search(r"Signalen ontvangen</th>\s*<td[^>]*>(\d+)</td>", html)
    assert int(row[1]) == expected["signalen"]


def test_the_trend_covers_twelve_months_and_each_month_equals_its_delivery(vs, web, demo, vroeg, tmp_path):
    sign_in(vs, web, "coordinator")
    trend = csv_table(web, "trend", periode="maand", datum="2026-12-10")
    assert list(trend) == ["jan 2026", "feb 2026", "mrt 2026", "apr 2026", "mei 2026", "jun 2026", "jul 2026",
                           "aug 2026", "sep 2026", "okt 2026", "nov 2026", "dec 2026"]
    for label, (van, tot) in zip(["okt 2026", "nov 2026"], [("2026-10-01", "2026-10-31"),
                                                            ("2026-11-01", "2026-11-30")]):
        expected = ddas_counts(vroeg, tmp_path, van, tot)
        assert trend[label][:3] == [expected["signalen"], expected["zaken"], expected["bereikt"]]
    assert trend["jan 2026"] == [0, 0, 0, 0]


def test_xlsx_export_holds_the_same_numbers_as_csv(vs, web, demo):
    sign_in(vs, web, "proceseigenaar")
    period = {"periode": "kwartaal", "datum": "2026-11-01"}
    response = web.get("/dashboard/export/eindresultaten.xlsx", query_string=period)
    assert response.status_code == 200
    assert 'filename="vroeg-eindresultaten-2026-10-01-2026-12-31.xlsx"' in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Eindresultaat", "Zaken") and len(rows) == 17  # a header and the 16 of DDAS v1.2
    assert {r[0]: [r[1]] for r in rows[1:]} == csv_table(web, "eindresultaten", **period)


def test_partner_feedback_counts_its_own_signals(vs, web, demo, vroeg, tmp_path):
    sign_in(vs, web)
    period = {"periode": "eigen", "van": "2026-10-01", "tot": "2026-12-31"}
    html = web.get("/dashboard/partners", query_string=period).get_data(as_text=True)
    expected = ddas_counts(vroeg, tmp_path, "2026-10-01", "2026-12-31")
    rows = re.findall(r'<a class="utrecht-link" href="(/dashboard/partners/\d+[^"]*)">([^<]+)</a></th>\s*'
                      r'<td[^>]*>([^<]+)</td>\s*<td[^>]*>(\d+)</td>', html)
    assert len(rows) == 11
    per_type = Counter()
    for _, _, kind, received in rows:
        per_type[kind] += int(received)
    assert +per_type == expected["types"]
    link = next(href for href, name, _, _ in rows if name == "Woonstichting Amstelwonen").replace("&amp;", "&")
    page = web.get(link)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Terugkoppeling aan Woonstichting Amstelwonen" in text
    assert re.search(r"Onterecht signaal</th><td[^>]*>\d+</td>", text)


def test_roles_who_may_see_the_dashboard(vs, web):
    for role, status in (("coordinator", 200), ("proceseigenaar", 200), ("beleidsmedewerker", 200),
                         ("hulpverlener", 403), ("auditor", 403)):
        vs.add_user(f"u-{role}", role, PASSWORD, actor="test")
        assert log_in(web, f"u-{role}").status_code == 302
        assert web.get("/dashboard").status_code == status, role
        assert web.get("/dashboard/partners").status_code == status, role
        assert web.get("/dashboard/export/kerncijfers.csv").status_code == status, role
        web.post("/uitloggen", data={"csrf_token": _csrf(web)})
    assert web.get("/dashboard").status_code == 302  # anonymous: to the login page


def _csrf(web) -> str:
    html = web.get("/").get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    return found[1] if found else ""


def test_beleidsmedewerker_sees_only_the_dashboard_in_the_menu(vs, web):
    sign_in(vs, web)
    html = web.get("/").get_data(as_text=True)
    assert ">Dashboard</a>" in html and ">Werklijst</a>" not in html and ">Coördinatie</a>" not in html


@pytest.mark.parametrize("query, message", [
    ({"periode": "week"}, "Kies als periode maand, kwartaal, jaar of eigen periode."),
    ({"periode": "maand", "datum": "30-11-2026"}, "„datum” is geen geldige datum"),
    ({"periode": "eigen", "van": "2026-11-01"}, "Vul bij „tot” een datum in"),
    ({"periode": "eigen", "van": "2026-11-30", "tot": "2026-11-01"}, "De einddatum (tot) ligt voor de begindatum"),
    ({"periode": "eigen", "van": "2001-01-01", "tot": "2026-11-01"}, "hooguit vijf jaar"),
])
def test_a_bad_period_gets_a_dutch_error(vs, web, query, message):
    sign_in(vs, web)
    response = web.get("/dashboard", query_string=query)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert web.get("/dashboard/export/kerncijfers.csv", query_string=query).status_code == 400


def test_an_export_reads_only_what_its_table_shows(vs, web, demo):
    """The page reads the period's DDAS delivery and the trend's twelve months; an export reads only its own part
    (on the old view every export read the whole page: as many statements), and holds what the page shows."""
    sign_in(vs, web, "coordinator")
    period = {"periode": "maand", "datum": "2026-12-01"}
    with statements(vs.db) as page:
        html = web.get("/dashboard", query_string=period).get_data(as_text=True)
    with statements(vs.db) as one_period:
        kerncijfers = csv_table(web, "kerncijfers", **period)
    with statements(vs.db) as twelve_months:
        trend = csv_table(web, "trend", **period)
    assert len(selects(one_period)) < len(selects(page)) and len(selects(twelve_months)) < len(selects(page))
    assert len(trend) == 12 and kerncijfers["Signalen ontvangen"][0] > 0
    received = re.search(r"Signalen ontvangen</th>\s*<td[^>]*>(\d+)</td>", html)
    assert int(received[1]) == kerncijfers["Signalen ontvangen"][0]
    assert [int(cell) for cell in re.findall(r'<td class="[^"]*numeric">(\d+)</td>', _table(html, "trend"))[::4]] == \
        [row[0] for row in trend.values()]  # the signals of each month, as the page lists them


def _table(html: str, key: str) -> str:
    return html[html.index(f'id="tabel-{key}"'):].split("</table>", 1)[0]


def test_the_figures_are_those_counted_in_each_months_delivery_and_the_trend_reads_its_year_once(vs, demo):
    """The monitor counts signal facts and the closed cases' items instead of building whole deliveries: per month of
    the trend, and for a period, the same figures as counted in the delivery document itself."""
    months = last_months(date(2026, 12, 28))
    with vs.uow() as uow:
        now = vs.clock.now()
        expected = [summarise(build_delivery(uow.session, vs.settings, van, tot, now), van, tot) for van, tot in months]
        with statements(vs.db) as sent:
            figures = trend(uow.session, vs.settings, date(2026, 12, 28))
        period = monitor(uow.session, vs.settings, date(2026, 10, 1), date(2026, 12, 31))
        delivered = build_delivery(uow.session, vs.settings, date(2026, 10, 1), date(2026, 12, 31), now)
        facts = signal_facts(uow.session, vs.settings, [(date(2026, 10, 1), date(2026, 12, 31))])[0]
    assert figures == expected
    assert len(selects(sent)) <= 5  # signals, closed cases, their rows, their signals and attempts: once, not twelve
    assert [m.signalen for m in figures].count(0) <= 9 and sum(m.zaken_afgesloten for m in figures) > 0
    counted = summarise(delivered, date(2026, 10, 1), date(2026, 12, 31))
    counted.wettelijk_gehaald, counted.wettelijk_totaal = period.wettelijk_gehaald, period.wettelijk_totaal
    assert period == counted and period.crisis > 0
    items = delivered["leveringen"][0]["vroegsignalen"]
    assert {(f.partner_type, f.status, f.crisis): f.number for f in facts} == \
        Counter((i["signaalpartner"]["type"], i["status"], i["crisissignaal"]) for i in items)
    assert len(facts) < len(items)  # counted in the database, not a fact per signal
    with vs.uow() as uow:
        for periods in ([months[0], months[2]], []):  # a gap between the periods, or none at all
            with pytest.raises(ValueError, match="sluiten niet op elkaar aan"):
                signal_facts(uow.session, vs.settings, periods)


def test_every_table_of_the_page_can_be_exported():
    assert [table.key for table in tables(Figures(date(2026, 12, 1), date(2026, 12, 31)), [])] == \
        [*PERIOD_TABLES, TREND_TABLE]


def test_unknown_table_or_format_is_refused(vs, web):
    sign_in(vs, web)
    assert web.get("/dashboard/export/geheim.csv").status_code == 404
    assert web.get("/dashboard/export/kerncijfers.pdf").status_code == 400
    assert web.get("/dashboard/partners/999").status_code == 404


def test_periods():
    assert period_of("maand", date(2026, 2, 10)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert period_of("kwartaal", date(2026, 11, 30)) == (date(2026, 10, 1), date(2026, 12, 31))
    assert period_of("jaar", date(2026, 6, 1)) == (date(2026, 1, 1), date(2026, 12, 31))
    months = last_months(date(2027, 1, 15))
    assert len(months) == 12 and months[0] == (date(2026, 2, 1), date(2026, 2, 28))
    assert months[-1] == (date(2027, 1, 1), date(2027, 1, 31))
