"""R16, R20, R21 over every end of the diagram: per path, one household for each of the eleven partner types as the
first signal, with signals of other partners joining before and after help is accepted. Each signal comes in through
the partner API and every code is read back through `GET /api/v1/terugmeldingen` of its own partner; the exact set
of codes per signal is compared with what the law allows (`expected`), not with what the diagram happens to throw.

The people are made for the test: a BRP fixture written per test holds each household (a resident here, one who
lives elsewhere, one who died with a partner still at the address), so every assessment fact comes from the real
intake. Registers (objection, debt help) are filled through the same service the CLI uses."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select

from vroegsignalering.settings import load_settings
from engine.models import Case, UserTask
from engine.service import Engine
from vroegsignalering.bootstrap import build_engine
from vroegsignalering.services import intake as vroegsignalering
from vroegsignalering.models import PARTNER_TYPES, Signaal, Vroegsignaalzaak
from tests.conftest import DATA, FAST_HASHER, local
from tests.support.signals import add_partner
from webapp import create_app
from webapp.api import API_PREFIX

HEW = ("Huur", "Energie", "Water")  # objection: these three hear it (R9)
STATUTORY = ("Huur", "Energie", "Water", "Zorg")  # the legal conditions bind these four (R3)
HELP = "hulp-geaccepteerd"
INCASSO = {"herinneringVerstuurd": True, "persoonlijkContactGezocht": True, "gewezenOpSchuldhulp": True,
           "aangebodenGegevensDoorTeGeven": True}
ATTEMPT = {"kanaal": "Telefoon", "datum": "2026-11-30", "dagdeel": "Middag"}
CONVERSATION = {"bedreigende_situatie": False, "achterstanden": "Twee maanden", "zelfredzaamheid": "beperkt"}
PLAN = {"analyse": "Achterstand na inkomensdaling", "afspraken": "Toeslag aanvragen"}


# --- the households -----------------------------------------------------------------------------------------------

def bsn(number: int) -> str:
    """A BSN in the 9999xxxxx test range that passes the 11-proef."""
    for last in range(10):
        digits = f"9999{number:04d}{last}"
        if sum(int(d) * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2, -1))) % 11 == 0:
            return digits
    return bsn(number + 5000)  # no check digit fits this number: take another one


@dataclass
class Household:
    number: int
    first: str  # partner type of the first signal
    kind: str = "ingeschreven"  # 'ingeschreven', 'elders' (lives in another municipality), 'overleden'

    @property
    def bsn(self) -> str:
        return bsn(self.number)

    def client(self, **changes) -> dict:
        person = {"voornamen": "Sanne", "voorletters": "S.", "achternaam": f"Proef{self.number}",
                  "geboortedatum": "1984-03-0" + str(1 + self.number % 9), "straatnaam": "Proefstraat",
                  "huisnummer": self.number, "postcode": "1011AB", "plaatsnaam": "Amsterdam"}
        return {**person, **changes}

    def brp(self) -> list[dict]:
        """The household in the Haal Centraal shape: the person, and a living partner where the person died."""
        main = _brp_person(self.bsn, self.client(), "0344" if self.kind == "elders" else "0363",
                           died=self.kind == "overleden")
        partner = _brp_person(bsn(self.number + 3000), self.client(voornamen="Tom", voorletters="T.",
                                                                   geboortedatum="1980-07-07"), "0363")
        return [main, partner]


def _brp_person(number: str, client: dict, gemeente: str, died: bool = False) -> dict:
    person = {"burgerservicenummer": number,
              "naam": {"voornamen": client["voornamen"], "geslachtsnaam": client["achternaam"],
                       "voorletters": client["voorletters"]},
              "geboorte": {"datum": {"type": "Datum", "datum": client["geboortedatum"]}},
              "gemeenteVanInschrijving": {"code": gemeente, "omschrijving": "Amsterdam" if gemeente == "0363"
                                          else "Utrecht"},
              "verblijfplaats": {"type": "Adres", "verblijfadres": {
                  "officieleStraatnaam": client["straatnaam"], "huisnummer": client["huisnummer"],
                  "postcode": client["postcode"], "woonplaats": "Amsterdam"}}}
    if died:
        person["overlijden"] = {"datum": {"type": "Datum", "datum": "2026-10-01"}}
    return person


# --- the world: engine, web app, partners -------------------------------------------------------------------------

@dataclass
class World:
    path: int  # index in PATHS
    engine: Engine
    web: object
    partners: dict  # partner type -> Authorization header
    clock: object
    refs: dict = field(default_factory=dict)  # externe referentie -> (partner type, what the law allows)

    def deliver(self, kind: str, ref: str, household: Household, allowed: set, **changes) -> int:
        body = signal_body(kind, ref, household, **changes)
        response = self.web.post(f"{API_PREFIX}/signalen", json=body, headers=self.partners[kind])
        assert response.status_code == 201, response.get_data(as_text=True)
        self.refs[ref] = (kind, set(allowed))
        return response.get_json()["id"]

    def case_of(self, signal_id: int) -> int:
        with self.engine.uow() as uow:
            return uow.session.get(Signaal, signal_id).case_id

    def do(self, case_id: int, element: str, **data) -> None:
        with self.engine.uow() as uow:
            task_id = uow.session.scalars(select(UserTask.task_id).where(
                UserTask.case_id == case_id, UserTask.status == "open", UserTask.element_id == element)).first()
        assert task_id is not None, f"case {case_id} has no open {element}"
        self.engine.complete_task(task_id, data, actor="anna")

    def closed(self, case_id: int) -> bool:
        with self.engine.uow() as uow:
            return uow.session.get(Case, case_id).status == "completed"

    def received(self) -> dict[str, set]:
        """What each signal's partner can read: externe referentie -> the codes sent about it."""
        codes: dict[str, set] = {}
        for headers in self.partners.values():
            cursor = None
            while True:
                query = {"sinds": cursor} if cursor else {}
                page = self.web.get(f"{API_PREFIX}/terugmeldingen", query_string=query, headers=headers).get_json()
                for item in page["results"]:
                    codes.setdefault(item["externeReferentie"], set()).add(item["code"])
                if not page["meer"]:
                    break
                cursor = page["volgende"]
        return codes


