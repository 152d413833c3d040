"""Retention with audited deletion (R28): over a year and a half of injected clock, `vroeg retention run` removes
exactly the cases the schedule says, nothing else, leaves every chain verifiable (also against a checkpoint made
before), keeps the DDAS delivery of a past period the same in every count, honours legal holds, and a change to an
emptied event still shows."""
from __future__ import annotations

import json
import re
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from engine.history.audit import case_chain
from engine.models import Case, Event, User
from vroegsignalering.models import Contactpoging, Signaal, Vroegsignaalzaak
from vroegsignalering.retention import SIGNAL_FIELDS, RetentionError, add_months, schedule_from_settings
from vroegsignalering.services.retention import daily_retention
from vroegsignalering.retention_models import Verwijdering
from tests.conftest import ROOT
from tests.support.web import PASSWORD, log_in

REAL = {"VROEG_PROCESSES_PATH": str(ROOT / "processes"), "VROEG_FORMS_PATH": str(ROOT / "forms")}
ANCHOR = "2026-12-28"  # the suite's December demo: its cases close from late October to late December 2026
# the README's schedule, written out here independently of the code
NOT_PICKED_UP = {"Niet opgepakt: herhaalde melding", "Niet opgepakt: onterecht signaal", "Inwoner is overleden",
                 "Persoon is geen inwoner (meer) in de gemeente", "Niet opgepakt: andere reden",
                 "Inwoner al bekend bij schuldhulpverlening", "Inwoner heeft al een ander lopend traject"}
HELP = {"(Budget)advies en/of quick fix", "Vervolghulp en/of verwijzing financieel",
        "Verwijzing zonder tussenkomst inwoner", "Vervolghulp en/of verwijzing niet financieel",
        "Vervolghulp en/of verwijzing"}


def months_for(result: str) -> int:
    return 6 if result in NOT_PICKED_UP else 18 if result in HELP else 12


@pytest.fixture
def demo(_demo_december):
    """The demo anchored on ANCHOR, restored from its database state (tests/conftest.py STATES)."""


def closed_cases(engine) -> dict[int, tuple[str, date]]:
    with engine.uow() as uow:
        return {case_id: (result, closed) for case_id, result, closed in uow.session.execute(
            select(Vroegsignaalzaak.case_id, Vroegsignaalzaak.eindresultaat, Vroegsignaalzaak.afgesloten_op)
            .where(Vroegsignaalzaak.open.is_(False)))}


def removed(engine) -> set[int]:
    with engine.uow() as uow:
        return set(uow.session.scalars(select(Verwijdering.case_id)))


def identities(engine) -> dict[int, set[str]]:
    """Per case, the BSNs, surnames and streets of its signals."""
    found: dict[int, set[str]] = {}
    with engine.uow() as uow:
        for signal in uow.session.scalars(select(Signaal)):
            found.setdefault(signal.case_id, set()).update(
                v for v in (signal.bsn, signal.achternaam, signal.straatnaam) if v)
    return found


def delivery_without_clients(vroeg, tmp_path, name: str) -> dict:
    out = tmp_path / f"{name}.json"
    result = vroeg("export", "ddas", "--van", "2026-09-01", "--tot", ANCHOR, "--out", str(out), **REAL)
    assert result.exit_code == 0, result.stderr
    delivery = json.loads(out.read_text(encoding="utf-8"))
    delivery.pop("aanleverdatumEnTijd")
    for levering in delivery["leveringen"]:
        for signal in levering["vroegsignalen"]:
            signal.pop("client")
    return delivery


