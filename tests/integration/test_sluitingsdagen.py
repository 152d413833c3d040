"""Closed days per municipality (issue 14): stored per municipality, added and removed with the CLI (each change in
the system history, Dutch errors for bad dates and duplicates), and the deadlines in working days of a case counted
on its municipality's calendar: the same signal date gives different deadlines in two municipalities."""
from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from sqlalchemy import select

from engine.models import CaseDeadline, CaseTimer, Event
from vroegsignalering.services.gemeenten import add_gemeente, add_sluitingsdag, add_staff, sluitingsdagen
from webapp import create_app
from tests.conftest import AMS, local
from tests.support.process import case_of, deliver, gas
from tests.support.signals import add_partner
from tests.support.web import PASSWORD, csrf_from, log_in, sign_in

KEVIN = {"voorletters": "K.", "voornamen": "Kevin", "achternaam": "Brouwer", "geboortedatum": "1984-04-04",
         "straatnaam": "Westzijde", "huisnummer": 55, "huisnummertoevoeging": None, "postcode": "1506EE",
         "plaatsnaam": "Zaandam"}  # registered in 0479 Zaanstad in the BRP fixture

WAIT_TWO_WORKING_DAYS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="x">
  <bpmn:process id="wachten" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>a</bpmn:outgoing></bpmn:startEvent>
    <bpmn:intermediateCatchEvent id="twee_werkdagen" name="Twee werkdagen wachten">
      <bpmn:incoming>a</bpmn:incoming><bpmn:outgoing>b</bpmn:outgoing>
      <bpmn:timerEventDefinition><bpmn:timeDate>werkdagen_na(vandaag(), 2)</bpmn:timeDate></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="einde"><bpmn:incoming>b</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="a" sourceRef="start" targetRef="twee_werkdagen"/>
    <bpmn:sequenceFlow id="b" sourceRef="twee_werkdagen" targetRef="einde"/>
  </bpmn:process>
</bpmn:definitions>
"""


def timer_due(engine, case_id: int) -> datetime:
    with engine.uow() as uow:
        return uow.session.scalar(select(CaseTimer.due_at).where(CaseTimer.case_id == case_id)).astimezone(AMS)


def statutory_due(engine, case_id: int) -> datetime:
    with engine.uow() as uow:
        return uow.session.scalar(select(CaseDeadline.due_at).where(
            CaseDeadline.case_id == case_id, CaseDeadline.kind == "wettelijk")).astimezone(AMS)


def words(html: str) -> str:
    """A page's text without its tags, spaces folded."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def system_events(engine, kind: str, actor: bool = False) -> list[dict]:
    with engine.uow() as uow:
        return [{"actor": e.actor, **e.data} if actor else e.data for e in uow.session.scalars(
            select(Event).where(Event.chain == "systeem", Event.kind == kind).order_by(Event.seq))]


# --- the engine counts on the case's municipality's calendar ---

def test_a_timer_in_working_days_skips_the_closed_days_of_the_cases_municipality(engine):
    add_gemeente(engine, "0479", "Gemeente Zaanstad", actor="test")
    add_sluitingsdag(engine, "0479", date(2026, 11, 30), "Studiedag", actor="test")  # Monday
    engine.deploy({"wachten.bpmn": WAIT_TWO_WORKING_DAYS}, actor="po")
    # now: Friday 27 November 2026
    amsterdam = engine.start_case("wachten", {}, actor="t", correlation_key="a", gemeentecode="0363").id
    zaanstad = engine.start_case("wachten", {}, actor="t", correlation_key="z", gemeentecode="0479").id
    assert timer_due(engine, amsterdam) == datetime(2026, 12, 1, 23, 59, 59, tzinfo=AMS)  # Mon, Tue
    assert timer_due(engine, zaanstad) == datetime(2026, 12, 2, 23, 59, 59, tzinfo=AMS)  # Tue, Wed