def signal_body(kind: str, ref: str, household: Household, **changes) -> dict:
    client = household.client(**changes.pop("client", {}))
    body = {"externeReferentie": ref, "soort": "betalingsachterstand", "bedrag": "400.00",
            "ontstaansdatum": "2026-09-15", "signaaldatum": "2026-11-20", "client": client}
    if kind == "Energie":
        body["product"] = "gas"
    if kind in STATUTORY:
        body["sociaalIncasso"] = dict(INCASSO)
    body.update(changes)
    return body


HOUSEHOLDS_PER_TEST = len(PARTNER_TYPES)


def households(path_index: int) -> list[Household]:
    kinds = {"geen_inwoner": "elders", "overleden": "overleden"}
    name = PATHS[path_index][0]
    return [Household(100 + path_index * 20 + i, kind, kinds.get(name, "ingeschreven"))
            for i, kind in enumerate(PARTNER_TYPES)]


@pytest.fixture
def world(request, database_url, tmp_path, clock, _shipped):
    index = request.param
    fixture = tmp_path / "brp.json"
    fixture.write_text(json.dumps([p for h in households(index) for p in h.brp()]), encoding="utf-8")
    settings = load_settings({
        "database_url": database_url, "instance_path": tmp_path / "instance", "gemeentecode": "0363",
        "processes_path": DATA / "basis", "forms_path": DATA / "basis" / "forms", "testing": True,
        "extra": {"brp_fixture": str(fixture)}}, environ={})
    engine = build_engine(settings, clock, password_hasher=FAST_HASHER)  # the shipped process is deployed already
    web = create_app(engine=engine).test_client()
    partners = {kind: add_partner(engine, f"Partner {kind}", kind) for kind in PARTNER_TYPES}
    yield World(index, engine, web, partners, clock)
    engine.db.dispose()


