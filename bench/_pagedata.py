"""Seeding for bench_pages.py: a few real vroegsignalering cases made through the engine (partner signals on the
intake path, the shipped process from processes/ and forms/), cloned with bulk SQL up to N open cases.

Each clone copies a template's rows — cases (with the real workflow state), user_tasks, case_timers,
case_deadlines, vroegsignaalzaken, signals, history events and chain heads — and varies what the pages filter and
sort on: assignee (20 counsellors, a quarter unassigned), queue, priority, crisis (1 in 20), postcode and house
number (so each clone is its own household), due dates (from 20 days ago to 40 days ahead: the statutory deadline,
passed and still open when in the past, the target 14 days before it), amounts and partners. The
cloned events keep their template's hashes, so `vroeg audit verify` would flag them: the database is for the
benchmark only.
"""
from __future__ import annotations

import json
import random
import uuid
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import _benchlib as lib
from sqlalchemy import func, insert, select

from vroegsignalering.settings import load_settings
from engine.models import Case, CaseDeadline, CaseTimer, ChainHead, Event, UserTask
from engine.service import Engine
from vroegsignalering.bootstrap import build_engine
from vroegsignalering.brp import address_of, is_deceased
from vroegsignalering.models import Partner, Signaal, Vroegsignaalzaak
from vroegsignalering.services.partners import register_partner
from vroegsignalering.services.intake import receive

NOW = lib.local(2026, 11, 27, 9, 0)
COUNSELLORS = tuple(f"hulpverlener{i:02d}" for i in range(20))
QUEUES = ("algemeen", "crisis", "jongeren", "wijk-noord", "wijk-west", "wijk-zuid")
PARTNERS = (("Woonstad", "Huur"), ("Stroomnet", "Energie"), ("Duinwater", "Water"), ("Zorgverzekeraar Zuid", "Zorg"))
INCASSO = {"herinnering_verstuurd": True, "persoonlijk_contact_gezocht": True, "gewezen_op_schuldhulp": True,
           "aangeboden_gegevens_door_te_geven": True}
TEMPLATES = 8
CHUNK = 1000


def page_engine(url: str, workdir, clock, deploy: bool = True) -> Engine:
    """An Engine on url with the shipped vroegsignalering process (processes/, forms/) deployed (unless not)."""
    settings = load_settings({"database_url": url, "instance_path": workdir / "instance", "gemeentecode": "0363",
                              "processes_path": lib.ROOT / "processes", "forms_path": lib.ROOT / "forms",
                              "testing": True}, environ={})
    engine = build_engine(settings, clock)
    if deploy:
        engine.deploy(engine.read_bundle(), actor="bench")
    return engine


def make_templates(engine) -> list[int]:
    """TEMPLATES cases through the engine: residents of the BRP fixture (first task: contactpoging) and two
    unknown persons (first task: the manual BRP check), from the four statutory partners."""
    partners = [register_partner(engine, name, kind, actor="bench")[0] for name, kind in PARTNERS]
    people = _fixture_residents(TEMPLATES - 2)
    people += [{"achternaam": f"Onbekend {i}", "postcode": f"10{i}0AA", "huisnummer": 1 + i,
                "geboortedatum": date(1970 + i, 1, 1)} for i in range(2)]
    case_ids = []
    for i, person in enumerate(people):
        partner = partners[i % len(partners)]
        payload = {"externe_referentie": f"T-{i}", "soort": "betalingsachterstand", "bedrag": Decimal(300 + 97 * i),
                   "signaaldatum": NOW.date() - timedelta(days=5), "ontstaansdatum": date(2026, 9, 1),
                   "crisissignaal": False, "warme_overdracht": False, "sociaal_incasso": dict(INCASSO),
                   "product": "gas" if partner.type == "Energie" else None, **person}
        case_ids.append(receive(engine, partner.id, payload, actor="bench").case_id)
    if len(set(case_ids)) != TEMPLATES:
        raise lib.BenchFailure(f"templates share cases: {case_ids}")
    return case_ids


def _fixture_residents(n: int) -> list[dict]:
    persons = json.loads((lib.ROOT / "vroegsignalering/brp_fixture.json").read_text())
    found, addresses = [], set()
    for p in persons:
        address = address_of(p)
        key = (address.get("postcode"), address.get("huisnummer"))
        if is_deceased(p) or p.get("gemeenteVanInschrijving", {}).get("code") != "0363" or not all(key) \
                or key in addresses:
            continue
        addresses.add(key)
        name = p["naam"]
        found.append({"bsn": p["burgerservicenummer"], "voornamen": name.get("voornamen"),
                      "voorvoegsel": name.get("voorvoegsel"), "achternaam": name["geslachtsnaam"],
                      "geboortedatum": date.fromisoformat(p["geboorte"]["datum"]["datum"]),
                      "postcode": address["postcode"].replace(" ", ""), "huisnummer": address["huisnummer"],
                      "huisletter": address.get("huisletter"),
                      "huisnummertoevoeging": address.get("huisnummertoevoeging")})
        if len(found) == n:
            break
    return found