def test_the_statutory_deadline_of_a_crisis_signal_follows_the_municipality(vs, web):
    add_gemeente(vs, "0479", "Gemeente Zaanstad", actor="test")
    add_sluitingsdag(vs, "0479", "2026-11-30", actor="test")
    add_sluitingsdag(vs, "0363", "2026-12-02", actor="test")
    partner = add_partner(vs, "Stroomnet", "Energie")
    crisis = {"signaaldatum": "2026-11-26", "crisissignaal": True}  # a Thursday: 3 working days to Tuesday
    fatima = case_of(vs, deliver(web, partner, gas("S-1", **crisis)))  # 0363 Amsterdam
    kevin = case_of(vs, deliver(web, partner, gas("S-2", client=KEVIN, **crisis)))  # 0479 Zaanstad
    assert statutory_due(vs, fatima) == datetime(2026, 12, 1, 23, 59, 59, tzinfo=AMS)  # 2 Dec is after it
    assert statutory_due(vs, kevin) == datetime(2026, 12, 2, 23, 59, 59, tzinfo=AMS)  # closed on 30 Nov


def test_pages_count_a_crisis_cases_working_days_on_its_municipalitys_calendar(vs, web, clock):
    add_gemeente(vs, "0479", "Gemeente Zaanstad", actor="test")
    for day in ("2026-11-30", "2026-12-03"):
        add_sluitingsdag(vs, "0479", day, actor="test")
    add_staff(vs, "cora", "coordinator", PASSWORD, ["0363", "0479"], actor="test")
    partner = add_partner(vs, "Stroomnet", "Energie")
    crisis = {"signaaldatum": "2026-11-26", "crisissignaal": True}
    fatima = case_of(vs, deliver(web, partner, gas("S-1", **crisis)))  # 0363: due Tuesday 1 December
    kevin = case_of(vs, deliver(web, partner, gas("S-2", client=KEVIN, **crisis)))  # 0479: due Wednesday 2 December
    assert log_in(web, "cora").status_code == 302
    # now Friday 27 November: Monday 30 November is a working day in Amsterdam, not in Zaanstad
    amsterdam = web.get(f"/zaken/{fatima}").get_data(as_text=True)
    zaanstad = web.get(f"/zaken/{kevin}").get_data(as_text=True)
    assert "1 december 2026" in amsterdam and "nog 2 werkdagen" in amsterdam
    assert "2 december 2026" in zaanstad and "nog 2 werkdagen" in zaanstad and "nog 3 werkdagen" not in zaanstad
    worklist = web.get("/werklijst?weergave=alle").get_data(as_text=True)
    assert worklist.count("(nog 2 werkdagen)") == 2 and "nog 3 werkdagen" not in worklist
    # Friday 4 December: Zaanstad was closed on Thursday, so its case is one working day late, Amsterdam's three
    clock.set(local(2026, 12, 4, 9, 0))
    assert log_in(web, "cora").status_code == 302  # the session of a week ago has ended
    coordinator = words(web.get("/coordinatie").get_data(as_text=True))
    assert "Te laat sinds 2 december (3 werkdagen)" in coordinator
    assert "Te laat sinds 3 december (1 werkdag)" in coordinator
    assert "Te laat sinds 3 december (1 werkdag)" in words(web.get(f"/zaken/{kevin}").get_data(as_text=True))


def test_without_closed_days_both_municipalities_count_alike(engine):
    add_gemeente(engine, "0479", "Gemeente Zaanstad", actor="test")
    engine.deploy({"wachten.bpmn": WAIT_TWO_WORKING_DAYS}, actor="po")
    cases = [engine.start_case("wachten", {}, actor="t", correlation_key=code, gemeentecode=code).id
             for code in ("0363", "0479")]
    assert {timer_due(engine, case_id) for case_id in cases} == {datetime(2026, 12, 1, 23, 59, 59, tzinfo=AMS)}


# --- the command line ---