def other(kind: str, step: int = 1) -> str:
    return PARTNER_TYPES[(PARTNER_TYPES.index(kind) + step) % len(PARTNER_TYPES)]


# --- the paths: one per end of the diagram -------------------------------------------------------------------------
# Each path delivers the household's signals (saying what the law allows each one to hear) and works the case to its
# end. `allowed` is written from the law: a code only while the signal is part of the help the household gets.

def reach(w, case_id, **conversation):
    w.do(case_id, "contactpoging", **ATTEMPT, bereikt=True)
    w.do(case_id, "eerste_gesprek", **{"uitkomst": "hulp", **CONVERSATION, **conversation})


def helped(w, h, first_allowed=frozenset({HELP}), joiner_kind=None, **conversation):
    """First signal and a joining one, help accepted; returns the case. A joiner from an objecting household's
    landlord, energy or water company hears only the objection."""
    first = w.deliver(h.first, f"{h.number}-1", h, first_allowed)
    case_id = w.case_of(first)
    joiner = joiner_kind or other(h.first)
    w.deliver(joiner, f"{h.number}-2", h, {HELP})
    reach(w, case_id, **conversation)
    return case_id


def path_rechtspersoon(w, h):
    case_id = w.case_of(w.deliver(h.first, f"{h.number}-1", h, {"niet-opgepakt"},
                                  client={"achternaam": f"Proefbedrijf {h.number} B.V.", "voornamen": None,
                                          "voorletters": None, "geboortedatum": None}))
    return case_id, "Niet opgepakt: andere reden"


def path_bezwaar(w, h):
    vroegsignalering.import_registry(w.engine, "bezwaren", [{"bsn": h.bsn, "datum": "2026-06-01"}], actor="test")
    if h.first in HEW:
        case_id = w.case_of(w.deliver(h.first, f"{h.number}-1", h, {"bezwaar-inwoner"}))
        return case_id, "Niet opgepakt: andere reden"
    case_id = w.case_of(w.deliver(h.first, f"{h.number}-1", h, {HELP}))
    w.deliver("Huur", f"{h.number}-2", h, {"bezwaar-inwoner"})
    reach(w, case_id)
    w.deliver("Water", f"{h.number}-3", h, {"bezwaar-inwoner"})  # after help: still only the objection
    w.deliver(next(k for k in PARTNER_TYPES if k not in HEW and k != h.first), f"{h.number}-4", h, {HELP})
    w.do(case_id, "plan_van_aanpak", **PLAN, aanpak="quick_fix")
    w.do(case_id, "quick_fix", quick_fix_resultaat="gelukt", acties=["budgetadvies"])
    return case_id, "(Budget)advies en/of quick fix"


def path_onterecht(w, h):
    young = {"ontstaansdatum": "2026-11-10"}  # ten days before the signal
    if h.first in STATUTORY:
        return w.case_of(w.deliver(h.first, f"{h.number}-1", h, {"onterecht-signaal"}, **young)), \
            "Niet opgepakt: onterecht signaal"
    case_id = w.case_of(w.deliver(h.first, f"{h.number}-1", h, set(), **young))
    w.do(case_id, "contactpoging", **ATTEMPT, bereikt=False, vervolg="stoppen")
    return case_id, "Definitief geen contact kunnen krijgen"


def path_herhaald_erbij(w, h):
    case_id = w.case_of(w.deliver(h.first, f"{h.number}-1", h, {HELP}))
    w.deliver(h.first, f"{h.number}-2", h, {"herhaalde-melding"}, signaaldatum="2026-11-25", bedrag="350.00")
    reach(w, case_id)
    w.do(case_id, "plan_van_aanpak", **PLAN, aanpak="overdracht")
    w.do(case_id, "warme_overdracht", vervolghulp="budgetcoaching", overgenomen_door="Budgetcoach")
    return case_id, "Vervolghulp en/of verwijzing financieel"


