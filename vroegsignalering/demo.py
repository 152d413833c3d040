"""Demo data (`vroeg demo`): partners of every DDAS type and a few hundred signals over the ten weeks before an anchor
date, pushed through the real intake and the real process with the clock moved day by day, so that cases stand in
every state: open, crisis, overdue, and closed with each end result the diagram can reach. Never load this where real
data lives.

Residents come from the bundled BRP fixture where possible (the same names and addresses, so the BRP finds them),
the rest are made up (the BRP does not know them: a counsellor checks them by hand).

Deterministic for a given anchor date (the last day simulated; default today): everything is drawn from seeded
generators. What the demo promises never rests on chance or on the calendar: the special cases and one exemplar
household per scenario arrive at fixed offsets early in the window with a fixed scenario, and each case draws its own
decisions from a generator seeded by its household, so weekends and holidays that shift the work never change what a
case does."""
from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from engine.runtime.cases import SYSTEM_ACTOR
from engine.clock import FixedClock
from engine.models import ProcessVersion
from .bootstrap import build_engine
from .brp import BUNDLED_FIXTURE, address_of, is_deceased
from . import gemeenten
from .demo_assign import DEMO_COUNSELLOR, assign_demo_work
from .demo_work import plan_new_case, work
from .importer import NIEUW
from vroegsignalering.services.imports import import_signal
from .intake import PROCESS_ID
from .models import Bezwaar, Partner, SchuldhulpRegistratie, Signaal
from .partners import ref
from .scope import Scope, acting_in
from vroegsignalering.services.gemeenten import add_gemeente
from vroegsignalering.services.partners import register_partner

ZAANSTAD_COUNSELLOR = "hulpverlener.zaanstad"

DAYS = 70
PARTNERS = (("Woonstichting Amstelwonen", "Huur"), ("Polderstroom Energie", "Energie"), ("Duinwater", "Water"),
            ("Zilverzorg Zorgverzekeraar", "Zorg"), ("CAK BAZ-lijst", "CAK Zorgverzekeringen"),
            ("CAK Eigen bijdrage", "CAK Eigen bijdrage"), ("DUO", "DUO"), ("Belastingdienst", "Belastingdienst"),
            ("Dienst Toeslagen", "Dienst Toeslagen"), ("Grachtengordel Hypotheken", "Hypotheek"),
            ("Wijkteam Noord (interne melding)", "Overige"))
AMOUNTS = {"Huur": (600, 2600), "Energie": (150, 1400), "Water": (60, 420), "Zorg": (150, 900),
           "CAK Zorgverzekeringen": (800, 2600), "CAK Eigen bijdrage": (120, 900), "DUO": (300, 3000),
           "Belastingdienst": (200, 3000), "Dienst Toeslagen": (300, 5000), "Hypotheek": (1500, 6000),
           "Overige": (100, 1500)}
CRISIS = {"Huur": "ontruiming", "Energie": "eindelevering", "Water": "afsluiting", "Zorg": "opzegging-zorgverzekering"}
WEIGHTS = {"Huur": 26, "Energie": 22, "Water": 12, "Zorg": 18, "CAK Zorgverzekeringen": 6, "CAK Eigen bijdrage": 3,
           "DUO": 3, "Belastingdienst": 3, "Dienst Toeslagen": 3, "Hypotheek": 2, "Overige": 2}
FIRST = ("Jan", "Ans", "Mohamed", "Fatma", "Kees", "Ingrid", "Rachid", "Sevda", "Henk", "Wilma", "Bram", "Naima",
         "Joost", "Esra", "Ruud", "Linda", "Stefan", "Anouk", "Ricardo", "Chantal", "Mustafa", "Yvonne", "Gerrit",
         "Samira", "Kofi", "Mei", "Dennis", "Jolanda", "Ahmet", "Marieke")
LAST = (("", "Jansen"), ("de", "Jong"), ("", "Vermeulen"), ("van den", "Berg"), ("", "Yıldız"), ("", "Benali"),
        ("", "Hoekstra"), ("van", "Leeuwen"), ("", "Kok"), ("", "Ouali"), ("", "Dekker"), ("de", "Graaf"),
        ("", "Şahin"), ("", "Sedney"), ("", "Postma"), ("van der", "Linden"), ("", "Amrani"), ("", "Wouters"))
