"""Deadlines on the worklist, the case page and the coordinator's view, read from the cases' deadline rows (what
the diagram's timers say): an overdue deadline stays on screen as "Te laat sinds …", overdue crisis work comes
first, "Alleen te laat" finds it, an edited diagram's deadline is the one shown, and a met deadline says so.

Cases of BRP residents through the partner API (tests/integration/conftest.py `resident_case`), the shipped process;
the clock stands on Friday 27 November 2026, 09:00."""
from __future__ import annotations

import re

import pytest
from lxml import etree

from tests.conftest import ROOT, local
from tests.support.web import sign_in
from tests.support.worklist import case_links, count_queries, get
from tests.support.process import ATTEMPT, HELP, do

NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
      "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}


@pytest.fixture
def four(resident_case, partner):
    """An overdue case, an overdue crisis case, one due in two days and one due in three weeks."""
    return {
        "te_laat": resident_case(partner, 0, "2026-10-20"),  # 28 days: Tuesday 17 November
        "crisis": resident_case(partner, 1, "2026-11-20", soort="ontruiming"),  # 3 working days: Wednesday 25 November
        "bijna": resident_case(partner, 2, "2026-11-01"),  # Sunday 29 November
        "later": resident_case(partner, 3, "2026-11-20"),  # Friday 18 December
    }


def unique(ids: list[int]) -> list[int]:
    return list(dict.fromkeys(ids))


def text(html: str) -> str:
    """The page's text as a reader gets it: tags dropped, white space folded."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def deadlines_of(html: str) -> dict[str, str]:
    """The case page's deadlines table: {label: "date state"} (the timer's own name left out)."""
    table = html[html.index('id="termijnen"'):html.index('id="taken"')]
    found = {}
    for row in re.findall(r"<tr class=\"utrecht-table__row\">\s*<th scope=\"row\".*?</tr>", table, re.S):
        label = text(re.sub(r'<span class="zaak-klein">.*?</span>', "", re.search(r"<th.*?</th>", row, re.S).group(0)))
        found[label] = text(re.sub(r"<th.*?</th>", "", row, flags=re.S))
    return found


def cell_row(html: str, case_id: int) -> str:
    """The worklist's first row of a case (a coordinator's rows start with the reassign checkbox)."""
    return re.search(rf'<tr[^>]*>(?:(?!</tr>).)*?<th scope="row">\s*<a class="vroeg-huishouden" href="/zaken/{case_id}">'
                     r'.*?</tr>', html, re.S).group(0)


def cell_of(html: str, case_id: int) -> str:
    """The worklist's first row of a case, as text."""
    return text(cell_row(html, case_id))


def test_overdue_work_stays_on_the_worklist_crisis_first_and_alleen_te_laat_finds_it(vs, web, four):
    sign_in(vs, web, "cora", "coordinator")
    html = get(web)
    assert unique(case_links(html)) == [four["crisis"], four["te_laat"], four["bijna"], four["later"]]
    assert "Te laat sinds 26 november (2 werkdagen) Wettelijke termijn: 25 november 2026" in cell_of(html, four["crisis"])
    assert "Te laat sinds 18 november (10 dagen) Wettelijke termijn: 17 november 2026" in cell_of(html, four["te_laat"])
    assert "29 november 2026 (nog 2 dagen) Wettelijke termijn" in cell_of(html, four["bijna"])
    assert "18 december 2026 (nog 21 dagen) Wettelijke termijn" in cell_of(html, four["later"])
    assert "Geen termijn" not in html
    late = get(web, "/werklijst?weergave=alle&te_laat=1")
    assert unique(case_links(late)) == [four["crisis"], four["te_laat"]]
    assert unique(case_links(get(web, "/werklijst?weergave=alle&te_laat=1&crisis=1"))) == [four["crisis"]]
    # with the session, for a coordinator the colleagues to reassign to, and the calendars of the crisis rows'
    # municipalities (one query for the page)
    assert count_queries(vs, web, "/werklijst?weergave=alle&te_laat=1") == 6


def test_a_deadline_stays_late_after_its_timer_fired(vs, web, resident_case, partner, clock):
    case_id = resident_case(partner, 0, "2026-11-20")
    do(vs, case_id, "contactpoging", **ATTEMPT, bereikt=False, vervolg="opnieuw")
    clock.set(local(2026, 12, 21, 9, 0))
    vs.fire_due_timers()  # the statutory deadline of Friday 18 December fires; attempts go on
    sign_in(vs, web, "cora", "coordinator")
    html = get(web)
    assert "Te laat sinds 19 december (3 dagen)" in cell_of(html, case_id) and "Geen termijn" not in html
    assert unique(case_links(get(web, "/werklijst?weergave=alle&te_laat=1"))) == [case_id]
    assert deadlines_of(get(web, f"/zaken/{case_id}")) == {
        "Wettelijke termijn": "18 december 2026 Te laat sinds 19 december (3 dagen)",
        "Streeftermijn": "4 december 2026 Te laat sinds 5 december (17 dagen)"}


def test_the_case_page_shows_each_deadline_from_the_first_minute(vs, web, four):
    sign_in(vs, web, "anna", "hulpverlener")
    html = get(web, f"/zaken/{four['te_laat']}")
    assert "Lopend Te laat" in text(html)  # the badge at the top, in words
    assert deadlines_of(html) == {"Wettelijke termijn": "17 november 2026 Te laat sinds 18 november (10 dagen)",
                                  "Streeftermijn": "3 november 2026 Te laat sinds 4 november (24 dagen)"}
    later = get(web, f"/zaken/{four['later']}")
    assert deadlines_of(later) == {"Streeftermijn": "4 december 2026 nog 7 dagen",
                                   "Wettelijke termijn": "18 december 2026 nog 21 dagen"}
    assert "Te laat" not in text(later)
    crisis = deadlines_of(get(web, f"/zaken/{four['crisis']}"))
    assert crisis["Wettelijke termijn"] == "25 november 2026 Te laat sinds 26 november (2 werkdagen)"