def path_herhaald_eerste(w, h):
    earlier = w.case_of(w.deliver(h.first, f"{h.number}-1", h, set()))
    w.do(earlier, "contactpoging", **ATTEMPT, bereikt=True)
    w.do(earlier, "eerste_gesprek", uitkomst="geen_hulp")
    assert w.closed(earlier)
    case_id = w.case_of(w.deliver(h.first, f"{h.number}-2", h, {"herhaalde-melding"}, signaaldatum="2026-11-26"))
    return case_id, "Niet opgepakt: herhaalde melding"


def path_geen_inwoner(w, h):
    case_id = w.case_of(w.deliver(h.first, f"{h.number}-1", h, {"geen-inwoner"}))
    w.do(case_id, "doorsturen_gemeente", gemeente="Utrecht")
    return case_id, "Persoon is geen inwoner (meer) in de gemeente"


def path_andere_persoon(w, h):
    case_id = w.case_of(w.deliver(h.first, f"{h.number}-1", h, {"niet-opgepakt"},
                                  client={"achternaam": f"Anders{h.number}", "voornamen": "Bea",
                                          "voorletters": "B."}))
    w.do(case_id, "brp_controle", zelfde_persoon=False, toelichting="Niet dezelfde persoon")
    return case_id, "Niet opgepakt: andere reden"


def path_overleden(w, h):
    case_id = w.case_of(w.deliver(h.first, f"{h.number}-1", h, {"overleden", HELP}))
    partner = {"voornamen": "Tom", "voorletters": "T.", "geboortedatum": "1980-07-07"}
    w.deliver(other(h.first), f"{h.number}-2", h, {HELP}, client=partner)
    reach(w, case_id)
    w.do(case_id, "plan_van_aanpak", **PLAN, aanpak="quick_fix")
    w.do(case_id, "quick_fix", quick_fix_resultaat="gelukt", acties=["informatie_advies"])
    return case_id, "Inwoner is overleden"


def path_shv_lopend(w, h):
    vroegsignalering.import_registry(w.engine, "schuldhulp", [
        {"bsn": h.bsn, "hulpverlener": "k.visser", "startdatum": "2026-01-01", "einddatum": ""}], actor="test")
    case_id = w.case_of(w.deliver(h.first, f"{h.number}-1", h, {"bekend-bij-schuldhulpverlening"}))
    w.do(case_id, "overdragen_shv", contact_inwoner=True, contact_partner=True)
    return case_id, "Inwoner al bekend bij schuldhulpverlening"


def path_shv_recent(w, h, consent: bool):
    vroegsignalering.import_registry(w.engine, "schuldhulp", [
        {"bsn": h.bsn, "hulpverlener": "p.bakker", "startdatum": "2025-01-01", "einddatum": "2026-09-01"}],
        actor="test")
    allowed = {HELP} if consent else set()
    case_id = w.case_of(w.deliver(h.first, f"{h.number}-1", h, allowed))
    w.deliver(other(h.first), f"{h.number}-2", h, allowed)  # the same resident: the same debt-help history
    reach(w, case_id, toestemming_terugmelding=consent)
    w.deliver(other(h.first, 2), f"{h.number}-3", h, allowed)  # joins after help: at once, if consent was given
    w.do(case_id, "plan_van_aanpak", **PLAN, aanpak="overdracht")
    w.do(case_id, "warme_overdracht", vervolghulp="maatschappelijk_werk", overgenomen_door="Wijkteam")
    return case_id, "Vervolghulp en/of verwijzing niet financieel"


def quiet(w, h):
    """First signal and a joining one that will hear nothing: the resident is not reached or refuses help."""
    case_id = w.case_of(w.deliver(h.first, f"{h.number}-1", h, set()))
    w.deliver(other(h.first), f"{h.number}-2", h, set())
    return case_id