STREETS = (("Nieuwendammerdijk", "1025"), ("Purmerweg", "1023"), ("Bos en Lommerplein", "1055"),
           ("Pieter Calandlaan", "1065"), ("Rijnstraat", "1079"), ("Javaplein", "1095"), ("Linnaeusstraat", "1093"),
           ("Gaasperdammerweg", "1106"), ("Westerstraat", "1015"), ("Burgemeester de Vlugtlaan", "1063"),
           ("Karspeldreef", "1101"), ("Mercatorplein", "1057"))
SCENARIOS = ("quick_fix", "overdracht", "niet_financieel", "geen_contact", "geen_hulp", "al_betaald",
             "ander_traject", "hulp_lopend", "bezig", "blijft_liggen", "quick_fix", "geen_contact", "geen_reactie",
             "verwijzing", "afgehaakt", "quick_fix_mislukt")
@dataclass(frozen=True)
class Household:
    """Whom a scheduled signal is about: `tag` seeds the case's own decisions, `scenario` is how its case goes (a
    tag starting with 'S' is a special or exemplar household: its name check always confirms the person)."""

    tag: str
    scenario: str


def load_demo(engine, today: date | None = None, households: int | None = None) -> list[str]:
    """Create the demo partners and, on a database without signals, the demo signals and cases; report lines.
    `today` is the anchor: the last day simulated (default: today by the engine's clock). `households` caps the
    households drawn at random (default all of them); the special and exemplar households always come, so every
    state is there with any number."""
    zone = ZoneInfo(engine.settings.timezone)
    now = engine.clock.now()
    lines = demo_gemeenten(engine) + _partners(engine)
    with engine.uow() as uow:
        if uow.session.scalar(select(Signaal.id).limit(1)) is not None:
            return lines + ["the database already has signals: demo signals not loaded"]
        if uow.session.scalar(select(ProcessVersion.id).where(ProcessVersion.process_id == PROCESS_ID)) is None:
            return lines + [f"process {PROCESS_ID} is not deployed: demo signals not loaded"]
    return lines + _simulate(engine, today or now.astimezone(zone).date(), zone, households)


def _partners(engine) -> list[str]:
    """The demo partners that do not exist yet, each recorded in the system history like `vroeg partner add`."""
    with engine.uow() as uow:
        existing = set(uow.session.scalars(select(Partner.naam)))
    lines = []
    for naam, kind in PARTNERS:
        if naam not in existing:
            _partner, token = register_partner(engine, naam, kind, actor=SYSTEM_ACTOR)
            lines.append(f"  partner {naam:<34} {kind:<22} token {token}")
    return (["demo partners (API tokens shown once; demo only):"] + lines) if lines else []


# --- the simulation -------------------------------------------------------------------------------------------------

def _simulate(engine, today: date, zone: ZoneInfo, households: int | None) -> list[str]:
    rnd = random.Random(2026)
    start = today - timedelta(days=DAYS)
    _registries(engine, today)
    with engine.uow() as uow:
        partners = {p.type: ref(p) for p in uow.session.scalars(
            select(Partner).where(Partner.naam.in_([naam for naam, _ in PARTNERS])))}
    schedule = _schedule(rnd, start, today, households)
    plans: dict = {}
    received = 0
    # The simulated ten weeks run on an engine of their own whose clock the simulation moves (same database).
    clock = FixedClock(datetime.combine(start, time(8, 0), zone))
    sim = build_engine(engine.settings, clock, db_engine=engine.db, password_hasher=engine.password_hasher)
    for offset in range(DAYS):
        day = start + timedelta(days=offset)
        clock.set(datetime.combine(day, time(8, 0), zone))
        sim.fire_due_timers()
        if day.weekday() >= 5:
            continue
        for minute, (kind, record, household) in enumerate(schedule.get(day, ())):
            clock.set(datetime.combine(day, time(9, minute % 60), zone))
            result = import_signal(sim, partners[kind], minute + 1, record, f"partner:{partners[kind].naam}")
            if result.result == NIEUW:
                received += 1
                plan_new_case(sim, plans, result.signal_id, household, day)
        clock.set(datetime.combine(day, time(14, 0), zone))
        work(sim, plans, day)
    clock.set(datetime.combine(today, time(8, 0), zone))
    sim.fire_due_timers()
    lines = [f"demo signals: {received} received in the {DAYS} days before {today:%Y-%m-%d}, with their cases"]
    for code, counsellor in ((engine.settings.gemeentecode, DEMO_COUNSELLOR), (ZAANSTAD["code"], ZAANSTAD_COUNSELLOR)):
        with acting_in(Scope(frozenset({code}))):  # each counsellor gets work of their own municipality
            lines += assign_demo_work(sim, SYSTEM_ACTOR, counsellor)
    return lines