def test_closed_days_are_added_listed_and_removed_with_the_cli(vroeg, engine):
    assert vroeg("gemeente", "add", "0479", "--naam", "Gemeente Zaanstad").exit_code == 0
    added = vroeg("gemeente", "sluitingsdag", "add", "0479", "2026-12-28", "--omschrijving", "Tussen de feestdagen")
    assert added.exit_code == 0 and added.stdout == "gemeente 0479 closed on 2026-12-28\n"
    assert vroeg("gemeente", "sluitingsdag", "add", "0479", "29-12-2026").exit_code == 0
    listing = vroeg("gemeente", "sluitingsdag", "list", "0479")
    assert listing.stdout == "2026-12-28  Tussen de feestdagen\n2026-12-29\n"
    assert vroeg("gemeente", "sluitingsdag", "list", "0363").stdout == ""
    removed = vroeg("gemeente", "sluitingsdag", "remove", "0479", "2026-12-29")
    assert removed.exit_code == 0 and removed.stdout == "gemeente 0479 open again on 2026-12-29\n"
    assert [d.datum for d in sluitingsdagen(engine, "0479")] == [date(2026, 12, 28)]
    assert system_events(engine, "sluitingsdag_toegevoegd") == [
        {"code": "0479", "datum": "2026-12-28", "omschrijving": "Tussen de feestdagen"},
        {"code": "0479", "datum": "2026-12-29"}]
    assert system_events(engine, "sluitingsdag_verwijderd") == [{"code": "0479", "datum": "2026-12-29"}]


def test_bad_dates_and_duplicates_are_refused_in_dutch(vroeg, engine):
    assert vroeg("gemeente", "add", "0479", "--naam", "Gemeente Zaanstad").exit_code == 0
    assert vroeg("gemeente", "sluitingsdag", "add", "0479", "2026-12-28").exit_code == 0
    for args, message in [(("0479", "2026-12-28"), "28 december 2026 staat al als sluitingsdag van Gemeente Zaanstad"),
                          (("0479", "28 dec"), "'28 dec' is geen datum: schrijf jjjj-mm-dd"),
                          (("0479", "2026-02-30"), "2026-02-30 bestaat niet als datum"),
                          (("0479", "1999-12-31"), "Kies een datum in de jaren 2000 tot en met 2099"),
                          (("0479", "2026-12-27"), "27 december 2026 valt in het weekend"),
                          (("0479", "2026-12-25"), "25 december 2026 is al een feestdag (Eerste kerstdag)"),
                          (("0599", "2026-12-28"), "Onbekende gemeente: 0599")]:
        refused = vroeg("gemeente", "sluitingsdag", "add", *args)
        assert refused.exit_code == 2 and message in refused.stderr, (args, refused.stderr)
    gone = vroeg("gemeente", "sluitingsdag", "remove", "0479", "2026-12-29")
    assert gone.exit_code == 2 and "29 december 2026 is geen sluitingsdag van Gemeente Zaanstad" in gone.stderr
    assert [d.datum for d in sluitingsdagen(engine, "0479")] == [date(2026, 12, 28)]
    assert len(system_events(engine, "sluitingsdag_toegevoegd")) == 1


# --- the administrator's page ---

@pytest.fixture
def admin(vs):
    client = create_app(engine=vs).test_client()
    sign_in(vs, client, "bea", "beheerder")
    return client


def post(client, path: str, **data):
    return client.post(path, data={**data, "csrf_token": csrf_from(client, "/beheer")})