def run(vroeg, day: str, *args):
    result = vroeg("retention", "run", "--now", f"{day}T06:00", *args, **REAL)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_a_year_and_a_half_of_retention_removes_exactly_what_the_schedule_says(vs, demo, vroeg, tmp_path):
    closed = closed_cases(vs)
    assert len(closed) > 50 and {months_for(r) for r, _ in closed.values()} == {6, 12, 18}
    before = delivery_without_clients(vroeg, tmp_path, "before")
    people = identities(vs)
    with vs.uow() as uow:
        open_ids = set(uow.session.scalars(select(Vroegsignaalzaak.case_id).where(Vroegsignaalzaak.open.is_(True))))
    first_month = min(add_months(day, 6) for _, day in closed.values())

    for step in range(19):  # the first of each month, January 2027 to July 2028
        today = add_months(date(2027, 1, 1), step)
        out = run(vroeg, today.isoformat())
        expected = {cid for cid, (result, day) in closed.items() if add_months(day, months_for(result)) <= today}
        assert removed(vs) == expected, today
        assert out.strip().endswith(f"on {today.isoformat()}")
        if today < first_month:
            assert expected == set()
    assert removed(vs) == set(closed)  # by July 2028 every closed case is past its term
    assert removed(vs).isdisjoint(open_ids)

    with vs.uow() as uow:
        session = uow.session
        for signal in session.scalars(select(Signaal).where(Signaal.case_id.in_(closed))):
            assert all(getattr(signal, name) is None for name in SIGNAL_FIELDS), signal.id
            assert signal.household_key == signal.externe_referentie == f"verwijderd-{signal.id}"
        for case in session.scalars(select(Case).where(Case.id.in_(closed))):
            assert case.state == {} and case.correlation_key is None
        assert all(note is None for note in session.scalars(
            select(Contactpoging.notitie).where(Contactpoging.case_id.in_(closed))))
        kept = [e for e in session.scalars(select(Event).where(Event.case_id.in_(closed)))
                if e.kind != "gegevens_verwijderd"]
        assert kept and all(e.data == {} and e.snapshot is None and e.content_removed_at for e in kept)
        # nothing anywhere names a person of a removed case, unless an open case still holds that person
        text = json.dumps([[e.data, e.snapshot] for e in session.scalars(select(Event))], ensure_ascii=False)
        text += json.dumps([c.state for c in session.scalars(select(Case))], ensure_ascii=False)
        still_held = set().union(*(people.get(cid, set()) for cid in open_ids))
        # staff's full names are in the system history (accounts): a resident who shares a surname with a demo
        # account is not named by it
        staff = {word for name in session.scalars(select(User.volledige_naam)) if name for word in name.split()}
        gone = set().union(*(people.get(cid, set()) for cid in closed)) - still_held - staff
        # as whole words: a surname such as "Jong" is also the start of "Jongere (onder 27)" in a priority reason
        assert gone and not [value for value in gone if re.search(rf"\b{re.escape(value)}\b", text)]
        # the removal record says which rule and what went, without personal data
        [record] = [e for e in session.scalars(select(Event).where(Event.chain == case_chain(min(closed)),
                                                                     Event.kind == "gegevens_verwijderd"))]
        result, day = closed[min(closed)]
        assert record.data["termijn_maanden"] == months_for(result) and record.data["afgesloten_op"] == day.isoformat()
        assert record.data["gebeurtenissen"] and "inhoud van de historie" in record.data["verwijderd"]

    verified = vroeg("audit", "verify", **REAL)
    assert verified.exit_code == 0, verified.stderr
    assert delivery_without_clients(vroeg, tmp_path, "after") == before  # every count, status and date the same
    assert "0 cases removed" in run(vroeg, "2028-08-01")  # nothing is removed twice


def test_dry_run_legal_hold_and_a_checkpoint_made_before(vs, web, demo, vroeg):
    closed = closed_cases(vs)
    day = "2027-07-01"
    due = {cid for cid, (result, closed_on) in closed.items()
           if add_months(closed_on, months_for(result)) <= date.fromisoformat(day)}
    assert len(due) >= 2
    held, other = sorted(due)[:2]
    checkpoint = vroeg("audit", "checkpoint", **REAL)
    assert checkpoint.exit_code == 0, checkpoint.stderr

    dry = run(vroeg, day, "--dry-run")
    assert f"zaak {held}: would be removed" in dry and "dry run: nothing changed" in dry and removed(vs) == set()

    hold = vroeg("retention", "hold", str(held), "--reden", "Bezwaarprocedure loopt", **REAL)
    assert hold.exit_code == 0, hold.stderr
    again = vroeg("retention", "hold", str(held), "--reden", "nog eens", **REAL)
    assert again.exit_code == 1 and f"Zaak {held} heeft al een bewaarblokkade." in again.stderr
    out = run(vroeg, day)
    assert f"zaak {held}: kept (legal hold)" in out and removed(vs) == due - {held}
    vs.add_user("aud", "auditor", PASSWORD, actor="test")
    assert log_in(web, "aud").status_code == 302
    page = web.get("/bewaartermijnen").get_data(as_text=True)
    assert f"Zaak {held}</th>" in page and "Bezwaarprocedure loopt" in page
    assert f"Laatst verwijderd ({len(due) - 1} zaken in totaal)" in page and f"Zaak {other}</th>" in page
    assert [e.data for e in vs.history(held) if e.kind == "bewaarblokkade_geplaatst"] == [
        {"reden": "Bezwaarprocedure loopt"}]

    assert vroeg("retention", "release", str(held), **REAL).exit_code == 0
    run(vroeg, "2027-07-02")
    assert held in removed(vs)
    kinds = [e.kind for e in vs.history(held)]
    assert kinds[-3:] == ["bewaarblokkade_geplaatst", "bewaarblokkade_opgeheven", "gegevens_verwijderd"]
    late = vroeg("retention", "hold", str(held), "--reden", "te laat", **REAL)
    assert late.exit_code == 1 and "al verwijderd" in late.stderr

    files = sorted((vs.settings.audit_checkpoint_path).glob("checkpoint-*.json"))
    assert files
    verified = vroeg("audit", "verify", "--checkpoint", str(files[0]), **REAL)
    assert verified.exit_code == 0, verified.stderr
    assert other in removed(vs)

    # the auditor reads plainly what happened, and the chain still checks out
    history = web.get(f"/audit/zaken/{other}").get_data(as_text=True)
    assert "Inhoud verwijderd." in history and "bewaartermijn" in history
    assert "Persoonsgegevens verwijderd (bewaartermijn verstreken)" in history
    replay = web.get(f"/audit/zaken/{other}/stap/2").get_data(as_text=True)
    assert "Inhoud verwijderd." in replay and "maanden na het afsluiten van de zaak op" in replay
    checked = web.get(f"/audit/zaken/{other}/controle").get_data(as_text=True)
    assert "Historie intact:" in checked