def _schedule(rnd: random.Random, start: date, today: date, households: int | None) -> dict[date, list]:
    """Signals per day: (partner type, API-shaped record, household). Special cases and exemplars first, then
    households at random. No draw here depends on the calendar."""
    schedule: dict[date, list] = {}

    def add(day: date, kind: str, record: dict, household: Household) -> None:
        while day.weekday() >= 5:  # sent in the weekend, received on Monday
            day += timedelta(days=1)
        if day < today:
            schedule.setdefault(day, []).append((kind, record, household))

    for number, (offset, kind, person, extra, scenario) in enumerate(_specials() + _exemplars()):
        day = start + timedelta(days=offset)
        add(day, kind, _signal(rnd, kind, person, day, extra, f"S{number}-"), Household(f"S{number}", scenario))
    for day, kind, record, household in _repeats(rnd, start):
        add(day, kind, record, household)
    region = random.Random(479)  # drawn apart, so the households below come out as they always did
    for number, (offset, kind, person, scenario) in enumerate(_zaanstad()):
        day = start + timedelta(days=offset)
        add(day, kind, _signal(region, kind, person, day, {}, f"Z{number}-"), Household(f"SZ{number}", scenario))
    for number, person in enumerate(_households(rnd)[:households]):
        household = Household(f"H{number}", SCENARIOS[number % len(SCENARIOS)] if rnd.random() < 0.85 else "bezig")
        day = start + timedelta(days=rnd.randrange(2, DAYS - 1))
        for _ in range(rnd.choices((1, 2, 3), (65, 25, 10))[0]):
            kind = rnd.choices(list(WEIGHTS), list(WEIGHTS.values()))[0]
            extra = {"soort": CRISIS[kind], "crisissignaal": True} if kind in CRISIS and rnd.random() < 0.08 else {}
            add(day, kind, _signal(rnd, kind, person, day, extra, f"{number}"), household)
            day += timedelta(days=rnd.randrange(3, 25))
    return schedule


def _signal(rnd: random.Random, kind: str, person: dict, day: date, extra: dict, tag: str = "") -> dict:
    """One signal in the API's shape (CONTRACT names), as a partner would send it. `extra` overrides fields;
    `achterstand_dagen` sets the arrear's age and `persoonlijkContactGezocht` the sociaal-incasso step."""
    low, high = AMOUNTS[kind]
    extra = dict(extra)
    arrear = extra.pop("achterstand_dagen", rnd.randrange(40, 95) if kind == "Zorg" else rnd.randrange(35, 120))
    record = {"externeReferentie": f"DEMO-{kind[:3].upper()}-{day:%Y%m%d}-{tag}{rnd.randrange(10**6):06d}",
              "soort": "betalingsachterstand", "bedrag": f"{rnd.randrange(low * 100, high * 100) / 100:.2f}",
              "ontstaansdatum": (day - timedelta(days=arrear)).isoformat(), "signaaldatum": day.isoformat(),
              "client": dict(person)}
    if kind == "Energie":
        record["product"] = rnd.choice(("elektra", "gas", "elektra", "warmte"))
    if kind in ("Huur", "Energie", "Water", "Zorg"):
        record["sociaalIncasso"] = {"herinneringVerstuurd": True, "persoonlijkContactGezocht": True,
                                    "gewezenOpSchuldhulp": True, "aangebodenGegevensDoorTeGeven": True}
    if "persoonlijkContactGezocht" in extra:
        record["sociaalIncasso"]["persoonlijkContactGezocht"] = extra.pop("persoonlijkContactGezocht")
    record.update(extra)
    return record