def path_geen_contact(w, h):
    case_id = quiet(w, h)
    w.do(case_id, "contactpoging", **ATTEMPT, bereikt=False, vervolg="opnieuw")
    w.do(case_id, "contactpoging", **ATTEMPT, bereikt=False, vervolg="stoppen")
    return case_id, "Definitief geen contact kunnen krijgen"


def path_geen_reactie_na_gesprek(w, h):
    case_id = quiet(w, h)
    w.do(case_id, "contactpoging", **ATTEMPT, bereikt=True)
    w.do(case_id, "eerste_gesprek", uitkomst="geen_reactie")
    w.do(case_id, "contactpoging", **ATTEMPT, bereikt=False, vervolg="stoppen")
    return case_id, "Geen reactie na eerder contact"


def path_geen_reactie_na_hulp(w, h):
    case_id = helped(w, h)
    w.do(case_id, "plan_van_aanpak", aanpak="afgehaakt")
    w.do(case_id, "contact_herstellen", **ATTEMPT, bereikt=False, vervolg="stoppen")
    return case_id, "Geen reactie na eerder contact"


def path_verwijzing(w, h):
    case_id = quiet(w, h)
    w.do(case_id, "contactpoging", **ATTEMPT, bereikt=False, vervolg="verwijzen", verwezen_naar="Bemoeizorg")
    return case_id, "Verwijzing zonder tussenkomst inwoner"


def path_ander_traject_zonder_contact(w, h):
    case_id = quiet(w, h)
    w.do(case_id, "contactpoging", **ATTEMPT, bereikt=False, vervolg="ander_traject", overgenomen_door="Stadsbank")
    return case_id, "Inwoner heeft al een ander lopend traject"


def path_niet_oppakken(w, h):
    case_id = w.case_of(w.deliver(h.first, f"{h.number}-1", h, {"niet-opgepakt"}))
    w.deliver(other(h.first), f"{h.number}-2", h, {"niet-opgepakt"})
    w.deliver(h.first, f"{h.number}-3", h, {"herhaalde-melding"}, signaaldatum="2026-11-24", bedrag="300.00")
    w.do(case_id, "contactpoging", **ATTEMPT, bereikt=False, vervolg="niet_oppakken", reden_niet_oppakken="detentie")
    return case_id, "Niet opgepakt: andere reden"


def conversation_without_help(uitkomst: str, result: str):
    def path(w, h):
        case_id = quiet(w, h)
        w.do(case_id, "contactpoging", **ATTEMPT, bereikt=True)
        w.do(case_id, "eerste_gesprek", uitkomst=uitkomst)
        return case_id, result
    return path


def path_quick_fix(w, h):
    case_id = helped(w, h)
    w.deliver(other(h.first, 2), f"{h.number}-3", h, {HELP})  # joins after help was accepted: hears it at once
    w.do(case_id, "plan_van_aanpak", **PLAN, aanpak="quick_fix")
    w.do(case_id, "quick_fix", quick_fix_resultaat="gelukt", acties=["budgetadvies"])
    return case_id, "(Budget)advies en/of quick fix"


def path_opgelost_bij_besluit(w, h):
    w.clock.set(local(2026, 12, 1, 10, 0))
    case_id = helped(w, h)
    w.do(case_id, "plan_van_aanpak", **PLAN, aanpak="quick_fix")
    w.clock.set(local(2026, 12, 27, 9, 0))
    w.engine.fire_due_timers()
    w.do(case_id, "besluit_incassostop", besluit_incassostop="opgelost")
    return case_id, "(Budget)advies en/of quick fix"


def path_overdracht_bij_besluit(w, h):
    w.clock.set(local(2026, 12, 1, 10, 0))
    case_id = helped(w, h)
    w.do(case_id, "plan_van_aanpak", **PLAN, aanpak="quick_fix")
    w.clock.set(local(2026, 12, 27, 9, 0))
    w.engine.fire_due_timers()
    w.do(case_id, "besluit_incassostop", besluit_incassostop="overdracht")
    w.do(case_id, "warme_overdracht", vervolghulp="schuldhulpverlening", overgenomen_door="Schuldhulp")
    return case_id, "Vervolghulp en/of verwijzing financieel"