def test_a_task_form_shows_its_case_s_deadlines(vs, web, four):
    sign_in(vs, web, "anna", "hulpverlener")
    task = re.search(r'<a href="/taken/(\d+)">', cell_row(get(web, "/werklijst?weergave=alle"), four["te_laat"]))
    page = text(get(web, f"/taken/{task.group(1)}")).replace("( ", "(").replace(" )", ")")
    assert "Wettelijke termijn: 17 november 2026 (Te laat sinds 18 november (10 dagen))" in page
    assert "Streeftermijn: 3 november 2026 (Te laat sinds 4 november (24 dagen))" in page


def test_the_coordinator_watches_overdue_crisis_work_first(vs, web, four):
    sign_in(vs, web, "cora", "coordinator")
    html = get(web, "/coordinatie")
    listed = [int(n) for n in re.findall(r'name="zaak" value="(\d+)"', html)]
    assert listed == [four["crisis"], four["te_laat"], four["bijna"]]  # "later" is weeks away
    page = text(html)
    assert "Te laat sinds 26 november (2 werkdagen) Wettelijke termijn" in page
    assert "Te laat sinds 18 november (10 dagen) Wettelijke termijn" in page
    assert "Verloopt bijna nog 2 dagen Wettelijke termijn" in page
    assert "Streeftermijn: 3 november 2026" in page and "Wettelijke termijn: 17 november 2026" in page
    assert re.search(r'badge-status--danger">Te laat</strong>', html)
    assert "2 zaken zijn over de wettelijke termijn." in page and "er zijn er meer" not in page
    queue = text(get(web, "/coordinatie?behandelaar=niemand"))
    assert "Binnen de termijn" in queue  # "later": both deadlines weeks away


def test_a_long_watch_list_says_there_is_more(vs, web, four, monkeypatch):
    from webapp.coordination import views as coordinator

    monkeypatch.setattr(coordinator, "MAX_CASES", 2)
    sign_in(vs, web, "cora", "coordinator")
    html = get(web, "/coordinatie")
    assert [int(n) for n in re.findall(r'name="zaak" value="(\d+)"', html)] == [four["crisis"], four["te_laat"]]
    assert "De eerste 2 zaken, de meest dringende eerst; er zijn er meer." in text(html)
    queue = text(get(web, "/coordinatie?behandelaar=niemand"))
    assert "De eerste 2 van 4 zaken; de meest dringende eerst." in queue


def test_a_met_deadline_says_so(vs, web, resident_case, partner, clock):
    case_id = resident_case(partner, 0, "2026-11-20")
    clock.set(local(2026, 11, 30, 14, 0))
    do(vs, case_id, "contactpoging", **ATTEMPT, bereikt=True)
    do(vs, case_id, "eerste_gesprek", **HELP)  # the first conversation ends the outreach the deadlines guard
    sign_in(vs, web, "cora", "coordinator")
    row = cell_of(get(web), case_id)
    assert "Wettelijke termijn gehaald op 30 november" in row and "Te laat" not in row
    html = get(web, f"/zaken/{case_id}")
    assert deadlines_of(html).items() >= {"Streeftermijn": "4 december 2026 Gehaald op 30 november",
                                          "Wettelijke termijn": "18 december 2026 Gehaald op 30 november"}.items()
    assert "Te laat" not in text(html)
    assert case_id not in [int(n) for n in re.findall(r'name="zaak" value="(\d+)"', get(web, "/coordinatie"))]
    queue = text(get(web, "/coordinatie?behandelaar=niemand"))
    assert "Gehaald op 30 november Wettelijke termijn" in queue


def edited_bundle(days: int) -> dict[str, str]:
    """The shipped process with its statutory deadline timer set to `days` days after the signal."""
    from engine.definitions.versions import read_bundle

    files = read_bundle([ROOT / "processes"], ROOT / "forms")
    tree = etree.fromstring(files["vroegsignalering.bpmn"].encode())
    [timer] = tree.xpath("//*[bpmn:extensionElements/spiffworkflow:properties/"
                         "spiffworkflow:property[@name='termijn'][@value='wettelijk']]", namespaces=NS)
    [expression] = timer.xpath(".//bpmn:timeDate", namespaces=NS)
    expression.text = f"dagen_na(signaaldatum, {days})"
    files["vroegsignalering.bpmn"] = etree.tostring(tree, encoding="unicode")
    return files


def test_an_edited_diagram_decides_the_deadline_on_every_page(vs, web, resident_case, partner):
    assert vs.deploy(edited_bundle(21), actor="proceseigenaar") == [("vroegsignalering", 2)]
    case_id = resident_case(partner, 0, "2026-11-20")  # 21 days: Friday 11 December, not 18 December
    sign_in(vs, web, "cora", "coordinator")
    row = cell_of(get(web), case_id)
    assert "11 december 2026 (nog 14 dagen) Wettelijke termijn" in row
    html = get(web, f"/zaken/{case_id}")
    assert deadlines_of(html)["Wettelijke termijn"] == "11 december 2026 nog 14 dagen" and "18 december" not in html
    queue = text(get(web, "/coordinatie?behandelaar=niemand"))
    assert "Wettelijke termijn: 11 december 2026" in queue and "18 december" not in queue