def _fixture() -> dict[str, dict]:
    """The bundled BRP fixture's people as signal clients, by BSN."""
    people = {}
    for person in json.loads(BUNDLED_FIXTURE.read_text(encoding="utf-8")):
        address, name = address_of(person), person.get("naam") or {}
        client = {"voornamen": name.get("voornamen"), "voorletters": name.get("voorletters"),
                  "voorvoegsel": name.get("voorvoegsel"), "achternaam": name.get("geslachtsnaam"),
                  "geboortedatum": ((person.get("geboorte") or {}).get("datum") or {}).get("datum"),
                  "straatnaam": address.get("officieleStraatnaam"), "huisnummer": address.get("huisnummer"),
                  "huisletter": address.get("huisletter"), "huisnummertoevoeging": address.get("huisnummertoevoeging"),
                  "postcode": address.get("postcode"), "plaatsnaam": address.get("woonplaats")}
        client = {key: value for key, value in client.items() if value not in (None, "")}
        municipality = (person.get("gemeenteVanInschrijving") or {}).get("code")
        people[person["burgerservicenummer"]] = {**client, "_deceased": is_deceased(person), "_gemeente": municipality}
    return people


SPECIAL_BSNS = {"999990172", "999990226", "999990445", "999990457", "999990147", "999990299", "999990251",
                "999990044", "999990238"}


def _specials() -> list[tuple[int, str, dict, dict, str]]:
    """(day offset, partner type, client, extra fields, scenario): the paths the intake decides on its own."""
    people = {bsn: _client(p) for bsn, p in _fixture().items()}
    legal = {"achternaam": "Fietsenmakerij Groen B.V.", "straatnaam": "Ganzenhoef", "huisnummer": 12,
             "postcode": "1103CP", "plaatsnaam": "Amsterdam"}
    maiden = {**people["999990044"], "voorvoegsel": "de", "achternaam": "Vries"}  # known by her husband's name
    return [
        (3, "Water", people["999990172"], {}, "geen_hulp"),  # deceased: the household is still offered help
        (4, "Zorg", people["999990226"], {}, "quick_fix"),  # not residents of the installation: forwarded
        (6, "Energie", people["999990445"], {}, "quick_fix"),
        (8, "Huur", people["999990457"], {}, "quick_fix"),  # a resident of Zaanstad: Zaanstad's case
        (5, "Huur", people["999990147"], {}, "quick_fix"),  # running debt-help track: handed over
        (7, "Energie", people["999990299"], {}, "overdracht"),  # debt help closed three months ago
        (9, "Huur", people["999990251"], {}, "geen_hulp"),  # objection on file: a landlord's signal is refused,
        (10, "Zorg", people["999990251"], {}, "geen_hulp"),  # a health insurer's is picked up
        (11, "Huur", legal, {}, "geen_hulp"),  # a legal entity
        (12, "Water", maiden, {}, "al_betaald"),  # name does not match the BRP: checked by hand, same person
        (13, "Huur", people["999990238"], {"persoonlijkContactGezocht": False}, "geen_hulp"),  # no sociaal incasso
        (16, "Zorg", people["999990238"], {"achterstand_dagen": 14}, "geen_hulp"),  # arrear too young
        (30, "Energie", people["999990238"], {"soort": "eindelevering", "crisissignaal": True},
         "blijft_liggen"),  # a crisis nobody picks up: overdue after 3 working days
    ]


# The second municipality of the demo (R37): its residents in the BRP fixture, each a household with a fixed path.
ZAANSTAD = {"code": "0479", "naam": "Gemeente Zaanstad", "contact_telefoon": "14 075",
            "contact_email": "vroegsignalering@zaanstad.example", "contact_adres": "Postbus 2000, 1500 GA Zaandam"}
