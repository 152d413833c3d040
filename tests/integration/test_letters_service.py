"""Letters through the service: each letter printed is a contact attempt (DDAS Contactpoging "Brief" or "Kaartje")
in the case, its history and the access log, all or nothing per batch; the same letter twice on one day only when
confirmed; templates versioned per municipality, editable only by a process owner."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.errors import NotAllowed
from engine.history.audit import SYSTEM_CHAIN
from engine.models import Event
from engine.roles import AUDITOR, BEHEERDER, BELEIDSMEDEWERKER, COORDINATOR, HULPVERLENER, PROCESEIGENAAR
from vroegsignalering.brieven import TemplateProblem
from vroegsignalering.models import Contactpoging, Signaal, Vroegsignaalzaak
from vroegsignalering.queries.contact_history import earlier_attempts
from vroegsignalering.queries.letters import current_templates, template_versions
from vroegsignalering.services.ddas import export_ddas
from vroegsignalering.services.letters import AlreadyPrinted, LettersRefused, print_letters, save_template
from vroegsignalering.services.partners import register_partner
from vroegsignalering.services.tasks import Actor
from tests.conftest import local
from tests.support.ddas import ANNA, attempt, deliver
from tests.support.signals import FATIMA, case_of, open_tasks

ANNA_C = Actor("anna", HULPVERLENER)
OWNER = Actor("olga", PROCESEIGENAAR)


@pytest.fixture
def cases(vs, clock):
    register_partner(vs, "Woonstad", "Huur", actor="test")
    clock.set(local(2026, 11, 3, 10, 0))
    first = case_of(vs, deliver(vs, "Woonstad", "H-1", dict(FATIMA))).case_id
    second = case_of(vs, deliver(vs, "Woonstad", "H-2", dict(ANNA))).case_id
    clock.set(local(2026, 11, 5, 14, 30))
    return first, second


def attempts(vs, case_id: int) -> list[Contactpoging]:
    with vs.uow() as uow:
        return list(uow.session.scalars(
            select(Contactpoging).where(Contactpoging.case_id == case_id).order_by(Contactpoging.id)))


def test_a_letter_is_a_contact_attempt_in_the_case_its_history_and_the_access_log(vs, cases):
    first, second = cases
    letters = print_letters(vs, ANNA_C, [second, first, first], "eerste_brief")
    assert [letter.case_id for letter in letters] == [first, second]
    assert letters[0].adresblok == ["F. El Amrani", "Javastraat 112-2", "1094 HM  Amsterdam"]
    assert letters[0].alineas[0] == "Beste F. El Amrani," and letters[0].soort == "Brief"
    for case_id in cases:
        [shown] = earlier_attempts(vs, case_id)  # the task page's earlier attempts
        assert (shown.soort, shown.bereikt, shown.datum.isoformat(), shown.dagdeel, shown.recorded_by) == \
            ("Brief", False, "2026-11-05", None, "anna")
        assert "Eerste brief" in shown.notitie
        [event] = [e for e in vs.history(case_id) if e.kind == "brief_afgedrukt"]
        assert event.actor == "anna" and event.data["sjabloon"] == "eerste_brief" and event.data["versie"] == 0
        assert "brief_afgedrukt" in [e.action for e in vs.access_log_for_case(case_id)]
        with vs.uow() as uow:  # DDAS: the first contact attempt picks the case up
            assert uow.session.get(Vroegsignaalzaak, case_id).datum_opgepakt.isoformat() == "2026-11-05"
            statuses = uow.session.scalars(select(Signaal.status).where(Signaal.case_id == case_id)).all()
            assert statuses and set(statuses) == {"Opgepakt"}  # DDAS v1.2: its signals are picked up with it


def test_the_card_after_a_missed_home_visit_counts_as_kaartje(vs, cases):
    [letter] = print_letters(vs, ANNA_C, [cases[0]], "kaartje_huisbezoek")
    assert letter.titel == "Wij waren bij u langs" and "Wij waren op 5 november 2026 bij u langs." in letter.alineas[1]
    assert [a.soort for a in attempts(vs, cases[0])] == ["Kaartje"]


def test_the_ddas_export_carries_the_letter_as_contactpoging_brief(vs, cases, clock):
    first = cases[0]
    print_letters(vs, ANNA_C, [first], "eerste_brief")
    clock.set(local(2026, 11, 9, 10, 0))
    attempt(vs, first, kanaal="Huisbezoek", bereikt=True)
    vs.complete_task(open_tasks(vs, first)["eerste_gesprek"], {"uitkomst": "al_betaald",
                                                               "bedreigende_situatie": False}, actor="anna")
    delivery = export_ddas(vs, local(2026, 11, 1).date(), local(2026, 11, 30).date(), actor="test")
    [zaak] = delivery["leveringen"][0]["vroegsignaalzaken"]
    assert zaak["contactpogingen"] == [
        {"soort": "Brief", "bereikt": False, "datum": "2026-11-05"},
        {"soort": "Huisbezoek", "bereikt": True, "datum": "2026-11-09", "dagdeel": "Middag"}]
    assert zaak["datumOpgepakt"] == "2026-11-05"


@pytest.mark.parametrize("role", [AUDITOR, PROCESEIGENAAR, BEHEERDER, BELEIDSMEDEWERKER])
def test_only_counsellors_and_coordinators_print_letters(vs, cases, role):
    with pytest.raises(NotAllowed):
        print_letters(vs, Actor("x", role), list(cases), "eerste_brief")
    assert attempts(vs, cases[0]) == [] and attempts(vs, cases[1]) == []


def test_a_coordinator_may_print(vs, cases):
    assert len(print_letters(vs, Actor("chris", COORDINATOR), list(cases), "cak_brief")) == 2


def test_a_batch_is_all_or_nothing(vs, cases):
    with pytest.raises(LettersRefused) as refused:
        print_letters(vs, ANNA_C, [cases[0], 999999], "eerste_brief")
    assert refused.value.problems == ["Zaak 999999 bestaat niet of is geen vroegsignaalzaak."]
    assert attempts(vs, cases[0]) == []
    with pytest.raises(LettersRefused) as refused:
        print_letters(vs, ANNA_C, [cases[0]], "bestaat_niet")
    assert refused.value.problems == ["Kies een brief om af te drukken."]
    with pytest.raises(LettersRefused) as refused:
        print_letters(vs, ANNA_C, [], "eerste_brief")
    assert refused.value.problems == ["Kies ten minste één zaak."]


def test_a_closed_case_gets_no_letter(vs, cases, clock):
    first = cases[0]
    attempt(vs, first, kanaal="Huisbezoek", bereikt=True)
    vs.complete_task(open_tasks(vs, first)["eerste_gesprek"], {"uitkomst": "al_betaald",
                                                               "bedreigende_situatie": False}, actor="anna")
    with pytest.raises(LettersRefused) as refused:
        print_letters(vs, ANNA_C, [first], "eerste_brief")
    assert refused.value.problems == [f"Zaak {first} is afgesloten: daar gaat geen brief meer heen."]


def test_the_same_letter_twice_on_one_day_is_recorded_again_only_when_confirmed(vs, cases, clock):
    first, second = cases
    print_letters(vs, ANNA_C, [first], "eerste_brief")
    with pytest.raises(AlreadyPrinted) as repeated:
        print_letters(vs, ANNA_C, [first, second], "eerste_brief")
    assert repeated.value.case_ids == [first]
    assert len(attempts(vs, first)) == 1 and attempts(vs, second) == []  # nothing of the refused batch
    print_letters(vs, ANNA_C, [first], "kaartje_huisbezoek")  # another letter: no question
    print_letters(vs, ANNA_C, [first, second], "eerste_brief", opnieuw=True)
    assert [a.soort for a in attempts(vs, first)] == ["Brief", "Kaartje", "Brief"]
    assert [e.data["opnieuw"] for e in vs.history(first) if e.kind == "brief_afgedrukt"] == [False, False, True]
    clock.set(local(2026, 11, 6, 9, 0))  # a new day: a new letter
    print_letters(vs, ANNA_C, [first], "eerste_brief")
    assert len(attempts(vs, first)) == 4


def test_a_process_owner_saves_a_new_version_used_by_the_next_letter(vs, cases, clock):
    saved = save_template(vs, OWNER, "eerste_brief", "Hallo {{ naam }}", "Beste {{ naam }},\n\nBel ons.\n\nGroet")
    assert (saved.versie, saved.gewijzigd_door) == (1, "olga")
    save_template(vs, OWNER, "eerste_brief", "Tweede", "{{ aanhef }},\r\n\r\nTekst {{ zaaknummer }}.")
    [letter] = print_letters(vs, ANNA_C, [cases[0]], "eerste_brief")
    assert letter.titel == "Tweede" and letter.alineas == ["Beste F. El Amrani,", f"Tekst {cases[0]}."]
    assert [v.versie for v in template_versions(vs, "0363", "eerste_brief")] == [2, 1, 0]
    with vs.uow() as uow:
        events = uow.session.scalars(select(Event).where(Event.chain == SYSTEM_CHAIN,
                                                         Event.kind == "briefsjabloon_gewijzigd")
                                     .order_by(Event.seq)).all()
    assert [(e.actor, e.data["versie"], e.data["gemeentecode"]) for e in events] == [("olga", 1, "0363"),
                                                                                     ("olga", 2, "0363")]
    assert [e.data["versie"] for e in vs.history(cases[0]) if e.kind == "brief_afgedrukt"] == [2]


def test_templates_are_kept_per_municipality(vs):
    save_template(vs, OWNER, "cak_brief", "Voor Weesp", "{{ aanhef }}", gemeentecode="0457")
    assert {t.sleutel: t.versie for t in current_templates(vs, "0363")}["cak_brief"] == 0
    assert {t.sleutel: t.titel for t in current_templates(vs, "0457")}["cak_brief"] == "Voor Weesp"


def test_saving_refuses_unknown_fields_and_other_roles(vs):
    with pytest.raises(TemplateProblem) as problem:
        save_template(vs, OWNER, "eerste_brief", "Brief", "Uw BSN is {{ bsn }}.")
    assert problem.value.problems[0].startswith("Het veld „bsn” in de tekst bestaat niet.")
    for role in (HULPVERLENER, COORDINATOR, AUDITOR):
        with pytest.raises(NotAllowed):
            save_template(vs, Actor("x", role), "eerste_brief", "Brief", "Tekst")
    assert [v.versie for v in template_versions(vs, "0363", "eerste_brief")] == [0]