def clone(engine, template_ids: list[int], count: int, seed: int = 7) -> None:
    """count more open cases, copied from the templates with varied assignees, queues, postcodes and due dates."""
    rnd = random.Random(seed)
    tables = {m: m.__table__ for m in (Case, UserTask, CaseTimer, CaseDeadline, Vroegsignaalzaak, Signaal, Event,
                                       ChainHead)}
    cases, zaken = tables[Case], tables[Vroegsignaalzaak]
    with engine.db.begin() as conn:
        partner_ids = list(conn.scalars(select(Partner.id).order_by(Partner.id)))
        templates = conn.execute(select(cases).where(cases.c.id.in_(template_ids))).mappings().all()
        children = {m: _by_case(conn, tables[m], template_ids)
                    for m in (UserTask, CaseTimer, CaseDeadline, Vroegsignaalzaak, Signaal, Event)}
        for offset in range(0, count, CHUNK):
            n = min(CHUNK, count - offset)
            batch = [templates[(offset + i) % len(templates)] for i in range(n)]
            rows = [_without(t, "id") | {"correlation_key": f"kloon-{offset + i}"} for i, t in enumerate(batch)]
            new_ids = conn.execute(insert(cases).returning(cases.c.id, sort_by_parameter_order=True), rows).scalars()
            pairs = list(zip(batch, new_ids))
            variant = {new: _variant(rnd, offset + i) for i, (_, new) in enumerate(pairs)}
            kids = lambda model: [(r, new) for t, new in pairs for r in children[model][t["id"]]]  # noqa: E731
            conn.execute(insert(zaken), [_without(r) | {"case_id": new, **variant[new]["zaak"]}
                                         for r, new in kids(Vroegsignaalzaak)])
            deadlines = kids(CaseDeadline)
            table = tables[CaseDeadline]
            added = conn.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True),
                                 [_without(r, "id") | {"case_id": new, **_deadline(r, variant[new]["task"]["due_at"])}
                                  for r, new in deadlines]).scalars() if deadlines else []
            deadline_id = {(r["id"], new): added_id for (r, new), added_id in zip(deadlines, added)}
            conn.execute(insert(tables[UserTask]), [
                _without(r, "id") | {"case_id": new, "task_id": str(uuid.uuid4()), **variant[new]["task"],
                                     "deadline_at": variant[new]["task"]["due_at"],
                                     "queue": variant[new]["zaak"]["werkvoorraad"],  # the clone's queue
                                     "deadline_id": deadline_id.get((r["deadline_id"], new))}
                for r, new in kids(UserTask)])
            conn.execute(insert(tables[CaseTimer]), [_without(r, "id") | {"case_id": new}
                                                     for r, new in kids(CaseTimer)])
            conn.execute(insert(tables[Signaal]), [
                _without(r, "id") | {"case_id": new, "externe_referentie": f"K-{new}-{r['id']}",
                                     "partner_id": rnd.choice(partner_ids), **variant[new]["signal"]}
                for r, new in kids(Signaal)])
            conn.execute(insert(tables[Event]), [_without(r, "id") | {"case_id": new, "chain": f"zaak:{new}"}
                                                 for r, new in kids(Event)])
            conn.execute(insert(tables[ChainHead]), [
                {"chain": f"zaak:{new}", "seq": len(children[Event][t["id"]]),
                 "hash": children[Event][t["id"]][-1]["hash"]} for t, new in pairs])


def _variant(rnd: random.Random, i: int) -> dict:
    """What differs between clones: household, queue, priority, crisis, assignee, due date, amount."""
    postcode = f"{1000 + rnd.randrange(9000)}{rnd.choice('ABCDEFGHJKLMNPRSTVWXZ')}{rnd.choice('ABCDEHJKLMNPRSTZ')}"
    huisnummer = 1 + i // 9000
    crisis = rnd.random() < 0.05
    assignee = None if rnd.random() < 0.25 else rnd.choice(COUNSELLORS)
    due = NOW + timedelta(days=rnd.uniform(-20, 40))
    key = f"{postcode}-{huisnummer}-K{i}"
    return {
        "zaak": {"household_key": key, "postcode": postcode, "werkvoorraad": "crisis" if crisis else rnd.choice(QUEUES),
                 "prioriteit": 1 if crisis else rnd.randint(1, 4), "crisis": crisis, "open": True},
        "task": {"assignee": assignee, "due_at": due},
        "signal": {"household_key": key, "postcode": postcode, "huisnummer": huisnummer, "bsn": None,
                   "bedrag": Decimal(rnd.randrange(5000, 500000)) / 100},
    }


def _deadline(row, due) -> dict:
    """A cloned deadline row at the clone's due date: the statutory one on it, the target 14 days before; passed
    (and still open, as when its timer fired) when that is before NOW."""
    due = due if row["kind"] == "wettelijk" else due - timedelta(days=14)
    passed = due < NOW
    return {"due_at": due, "status": "passed" if passed else "running", "passed_at": due if passed else None,
            "closed_at": None}


def _by_case(conn, table, case_ids) -> dict[int, list[dict]]:
    found = defaultdict(list)
    order = table.c.seq if table.name == "events" else list(table.primary_key.columns)[0]
    for row in conn.execute(select(table).where(table.c.case_id.in_(case_ids)).order_by(order)).mappings():
        found[row["case_id"]].append(dict(row))
    return found


def _without(row, *keys) -> dict:
    return {k: v for k, v in dict(row).items() if k not in keys}


def open_counts(engine) -> tuple[int, int]:
    """(open cases, open tasks): what the benchmark checks it seeded."""
    with engine.uow() as uow:
        s = uow.session
        return (s.scalar(select(func.count()).select_from(Vroegsignaalzaak).where(Vroegsignaalzaak.open.is_(True))),
                s.scalar(select(func.count()).select_from(UserTask).where(UserTask.status == "open")))