_ZAANSTAD_PATHS = ((3, "Huur", "quick_fix"), (5, "Energie", "overdracht"), (9, "Water", "geen_hulp"),
                   (14, "Zorg", "geen_contact"), (DAYS - 12, "Huur", "bezig"), (DAYS - 6, "Energie", "bezig"),
                   (DAYS - 3, "Water", "bezig"))


def _zaanstad() -> list[tuple[int, str, dict, str]]:
    """(day offset, partner type, client, scenario) for each fixture resident of Zaanstad besides the special one."""
    people = [_client(p) for bsn, p in _fixture().items() if p["_gemeente"] == ZAANSTAD["code"]
              and bsn not in SPECIAL_BSNS]
    return [(offset, kind, person, scenario) for (offset, kind, scenario), person in zip(_ZAANSTAD_PATHS, people)]


def demo_gemeenten(engine) -> list[str]:
    """The demo's second municipality, Zaanstad, when it is not there yet (report lines)."""
    with engine.uow() as uow:
        known = gemeenten.all_codes(uow.session)
    if ZAANSTAD["code"] in known:
        return []
    details = {name: value for name, value in ZAANSTAD.items() if name not in ("code", "naam")}
    add_gemeente(engine, ZAANSTAD["code"], ZAANSTAD["naam"], actor=SYSTEM_ACTOR, **details)
    return [f"demo municipality: {ZAANSTAD['code']} {ZAANSTAD['naam']} (besides {engine.settings.gemeentecode})"]


EXEMPLAR_ADDRESSES = (("Zeeburgerdijk", "1094AA"), ("Ookmeerweg", "1067SM"), ("Kinkerstraat", "1053DV"),
                      ("Van Woustraat", "1073LN"), ("Dapperstraat", "1093BS"), ("Osdorpplein", "1068EL"),
                      ("Buikslotermeerplein", "1025XL"), ("Bijlmerplein", "1102DB"), ("Haarlemmerweg", "1051KV"),
                      ("Amstelveenseweg", "1075XJ"), ("Jan Evertsenstraat", "1056EC"), ("Waterlooplein", "1011NV"),
                      ("Vespuccistraat", "1056SM"), ("Tolstraat", "1074VJ"), ("Zuiderzeeweg", "1095KJ"),
                      ("Kraaiennest", "1104CE"), ("Slotermeerlaan", "1064HB"))


def _exemplars() -> list[tuple[int, str, dict, dict, str]]:
    """One made-up household per scenario, early enough to finish it in any window, and work that stays open: a
    case nobody picked up (overdue), and two crisis signals of the last week."""
    cases = [(2, "Huur", "quick_fix"), (2, "Energie", "overdracht"), (3, "Zorg", "niet_financieel"),
             (3, "Water", "geen_contact"), (4, "Huur", "geen_hulp"), (4, "Energie", "al_betaald"),
             (5, "Zorg", "ander_traject"), (5, "Huur", "hulp_lopend"), (20, "Water", "blijft_liggen"),
             (DAYS - 7, "Huur", "bezig"), (DAYS - 5, "Energie", "bezig"), (6, "Huur", "geen_reactie"),
             (6, "Water", "verwijzing"), (7, "Energie", "afgehaakt"), (7, "Zorg", "quick_fix_mislukt"),
             (8, "Belastingdienst", "ondernemer"), (8, "Huur", "soort_onbekend")]
    exemplars = []
    for number, ((offset, kind, scenario), (street, postcode)) in enumerate(zip(cases, EXEMPLAR_ADDRESSES)):
        voorvoegsel, achternaam = LAST[number]
        if scenario == "ondernemer":  # a natural person in business: the entrepreneurs' queue (R10, R13)
            scenario, achternaam = "quick_fix", f"{achternaam} h.o.d.n. Klusbedrijf {achternaam}"
        person = {"voornamen": FIRST[number], "voorletters": f"{FIRST[number][0]}.", "achternaam": achternaam,
                  "geboortedatum": date(1960 + 3 * number, 1 + number % 12, 10 + number).isoformat(),
                  "straatnaam": street, "huisnummer": 10 + number, "postcode": postcode, "plaatsnaam": "Amsterdam",
                  "telefoonnummer": f"0612{number:06d}", **({"voorvoegsel": voorvoegsel} if voorvoegsel else {})}
        crisis = {"soort": CRISIS[kind], "crisissignaal": True} if offset >= DAYS - 7 else {}
        exemplars.append((offset, kind, person, crisis, scenario))
    return exemplars