def test_an_administrator_adds_and_removes_closed_days_on_the_municipality_page(vs, admin):
    page = admin.get("/beheer/gemeenten/0363").get_data(as_text=True)
    assert "Sluitingsdagen" in page and "Geen eigen sluitingsdagen." in page
    added = post(admin, "/beheer/gemeenten/0363/sluitingsdagen", datum="2026-12-28",
                 omschrijving="Tussen kerst en oud en nieuw")
    assert added.status_code == 302 and added.headers["Location"] == "/beheer/gemeenten/0363#sluitingsdagen"
    page = admin.get("/beheer/gemeenten/0363").get_data(as_text=True)
    assert "Gemeente 0363 is gesloten op 28 december 2026." in page and "Tussen kerst en oud en nieuw" in page
    assert post(admin, "/beheer/gemeenten/0363/sluitingsdagen", datum="29-12-2026").status_code == 302
    page = admin.get("/beheer/gemeenten/0363").get_data(as_text=True)
    assert page.count("december 2026</th>") == 2 and "Geen eigen sluitingsdagen." not in page
    removed = post(admin, "/beheer/gemeenten/0363/sluitingsdagen/2026-12-29/verwijderen")
    assert removed.status_code == 302
    assert [(d.datum, d.omschrijving) for d in sluitingsdagen(vs, "0363")] == [
        (date(2026, 12, 28), "Tussen kerst en oud en nieuw")]
    assert [(e["actor"], e["datum"]) for e in system_events(vs, "sluitingsdag_toegevoegd", actor=True)] == [
        ("bea", "2026-12-28"), ("bea", "2026-12-29")]
    assert [(e["actor"], e["datum"]) for e in system_events(vs, "sluitingsdag_verwijderd", actor=True)] == [
        ("bea", "2026-12-29")]
    # the deadline of a case started now counts on the new closed day
    assert vs.calendar_of("0363").closed_reason(date(2026, 12, 28)) == "gesloten"
    assert vs.calendar_of("0479").is_working_day(date(2026, 12, 28))


def test_bad_dates_and_duplicates_are_named_on_the_page_in_dutch(vs, admin):
    post(admin, "/beheer/gemeenten/0363/sluitingsdagen", datum="2026-12-28")
    for datum, message in [("", "Datum: Vul een datum in"), ("morgen", "Datum: &#39;morgen&#39; is geen datum"),
                           ("2026-02-30", "Datum: 2026-02-30 bestaat niet als datum"),
                           ("2026-12-28", "Datum: 28 december 2026 staat al als sluitingsdag van Gemeente 0363"),
                           ("2026-12-27", "Datum: 27 december 2026 valt in het weekend")]:
        answer = post(admin, "/beheer/gemeenten/0363/sluitingsdagen", datum=datum, omschrijving="x")
        page = answer.get_data(as_text=True)
        assert answer.status_code == 422 and "De sluitingsdag is niet opgeslagen" in page, datum
        assert message in page, (datum, page[page.find("fouten"):][:600])
        assert 'id="datum" name="datum" value="' + datum + '"' in page
    long = post(admin, "/beheer/gemeenten/0363/sluitingsdagen", datum="2026-12-29", omschrijving="x" * 201)
    assert long.status_code == 422 and "Omschrijving: Gebruik ten hoogste 200 tekens." in long.get_data(as_text=True)
    assert post(admin, "/beheer/gemeenten/0363/sluitingsdagen/2026-12-29/verwijderen").status_code == 404
    assert post(admin, "/beheer/gemeenten/0363/sluitingsdagen/gisteren/verwijderen").status_code == 404
    assert [d.datum for d in sluitingsdagen(vs, "0363")] == [date(2026, 12, 28)]
    assert len(system_events(vs, "sluitingsdag_toegevoegd")) == 1 and system_events(vs, "sluitingsdag_verwijderd") == []


def test_another_administrators_municipality_has_no_closed_days_to_see_or_change(vs, counsellor_web):
    add_gemeente(vs, "0479", "Gemeente Zaanstad", actor="test")
    add_sluitingsdag(vs, "0363", "2026-12-28", actor="test")
    add_staff(vs, "bob", "beheerder", PASSWORD, ["0479"], actor="test")
    bob = create_app(engine=vs).test_client()
    assert log_in(bob, "bob").status_code == 302
    assert post(bob, "/beheer/gemeenten/0363/sluitingsdagen", datum="2026-12-29").status_code == 404
    assert post(bob, "/beheer/gemeenten/0363/sluitingsdagen/2026-12-28/verwijderen").status_code == 404
    assert post(bob, "/beheer/gemeenten/0479/sluitingsdagen", datum="2026-12-29").status_code == 302
    assert [d.datum for d in sluitingsdagen(vs, "0363")] == [date(2026, 12, 28)]
    assert counsellor_web.post("/beheer/gemeenten/0363/sluitingsdagen", data={"datum": "2026-12-29"}).status_code in (
        400, 403)