def path_quick_fix_mislukt(w, h):
    case_id = helped(w, h, bedreigende_situatie=True)
    w.do(case_id, "plan_van_aanpak", **PLAN, aanpak="quick_fix")
    w.do(case_id, "quick_fix", quick_fix_resultaat="niet_gelukt", acties=["betalingsregeling"])
    w.do(case_id, "warme_overdracht", vervolghulp="overig", overgenomen_door="Wijkteam")
    return case_id, "Vervolghulp en/of verwijzing niet financieel"


def path_warme_verwijzing(w, h):
    case_id = w.case_of(w.deliver(h.first, f"{h.number}-1", h, {HELP}, warmeOverdracht=True))
    w.do(case_id, "eerste_gesprek", uitkomst="hulp", **CONVERSATION)
    w.do(case_id, "plan_van_aanpak", **PLAN, aanpak="overdracht")
    w.do(case_id, "warme_overdracht", vervolghulp="administratieve_hulp", overgenomen_door="Thuisadministratie")
    return case_id, "Vervolghulp en/of verwijzing financieel"


PATHS = [
    ("rechtspersoon", path_rechtspersoon), ("bezwaar", path_bezwaar), ("onterecht", path_onterecht),
    ("herhaald_erbij", path_herhaald_erbij), ("herhaald_eerste", path_herhaald_eerste),
    ("geen_inwoner", path_geen_inwoner), ("andere_persoon", path_andere_persoon), ("overleden", path_overleden),
    ("shv_lopend", path_shv_lopend), ("shv_recent_zonder_toestemming", lambda w, h: path_shv_recent(w, h, False)),
    ("shv_recent_met_toestemming", lambda w, h: path_shv_recent(w, h, True)),
    ("geen_contact", path_geen_contact), ("geen_reactie_na_gesprek", path_geen_reactie_na_gesprek),
    ("geen_reactie_na_hulp", path_geen_reactie_na_hulp), ("verwijzing", path_verwijzing),
    ("ander_traject_zonder_contact", path_ander_traject_zonder_contact), ("niet_oppakken", path_niet_oppakken),
    ("geen_hulp", conversation_without_help("geen_hulp",
                                            "Inwoner regelt het zelf/hoeft geen hulp vanuit vroegsignalering")),
    ("al_betaald", conversation_without_help("al_betaald",
                                             "Inwoner heeft zelf al betaald/betalingsregeling getroffen")),
    ("ander_traject", conversation_without_help("ander_traject", "Inwoner heeft al een ander lopend traject")),
    ("quick_fix", path_quick_fix), ("opgelost_bij_besluit", path_opgelost_bij_besluit),
    ("overdracht_bij_besluit", path_overdracht_bij_besluit), ("quick_fix_mislukt", path_quick_fix_mislukt),
    ("warme_verwijzing", path_warme_verwijzing),
]


@pytest.mark.parametrize("world", range(len(PATHS)), ids=[name for name, _ in PATHS], indirect=True)
def test_each_signal_hears_exactly_what_the_law_allows_on_every_path(world):
    name, path = PATHS[world.path]
    for household in households(world.path):
        case_id, result = path(world, household)
        assert world.closed(case_id), f"{name}/{household.first}: the case did not end"
        assert end_result(world, case_id) == result, f"{name}/{household.first}"
    received = world.received()
    assert {kind for kind, _ in world.refs.values()} >= set(PARTNER_TYPES)
    for ref, (kind, allowed) in world.refs.items():
        assert received.get(ref, set()) == allowed, f"{name}: signal {ref} of {kind}"


def end_result(world, case_id):
    with world.engine.uow() as uow:
        return uow.session.get(Vroegsignaalzaak, case_id).eindresultaat