def _repeats(rnd: random.Random, start: date) -> list[tuple[date, str, dict, Household]]:
    """The same arrear sent again, amount not higher: a repeat. Once joined to the open case (the partner hears
    'herhaalde melding', the case goes on), once after the first case closed (a case of its own, closed as a
    repeat): the first case's visits always end well within the four weeks between."""
    person = {"voornamen": "Ria", "voorletters": "R.", "achternaam": "Koopman", "geboortedatum": "1964-05-17",
              "straatnaam": "Meeuwenlaan", "huisnummer": 12, "postcode": "1021HS", "plaatsnaam": "Amsterdam"}
    first = _signal(rnd, "Huur", person, start + timedelta(days=5), {}, "R")
    joining = {**first, "externeReferentie": first["externeReferentie"] + "-2",
               "signaaldatum": (start + timedelta(days=7)).isoformat()}
    later = {**first, "externeReferentie": first["externeReferentie"] + "-3",
             "signaaldatum": (start + timedelta(days=40)).isoformat()}
    household = Household("S-R", "geen_hulp")  # 'S': the counsellor confirms the name the BRP does not know
    return [(start + timedelta(days=5), "Huur", first, household), (start + timedelta(days=7), "Huur", joining,
                                                                     household),
            (start + timedelta(days=40), "Huur", later, Household("S-R2", "geen_hulp"))]


def _client(person: dict) -> dict:
    return {key: value for key, value in person.items() if not key.startswith("_")}


def _households(rnd: random.Random) -> list[dict]:
    """Fixture residents (one per address) and made-up ones."""
    seen, people = set(), []
    for bsn, person in _fixture().items():
        key = (person.get("postcode"), person.get("huisnummer"))
        if bsn in SPECIAL_BSNS or key in seen or person["_deceased"] or person["_gemeente"] != "0363":
            continue
        seen.add(key)
        people.append(_client(person))
    for _ in range(150):
        street, prefix = rnd.choice(STREETS)
        voorvoegsel, achternaam = rnd.choice(LAST)
        first = rnd.choice(FIRST)
        person = {"voornamen": first, "voorletters": f"{first[0]}.", "achternaam": achternaam,
                  "geboortedatum": date(rnd.randrange(1950, 2005), rnd.randrange(1, 13), rnd.randrange(1, 29))
                  .isoformat(), "straatnaam": street, "huisnummer": rnd.randrange(1, 400),
                  "postcode": prefix + "".join(rnd.choices("ABCDEGHJKLMNPRSTVWXZ", k=2)), "plaatsnaam": "Amsterdam"}
        if voorvoegsel:
            person["voorvoegsel"] = voorvoegsel
        if rnd.random() < 0.6:
            person["telefoonnummer"] = "06" + "".join(rnd.choices("0123456789", k=8))
        people.append(person)
    return people


def _registries(engine, today: date) -> None:
    """A running debt-help track, one closed three months ago, and an objection (added, never replaced)."""
    with engine.uow() as uow:
        uow.session.add_all([
            SchuldhulpRegistratie(bsn="999990147", hulpverlener="schuldhulp.west", startdatum=today - timedelta(400)),
            SchuldhulpRegistratie(bsn="999990299", hulpverlener="schuldhulp.noord",
                                  startdatum=today - timedelta(700), einddatum=today - timedelta(150)),
            Bezwaar(bsn="999990251", datum=today - timedelta(200), toelichting="Demo: bezwaar tegen signalen"),
        ])
        uow.commit()