def test_a_change_to_an_emptied_event_or_an_unrecorded_removal_breaks_the_chain(vs, demo, vroeg):
    run(vroeg, "2027-07-01")
    victim = min(removed(vs))
    with vs.uow() as uow:
        event = uow.session.scalar(select(Event).where(Event.chain == case_chain(victim), Event.seq == 2))
        event.actor = "iemand anders"
        uow.commit()
    broken = vroeg("audit", "verify", "--zaak", str(victim), **REAL)
    assert broken.exit_code == 1 and "altered after removal" in broken.stderr

    with vs.uow() as uow:  # quietly emptying an event of a case that was not removed
        intact = uow.session.scalar(select(Vroegsignaalzaak.case_id).where(Vroegsignaalzaak.open.is_(True)).limit(1))
        event = uow.session.scalar(select(Event).where(Event.chain == case_chain(intact), Event.seq == 1))
        event.data, event.content_removed_at = {}, datetime(2027, 7, 1, tzinfo=timezone.utc)
        uow.commit()
    broken = vroeg("audit", "verify", "--zaak", str(intact), **REAL)
    assert broken.exit_code == 1 and "without a gegevens_verwijderd event" in broken.stderr


def test_the_worker_runs_retention_once_a_day(vs):
    assert daily_retention(vs, now=datetime(2026, 6, 1, 5, tzinfo=timezone.utc)) == 0
    with vs.uow() as uow:
        runs = list(uow.session.scalars(select(Event).where(Event.kind == "bewaartermijnen_uitgevoerd")))
    assert [e.data for e in runs] == [{"datum": "2026-06-01", "verwijderd": 0, "geblokkeerd": 0}]
    daily_retention(vs, now=datetime(2026, 6, 1, 20, tzinfo=timezone.utc))
    daily_retention(vs, now=datetime(2026, 6, 2, 5, tzinfo=timezone.utc))
    with vs.uow() as uow:
        assert len(list(uow.session.scalars(select(Event).where(Event.kind == "bewaartermijnen_uitgevoerd")))) == 2


@pytest.mark.parametrize("value, schedule", [
    ("", {"niet_opgepakt": 6, "zonder_hulp": 12, "hulp": 18}),
    ("hulp=24", {"niet_opgepakt": 6, "zonder_hulp": 12, "hulp": 24}),
    (" niet_opgepakt = 3 , zonder_hulp=9", {"niet_opgepakt": 3, "zonder_hulp": 9, "hulp": 18}),
])
def test_the_schedule_comes_from_settings(settings, value, schedule):
    from dataclasses import replace
    assert schedule_from_settings(replace(settings, bewaartermijnen=value)) == schedule


@pytest.mark.parametrize("value, message", [
    ("hulpp=3", "onbekende regel „hulpp”"), ("hulp=drie", "„hulp” heeft geen geheel aantal maanden"),
    ("hulp=0", "tussen 1 en 600 maanden"),
])
def test_a_wrong_schedule_is_refused_in_dutch(settings, vroeg, value, message):
    from dataclasses import replace
    with pytest.raises(RetentionError, match=message):
        schedule_from_settings(replace(settings, bewaartermijnen=value))
    result = vroeg("retention", "run", "--dry-run", VROEG_BEWAARTERMIJNEN=value, **REAL)
    assert result.exit_code == 2 and message in result.stderr


def test_hold_and_release_of_an_unknown_case(vroeg):
    result = vroeg("retention", "hold", "999", "--reden", "bezwaar", **REAL)
    assert result.exit_code == 1 and "Zaak 999 bestaat niet." in result.stderr
    assert "Zaak 999 bestaat niet." in vroeg("retention", "release", "999", **REAL).stderr


def test_add_months():
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2025, 12, 22), 6) == date(2026, 6, 22)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)


def test_who_may_see_the_retention_overview(vs, web):
    for role, status in (("coordinator", 200), ("auditor", 200), ("beheerder", 200), ("hulpverlener", 403),
                         ("beleidsmedewerker", 403), ("proceseigenaar", 403)):
        client = web.application.test_client()
        vs.add_user(f"u-{role}", role, PASSWORD, actor="test")
        assert log_in(client, f"u-{role}").status_code == 302
        response = client.get("/bewaartermijnen")
        assert response.status_code == status, role
        if status == 200:
            text = response.get_data(as_text=True)
            assert "Er zijn geen bewaarblokkades." in text and "Er zijn nog geen gegevens verwijderd." in text
            assert "Inwoner regelt het zelf/hoeft geen hulp vanuit vroegsignalering" in text
