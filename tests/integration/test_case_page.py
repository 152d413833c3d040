"""The case page /zaken/<id> and the access log (R29): roles, content in Dutch, the log entry, a pinned query count."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine.history import access_log
from engine.history.access_log import InvalidAccess, record_access
from engine.models import AccessLogEntry, UserTask
from engine.roles import COORDINATOR, HULPVERLENER, ROLES
from tests.conftest import local
from vroegsignalering.access import access_log_for_person
from tests.support.signals import add_partner
from tests.querycount import statements
from tests.support.web import sign_in
from tests.support.worklist import set_task
from tests.support.process import ATTEMPT, FATIMA_BSN, HELP, case_of, deliver, do, signaal


def new_case(vs, web, partner, ref="S-1", **changes) -> int:
    return case_of(vs, deliver(web, partner, signaal(ref, **changes)))


STRANGER = {"postcode": "1011AB", "huisnummer": 3, "huisnummertoevoeging": None, "achternaam": "Onbekend",
            "voornamen": "Niemand", "voorletters": "N.", "geboortedatum": "1970-01-01"}


def log(vs, case_id, username="anna", action="zaak_bekeken", at=None, **extra) -> None:
    with vs.uow() as uow:
        record_access(uow.session, username=username, role="hulpverlener", case_id=case_id, action=action,
                      at=at or vs.clock.now(), **extra)
        uow.commit()


# --- the access log module ----------------------------------------------------------------------------------

def test_entries_of_a_case_newest_first_with_a_limit(vs, client, partner, clock):
    case_id = new_case(vs, client, partner)
    other = new_case(vs, client, partner, "S-2", client=STRANGER)
    assert other != case_id
    log(vs, case_id, at=local(2026, 11, 27, 9, 0))
    log(vs, case_id, username="bram", action="plan_bekeken", at=local(2026, 11, 27, 10, 0), detail="taak 4")
    log(vs, other, at=local(2026, 11, 27, 11, 0))
    entries = vs.access_log_for_case(case_id)
    assert [(e.username, e.action, e.detail) for e in entries] == [("bram", "plan_bekeken", "taak 4"),
                                                                    ("anna", "zaak_bekeken", None)]
    assert entries[0].occurred_at == local(2026, 11, 27, 10, 0) and entries[0].role == "hulpverlener"
    assert [e.username for e in vs.access_log_for_case(case_id, limit=1)] == ["bram"]


def test_entries_of_a_user_within_a_period(vs, client, partner):
    case_id = new_case(vs, client, partner)
    for hour in (8, 9, 10, 11):
        log(vs, case_id, at=local(2026, 11, 27, hour, 0))
    log(vs, case_id, username="bram", at=local(2026, 11, 27, 9, 30))
    assert len(vs.access_log_for_user("anna")) == 4
    window = vs.access_log_for_user("anna", since=local(2026, 11, 27, 9, 0), until=local(2026, 11, 27, 11, 0))
    assert [e.occurred_at.hour for e in window] == [9, 8]  # UTC hours of 10:00 and 9:00 in Amsterdam, newest first
    assert vs.access_log_for_user("nobody") == []


def test_entries_of_a_person_follow_the_signals_bsn(vs, client, partner):
    fatima = new_case(vs, client, partner)  # the BRP fixture knows her at this address
    stranger = new_case(vs, client, partner, "S-2", client=STRANGER)
    log(vs, fatima, username="anna")
    log(vs, stranger, username="bram")
    assert [(e.username, e.case_id) for e in access_log_for_person(vs, FATIMA_BSN)] == [("anna", fatima)]
    assert access_log_for_person(vs, "999999999") == []


@pytest.mark.parametrize("changes, message", [
    ({"action": "rondgekeken"}, "unknown access action"),
    ({"username": ""}, "username and role"),
    ({"at": "naive"}, "timezone-aware"),
    ({"detail": "x" * 301}, "longer than 300"),
])
def test_a_bad_entry_is_refused_and_nothing_is_stored(vs, client, partner, changes, message):
    case_id = new_case(vs, client, partner)
    values = {"username": "anna", "role": "hulpverlener", "case_id": case_id, "action": "zaak_bekeken",
              "at": vs.clock.now(), **changes}
    if values["at"] == "naive":
        values["at"] = vs.clock.now().replace(tzinfo=None)
    with vs.uow() as uow:
        with pytest.raises(InvalidAccess, match=message):
            record_access(uow.session, **values)
    assert vs.access_log_for_case(case_id) == []


def test_every_documented_action_is_accepted(vs, client, partner):
    case_id = new_case(vs, client, partner)
    for offset, action in enumerate(access_log.ACTIONS):
        log(vs, case_id, action=action, at=vs.clock.now() + timedelta(minutes=offset))
    assert [e.action for e in vs.access_log_for_case(case_id)] == list(reversed(access_log.ACTIONS))
    for action in access_log.ACTIONS:
        assert f"`{action}`" in access_log.__doc__


# --- the page -----------------------------------------------------------------------------------------------

def page(web, case_id, status=200) -> str:
    response = web.get(f"/zaken/{case_id}")
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def entries(vs, case_id) -> list[tuple[str, str, str]]:
    return [(e.username, e.role, e.action) for e in vs.access_log_for_case(case_id)]


def test_a_visitor_is_sent_to_the_login_form_and_nothing_is_logged(vs, web, partner):
    case_id = new_case(vs, web, partner)
    response = web.get(f"/zaken/{case_id}")
    assert response.status_code == 302 and response.headers["Location"].startswith("/inloggen?next=")
    assert entries(vs, case_id) == []


@pytest.mark.parametrize("role", ROLES)
def test_only_hulpverleners_and_coordinators_open_a_case(vs, web, partner, role):
    case_id = new_case(vs, web, partner)
    sign_in(vs, web, f"u-{role}", role)
    response = web.get(f"/zaken/{case_id}")
    if role in (HULPVERLENER, COORDINATOR):
        assert response.status_code == 200 and f"Zaak {case_id}: Javastraat 112-2" in response.get_data(as_text=True)
        assert entries(vs, case_id) == [(f"u-{role}", role, "zaak_bekeken")]
    else:
        assert response.status_code == 403 and "Geen toegang" in response.get_data(as_text=True)
        assert entries(vs, case_id) == []


def test_an_unknown_case_is_a_dutch_404_page(vs, web):
    sign_in(vs, web, "anna", HULPVERLENER)
    html = page(web, 4040, status=404)
    assert "<h1" in html and "Zaak niet gevonden" in html and "geen zaak met nummer 4040" in html
    with vs.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(AccessLogEntry)) == 0


def test_every_opening_is_logged_with_who_and_when(vs, web, partner, clock):
    case_id = new_case(vs, web, partner)
    sign_in(vs, web, "anna", HULPVERLENER)
    page(web, case_id)
    clock.set(local(2026, 11, 27, 9, 25))  # within the session's idle timeout
    page(web, case_id)
    logged = vs.access_log_for_case(case_id)
    assert [(e.username, e.action, e.occurred_at) for e in logged] == [
        ("anna", "zaak_bekeken", local(2026, 11, 27, 9, 25)), ("anna", "zaak_bekeken", local(2026, 11, 27, 9, 0))]


def test_an_open_case_shows_household_signal_priority_deadlines_and_tasks(vs, web, partner):
    case_id = new_case(vs, web, partner)
    sign_in(vs, web, "anna", HULPVERLENER)
    html = page(web, case_id)
    assert html.count("<h1") == 1 and 'lang="nl"' in html
    assert "<script" not in html and "<style" not in html and "style=" not in html and " onclick" not in html
    # household and person, with what the BRP check found
    assert "Javastraat 112-2, 1094 HM Amsterdam" in html and "Fatima El Amrani" in html
    assert "3 april 1988" in html and FATIMA_BSN in html and "Ingeschreven in de gemeente" in html
    # the signal: partner, kind, amount, dates, status
    assert "Woonstad" in html and "(Huur)" in html and "Kenmerk S-1" in html and "Betalingsachterstand" in html
    assert "€ 912,50" in html and "1 september 2026" in html and "20 november 2026" in html
    assert "Nog niet opgepakt" in html
    # priority and why
    assert "Prioriteit 4" in html and "Eén signaal" in html
    # deadlines: 14-day target and the statutory 28 days after the signal date, days left from Friday 27 November
    assert "Streeftermijn: 14 dagen na signaal" in html and "4 december 2026" in html and "nog 7 dagen" in html
    assert "Wettelijke termijn" in html and "18 december 2026" in html and "nog 21 dagen" in html
    # the open task links to its form; nothing done, attempted or reported yet
    [task] = open_task_ids(vs, case_id)
    assert f'href="/taken/{task}">Contactpoging vastleggen</a>' in html
    assert "Nog geen taken gedaan" in html and "Nog geen contactpogingen" in html and "nog niets teruggemeld" in html
    assert "Nog niet: de zaak loopt" in html and "Plan van aanpak" not in html
    # compact history, in words
    assert "Zaak gestart" in html and "Woonstad (signaalpartner)" in html
    assert "Huur: betalingsachterstand, € 912,50" in html
    assert "27 november 2026 om 09:00" in html


def test_a_crisis_counts_working_days(vs, web, partner):
    # an eviction: 3 working days (R15) after Thursday 26 November is Tuesday 1 December
    case_id = new_case(vs, web, partner, soort="ontruiming", bedrag=2450, signaaldatum="2026-11-26")
    sign_in(vs, web, "cora", COORDINATOR)
    html = page(web, case_id)
    assert ">Crisis</strong>" in html and "Ja: termijnen in werkdagen" in html
    assert "1 december 2026" in html and "nog 2 werkdagen" in html and "Te laat" not in html
    set_task(vs, case_id, due_at=local(2026, 11, 25, 23, 59, 59))  # the task's own: Wednesday, two working days ago
    html = page(web, case_id)
    assert "uiterlijk 25 november 2026" in html and ">Te laat</strong> sinds 26 november (2 werkdagen)" in html
    assert "€ 2.450,00" in html and "Ontruiming" in html


def test_a_closed_case_shows_attempts_tasks_feedback_and_its_end_result(vs, web, partner, clock):
    case_id = new_case(vs, web, partner)
    huisbezoek = {**ATTEMPT, "kanaal": "Huisbezoek", "datum": "2026-11-28", "dagdeel": "Avond"}
    do(vs, case_id, "contactpoging", **huisbezoek, bereikt=False, vervolg="opnieuw", notitie="Niemand thuis")
    card = next(e for e in open_tasks_by_element(vs, case_id) if "kaartje" in e.lower())
    do(vs, case_id, card, **{**ATTEMPT, "kanaal": "Kaartje", "datum": "2026-11-28"}, bereikt=False,
       vervolg="opnieuw")
    clock.set(local(2026, 11, 30, 14, 0))
    do(vs, case_id, "contactpoging", **ATTEMPT, bereikt=True)
    do(vs, case_id, "eerste_gesprek", **HELP)
    do(vs, case_id, "plan_van_aanpak", analyse="Huur te hoog", afspraken="Regeling", aanpak="quick_fix")
    clock.set(local(2026, 12, 15, 10, 0))
    do(vs, case_id, "quick_fix", quick_fix_resultaat="gelukt", acties=["budgetadvies"])
    sign_in(vs, web, "cora", COORDINATOR)
    html = page(web, case_id)
    assert ">Afgesloten</span>" in html and "afgesloten met het eindresultaat" in html
    assert "<strong>(Budget)advies en/of quick fix</strong>" in html and "15 december 2026" in html
    # the contact attempts as a timeline, oldest first, without colour alone
    timeline = html[html.index('id="contactpogingen"'):html.index('id="terugmeldingen"')]
    assert timeline.index("28 november 2026, avond") < timeline.index("30 november 2026, middag")
    assert timeline.count("Niet bereikt") == 2 and timeline.count(">Bereikt<") == 1 and "Niemand thuis" in timeline
    assert "Huisbezoek" in timeline and "Kaartje" in timeline and "Telefoon" in timeline
    # tasks done, by whom and when; no open tasks, no running deadlines
    assert "Geen open taken" in html
    # the deadlines were met by the first conversation on 30 November (R14)
    deadlines = html[html.index('id="termijnen"'):html.index('id="taken"')]
    assert deadlines.count(">Gehaald</strong> op 30 november") == 2 and "Te laat" not in deadlines
    assert "Quick fix uitvoeren" in html and "afgerond door anna op 15 december 2026" in html
    # the feedback sent to the partner
    feedback = html[html.index('id="terugmeldingen"'):html.index('id="geschiedenis"')]
    assert "Hulp geaccepteerd" in feedback and "Woonstad" in feedback and "S-1" in feedback
    assert "30 november 2026" in feedback
    # the signal was picked up: DDAS's "Nog niet opgepakt" is not shown for it
    signals = html[html.index('id="signalen"'):html.index('id="termijnen"')]
    assert "Opgepakt op 28 november 2026" in signals and "Nog niet opgepakt" not in signals
    assert "Terugmelding verstuurd" in html and "Zaak afgesloten" in html and "Bericht genegeerd" not in html
    plan_link = f'href="/zaken/{case_id}/plan-van-aanpak"'
    assert (plan_link in html) == ("tasks.plan_van_aanpak" in web.application.view_functions)


def test_a_second_signal_of_the_household_is_listed_with_the_total(vs, web, partner):
    case_id = new_case(vs, web, partner)
    energie = add_partner(vs, "Stroomnet", "Energie")
    assert case_of(vs, deliver(web, energie, signaal("E-7", bedrag=87.55, product="gas"))) == case_id
    sign_in(vs, web, "anna", HULPVERLENER)
    html = page(web, case_id)
    assert "2 signalen van dit huishouden, samen € 1.000,05" in html
    assert "Stroomnet" in html and "(gas)" in html and "Nieuw signaal: Energie: betalingsachterstand, € 87,55" in html


# --- query count --------------------------------------------------------------------------------------------

def count_queries(vs, web, case_id) -> int:
    with statements(vs.db) as sent:
        page(web, case_id)
    return len(sent)


def test_query_count_does_not_grow_with_signals_attempts_tasks_or_events(vs, web, partner):
    sign_in(vs, web, "anna", HULPVERLENER)
    small = new_case(vs, web, partner, "S-0", client=STRANGER)
    big = new_case(vs, web, partner)
    for n, (naam, kind) in enumerate((("Stroomnet", "Energie"), ("Duinwater", "Water"), ("Zorg Zuid", "Zorg"))):
        other = add_partner(vs, naam, kind)
        extra = {"product": "gas"} if kind == "Energie" else {}
        assert case_of(vs, deliver(web, other, signaal(f"X-{n}", bedrag=50 + n, **extra))) == big
    for _ in range(4):
        do(vs, big, "contactpoging", **{**ATTEMPT, "kanaal": "Telefoon"}, bereikt=False, vervolg="opnieuw")
    few, many = count_queries(vs, web, small), count_queries(vs, web, big)
    assert len(vs.access_log_for_case(big)) == 1
    # the session, the signed-in user; the case, signals, feedback, attempts, tasks, timers, events; the access log
    assert few == many == 10


def open_task_ids(vs, case_id) -> list[int]:
    return [t.id for t in open_tasks_by_element(vs, case_id).values()]


def open_tasks_by_element(vs, case_id) -> dict:
    with vs.uow() as uow:
        return {t.element_id: t for t in uow.session.scalars(
            select(UserTask).where(UserTask.case_id == case_id, UserTask.status == "open"))}
