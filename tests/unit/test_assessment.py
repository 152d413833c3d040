"""The assessment facts of a signal: every fact, with its edge cases (R3, R5-R11)."""
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from vroegsignalering.assessment import (
    Rules, age_on, assess, debt_help, has_objection, household_key, is_crisis, is_repeat, legal_conditions,
    missing_incasso_steps, months_before, rules_from_settings,
)
from vroegsignalering.brp import FixtureBrp, bsn_valid
from vroegsignalering.brp_lookup import brp_facts
from engine.models import Event
from vroegsignalering.models import Bezwaar, Partner, SchuldhulpRegistratie, Signaal
from vroegsignalering.registries import RegistryImportError, import_bezwaren, import_schuldhulp
from vroegsignalering.services.intake import import_registry
from vroegsignalering.names import fold, is_entrepreneur, is_legal_entity, surname_key

ALL_STEPS = {"herinnering_verstuurd": True, "persoonlijk_contact_gezocht": True, "gewezen_op_schuldhulp": True,
             "aangeboden_gegevens_door_te_geven": True}
FACT_KEYS = {"brp", "naam_afwijkend", "verhuisd_binnen_gemeente", "bsn", "shv", "shv_hulpverlener", "bezwaar",
             "uitgesloten", "herhaald", "onterecht", "onterecht_reden", "rechtspersoon", "ondernemer", "woongemeente"}
NOW = datetime(2026, 11, 27, 9, tzinfo=timezone.utc)


def signal(**values) -> Signaal:
    """A transient signal with sensible defaults: Fatima El Amrani, rent arrear of 60 days."""
    base = dict(partner_id=1, externe_referentie="R1", gemeentecode="0363", soort="betalingsachterstand",
                product=None, bedrag=Decimal("450.00"), ontstaansdatum=date(2026, 9, 27),
                signaaldatum=date(2026, 11, 26), crisissignaal=False, warme_overdracht=False,
                sociaal_incasso=dict(ALL_STEPS), bsn=None, voorletters=None, voornamen="Fatima", voorvoegsel=None,
                achternaam="El Amrani", geboortedatum=date(1988, 4, 3), postcode="1094HM", huisnummer=112,
                huisletter=None, huisnummertoevoeging="2", status="Nog niet opgepakt", received_at=NOW)
    base.update(values)
    if "household_key" not in values:
        base["household_key"] = household_key(base)
    return Signaal(**base)


@pytest.fixture(scope="module")
def brp():
    return FixtureBrp()


# --- BSN and household -------------------------------------------------------------------------------------

@pytest.mark.parametrize("bsn, valid", [
    ("999990007", True), ("111222333", True), ("123456782", True),
    ("999990008", False), ("12345678", False), ("1234567890", False), ("12345678a", False),
    ("000000000", False), (None, False), (123456782, False),
])
def test_bsn_eleven_test(bsn, valid):
    assert bsn_valid(bsn) is valid


def test_household_key_normalises_the_address():
    assert household_key({"postcode": "1094 hm", "huisnummer": 112, "huisnummertoevoeging": "2"}) == "1094HM-112-2"
    # a letter given as huisletter or as toevoeging is the same door
    assert household_key({"postcode": "1018GW", "huisnummer": 410, "huisletter": "a"}) == \
        household_key({"postcode": "1018 GW", "huisnummer": "410", "huisnummertoevoeging": "A"}) == "1018GW-410-A"
    assert household_key({"postcode": "1053DM", "huisnummer": 201, "huisletter": "A",
                          "huisnummertoevoeging": "h-1"}) == "1053DM-201-AH1"
    # number 1 with addition 2 is not number 12
    assert household_key({"postcode": "1000AA", "huisnummer": 1, "huisnummertoevoeging": "2"}) != \
        household_key({"postcode": "1000AA", "huisnummer": 12})


def test_household_key_without_address_uses_the_bsn_but_never_shows_it():
    key = household_key({"bsn": "999990007"})
    assert key.startswith("bsn-") and "999990007" not in key and key == household_key({"bsn": "999990007"})
    assert household_key({"postcode": "1094HM"}) is None and household_key({}) is None


def test_crisis_and_age():
    assert is_crisis(signal(crisissignaal=True)) and is_crisis(signal(soort="ontruiming"))
    assert not is_crisis(signal())
    assert age_on(date(2008, 11, 27), date(2026, 11, 26)) == 17
    assert age_on(date(2008, 11, 26), date(2026, 11, 26)) == 18
    assert age_on(None, date(2026, 11, 26)) is None


# --- legal conditions (R3) ---------------------------------------------------------------------------------

def arrear(partner_type, days, **values):
    """The reasons for a signal of 26 November whose arrear is `days` old."""
    return legal_conditions(partner_type, signal(ontstaansdatum=date(2026, 11, 26) - timedelta(days=days), **values),
                            Rules())


@pytest.mark.parametrize("partner_type", ["Huur", "Energie", "Water"])
def test_energy_rent_and_water_arrears_must_be_30_days_old(partner_type):
    assert arrear(partner_type, 30) == []
    assert arrear(partner_type, 365) == []
    assert arrear(partner_type, 29) == ["achterstand jonger dan 30 dagen (29 dagen)"]


@pytest.mark.parametrize("days, ok", [(29, False), (30, True), (64, True), (100, True), (101, False)])
def test_health_insurance_arrears_between_30_and_100_days(days, ok):
    reasons = arrear("Zorg", days)
    assert (reasons == []) is ok
    if not ok:
        assert reasons == [f"achterstand van {days} dagen valt buiten 30 tot en met 100 dagen"]


def test_sociaal_incasso_steps_per_partner_type():
    without_contact = dict(ALL_STEPS, persoonlijk_contact_gezocht=False)
    assert missing_incasso_steps("Huur", without_contact) == ["persoonlijk_contact_gezocht"]
    assert missing_incasso_steps("Zorg", without_contact) == []  # a health insurer need not seek contact
    assert missing_incasso_steps("Zorg", dict(ALL_STEPS, herinnering_verstuurd=False)) == ["herinnering_verstuurd"]
    assert missing_incasso_steps("Water", None) == list(ALL_STEPS)
    assert missing_incasso_steps("Energie", dict(ALL_STEPS, gewezen_op_schuldhulp="ja")) == ["gewezen_op_schuldhulp"]
    assert arrear("Huur", 60, sociaal_incasso=without_contact) == [
        "sociaal incasso niet bevestigd: persoonlijk_contact_gezocht"]


def test_minimum_amount_of_the_municipality():
    rules = Rules(minimum_bedrag=Decimal("50"), minimum_per_type={"Zorg": Decimal("100")})
    assert legal_conditions("Huur", signal(bedrag=Decimal("50.00")), rules) == []
    assert legal_conditions("Huur", signal(bedrag=Decimal("49.99")), rules) == [
        "bedrag € 49,99 onder het drempelbedrag van € 50,00"]
    assert legal_conditions("Zorg", signal(bedrag=Decimal("99.00"), ontstaansdatum=date(2026, 10, 1)), rules)
    assert legal_conditions("Huur", signal(bedrag=None), rules) == []
    assert legal_conditions("Huur", signal(bedrag=Decimal("1.00")), Rules()) == []  # no minimum set


def test_conditions_bind_only_statutory_arrear_signals():
    nothing = dict(sociaal_incasso=None, ontstaansdatum=date(2026, 11, 20))
    assert legal_conditions("DUO", signal(**nothing), Rules()) == []
    assert legal_conditions("Huur", signal(soort="ontruiming", **nothing), Rules()) == []  # a crisis is picked up
    assert legal_conditions("Huur", signal(ontstaansdatum=None), Rules()) == []  # unknown age is not held against it
    assert len(legal_conditions("Huur", signal(**nothing), Rules())) == 2


def test_rules_from_settings():
    class S:
        extra = {"minimum_bedrag": {"*": "25", "Huur": "100.50"}, "herhaling_termijn_dagen": "90"}
    rules = rules_from_settings(S())
    assert (rules.minimum_for("Water"), rules.minimum_for("Huur"), rules.herhaling_dagen) == (
        Decimal("25"), Decimal("100.50"), 90)
    assert rules_from_settings(type("E", (), {"extra": {}})()) == Rules()
    S.extra = {"minimum_bedrag": "Zorg=10, *=20"}
    assert (rules_from_settings(S()).minimum_for("Zorg"), rules_from_settings(S()).minimum_for("Huur")) == (
        Decimal("10"), Decimal("20"))
    S.extra = {"minimum_bedrag": "veel"}
    with pytest.raises(ValueError, match="minimum_bedrag"):
        rules_from_settings(S())


# --- legal entities (R10) ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name, legal", [
    ("Bakkerij Jansen B.V.", True), ("Jansen BV", True), ("Jansen b. v.", True), ("N.V. Nutsbedrijf", True),
    ("Stichting De Regenboog", True), ("Vereniging Oranje Boven", True), ("Coöperatie Zuid U.A.", True),
    ("Jansen Holding", True), ("Onderlinge Waarborgmaatschappij Zorg", True),
    ("Jansen Klussen VOF", False), ("Jansen & De Vries V.O.F.", False), ("Eenmanszaak Mulder", False),
    ("Maatschap Huisartsen Oost", False), ("De Vries C.V.", False), ("Jansen Holding h.o.d.n. Klusbedrijf", False),
    ("Jansen", False), ("Ali B", False), ("Bavinck", False), ("Stichtinga", False),
])
def test_legal_entities_versus_natural_persons_in_business(name, legal):
    assert is_legal_entity(None, None, name) is legal


@pytest.mark.parametrize("name, entrepreneur", [
    ("Jansen Klussen VOF", True), ("Jansen & De Vries V.O.F.", True), ("Eenmanszaak Mulder", True),
    ("Maatschap Huisartsen Oost", True), ("De Vries C.V.", True), ("Jansen Holding h.o.d.n. Klusbedrijf", True),
    ("P. de Groot handelend onder de naam Groot Schilderwerk", True),
    ("Bakkerij Jansen B.V.", False), ("Stichting De Regenboog", False), ("Jansen", False), ("Vofke", False),
])
def test_entrepreneurs_are_natural_persons_in_business(name, entrepreneur):
    assert is_entrepreneur(None, None, name) is entrepreneur


def test_initials_are_not_read_as_a_legal_form():
    assert not assess_entity(voorletters="B.V.", voornamen="Bart Victor", achternaam="Vermeer")


def assess_entity(**values):
    s = signal(**values)
    return is_legal_entity(s.voornamen, s.voorvoegsel, s.achternaam)


# --- names -------------------------------------------------------------------------------------------------

def test_name_folding():
    assert fold("Çelik-Yılmaz") == "celikyilmaz" and fold("Łukasz") == "lukasz" and fold("Nguyễn") == "nguyen"
    assert surname_key(None, "Berg, van der") == surname_key("van der", "Berg") == surname_key(None, "Van Der Berg")
    assert surname_key("van 't", "Hof") == surname_key(None, "van ’t Hof") == "vanthof"


@pytest.mark.parametrize("values", [
    dict(voornamen="Anna", voorvoegsel="van der", achternaam="Berg"),
    dict(voornamen="ANNA MARIA", voorvoegsel=None, achternaam="VAN DER BERG"),
    dict(voornamen=None, voorletters="A.M.", achternaam="Berg, van der"),
    dict(voornamen="Ann", voorvoegsel="Van der", achternaam="berg"),
])
def test_prefix_and_case_variants_match_cleanly(brp, values):
    facts = brp_facts(brp, signal(postcode="1055EB", huisnummer=150, huisnummertoevoeging=None,
                                  geboortedatum=None, **values), "0363")
    assert (facts["brp"], facts["naam_afwijkend"], facts["bsn"]) == ("ingeschreven", False, "999990068")


@pytest.mark.parametrize("values, bsn", [
    (dict(voornamen="Zoe", achternaam="Jansen", postcode="1093BS", huisnummer=45, huisnummertoevoeging="3"),
     "999990081"),
    (dict(voornamen="Mehmet", achternaam="Celik", postcode="1073LN", huisnummer=60, huisnummertoevoeging="1"),
     "999990123"),
    (dict(voornamen="Thi Lan", achternaam="Nguyen", postcode="1091VJ", huisnummer=65, huisnummertoevoeging="3"),
     "999990366"),
    (dict(voornamen="Jose", achternaam="Fernandez-Garcia", postcode="1057DX", huisnummer=14, huisletter="b",
          huisnummertoevoeging=None), "999990329"),
])
def test_accents_and_punctuation_match_cleanly(brp, values, bsn):
    facts = brp_facts(brp, signal(geboortedatum=None, **values), "0363")
    assert (facts["naam_afwijkend"], facts["bsn"]) == (False, bsn)


def test_a_maiden_name_in_use_is_a_mismatch_for_manual_review(brp):
    # Maria Bakker (BRP) uses her husband's name; the partner knows her as Maria de Vries.
    facts = brp_facts(brp, signal(voornamen="Maria", voorvoegsel="de", achternaam="Vries", geboortedatum=None,
                                  postcode="1021JK", huisnummer=90, huisnummertoevoeging=None), "0363")
    assert (facts["brp"], facts["naam_afwijkend"], facts["bsn"]) == ("ingeschreven", True, "999990044")
    facts = brp_facts(brp, signal(voornamen="Ayse", achternaam="Celik", geboortedatum=date(1982, 6, 19),
                                  postcode="1073LN", huisnummer=60, huisnummertoevoeging="1"), "0363")
    assert (facts["naam_afwijkend"], facts["bsn"]) == (True, "999990135")


def test_same_name_at_one_address_is_told_apart_by_birth_date_or_left_to_a_person(brp):
    son = dict(voornamen="Jan", voorvoegsel="de", achternaam="Vries", postcode="1021JK", huisnummer=90,
               huisnummertoevoeging=None)
    facts = brp_facts(brp, signal(geboortedatum=date(1990, 5, 17), **son), "0363")
    assert (facts["naam_afwijkend"], facts["bsn"]) == (False, "999990056")
    facts = brp_facts(brp, signal(geboortedatum=None, **son), "0363")
    assert facts["naam_afwijkend"] is True  # father or son: a person decides


def test_a_wrong_first_name_or_birth_date_is_a_mismatch(brp):
    facts = brp_facts(brp, signal(voornamen="Karima"), "0363")
    assert (facts["naam_afwijkend"], facts["bsn"]) == (True, "999990007")
    facts = brp_facts(brp, signal(geboortedatum=date(1988, 4, 4)), "0363")
    assert facts["naam_afwijkend"] is True


def test_bsn_from_the_partner_is_checked_against_the_brp(brp):
    facts = brp_facts(brp, signal(bsn="999990007"), "0363")
    assert (facts["brp"], facts["naam_afwijkend"], facts["bsn"]) == ("ingeschreven", False, "999990007")
    facts = brp_facts(brp, signal(bsn="999990019"), "0363")  # Youssef's BSN on Fatima's signal
    assert (facts["naam_afwijkend"], facts["bsn"]) == (True, "999990019")


# --- BRP registration (R6) ---------------------------------------------------------------------------------

def test_deceased(brp):
    facts = brp_facts(brp, signal(voornamen="Hendrik", achternaam="Visser", geboortedatum=date(1941, 5, 5),
                                  postcode="1094LA", huisnummer=480, huisnummertoevoeging=None), "0363")
    assert (facts["brp"], facts["bsn"]) == ("overleden", "999990172")


def test_moved_out_of_the_municipality(brp):
    # Lucas Meijer moved to Utrecht; the partner still has his Amsterdam address.
    old = dict(voornamen="Lucas", achternaam="Meijer", geboortedatum=date(1995, 1, 23), postcode="1053MK",
               huisnummer=44, huisnummertoevoeging="1")
    facts = brp_facts(brp, signal(**old), "0363")
    assert (facts["brp"], facts["verhuisd_binnen_gemeente"], facts["bsn"]) == (
        "niet_ingeschreven", False, "999990226")
    facts = brp_facts(brp, signal(voornamen="Emma", achternaam="Smits", geboortedatum=None, postcode="1181ZM",
                                  huisnummer=8, huisnummertoevoeging="3"), "0363")
    assert facts["brp"] == "niet_ingeschreven"  # a signal for an Amstelveen address


def test_moved_within_the_municipality(brp):
    # Sanne de Boer moved to Czaar Peterstraat; Tom Hendriks lives at her old address now.
    facts = brp_facts(brp, signal(voornamen="Sanne", voorvoegsel="de", achternaam="Boer",
                                  geboortedatum=date(1992, 10, 10), postcode="1072LJ", huisnummer=10,
                                  huisnummertoevoeging="2"), "0363")
    assert (facts["brp"], facts["verhuisd_binnen_gemeente"], facts["naam_afwijkend"], facts["bsn"]) == (
        "ingeschreven", True, False, "999990202")


def test_a_letter_in_the_wrong_field_is_no_move(brp):
    facts = brp_facts(brp, signal(voornamen="Lotte", voorvoegsel="ter", achternaam="Horst",
                                  geboortedatum=date(2003, 11, 29), postcode="1018 gw", huisnummer=410,
                                  huisletter="A", huisnummertoevoeging=None), "0363")
    assert (facts["brp"], facts["verhuisd_binnen_gemeente"], facts["bsn"]) == ("ingeschreven", False, "999990391")


def test_unknown_person(brp):
    facts = brp_facts(brp, signal(voornamen="Piet", achternaam="Puk", geboortedatum=date(1970, 1, 1),
                                  postcode="1011AA", huisnummer=1, huisnummertoevoeging=None), "0363")
    assert facts == {"brp": "onbekend", "naam_afwijkend": False, "verhuisd_binnen_gemeente": False, "bsn": None,
                     "gemeente": None, "woongemeente": None}


class Recording(FixtureBrp):
    """The fixture, keeping every request it was asked."""

    def __init__(self):
        super().__init__()
        self.requests = []

    def personen(self, request):
        self.requests.append(request)
        return super().personen(request)


def test_only_what_the_api_accepts_is_asked(brp):
    # A real BRP answers 400 to parameters outside its patterns; that would fail the whole intake.
    recording = Recording()
    facts = brp_facts(recording, signal(voornamen="Sanne", voorvoegsel="d.", achternaam="Boer", postcode="1072 L",
                                        huisnummer=10, geboortedatum=date(1992, 10, 10)), "0363")
    assert [r["type"] for r in recording.requests] == ["ZoekMetGeslachtsnaamEnGeboortedatum",
                                                        "RaadpleegMetBurgerservicenummer"]
    assert "voorvoegsel" not in recording.requests[0]
    # 'd. Boer' is not cleanly 'de Boer': found, for a person to check; no usable address to compare with
    assert (facts["bsn"], facts["naam_afwijkend"], facts["verhuisd_binnen_gemeente"]) == ("999990202", True, False)


# --- registers and repeats (need a database) ---------------------------------------------------------------

def test_months_before_clamps_to_the_month_end():
    assert months_before(date(2026, 8, 31), 6) == date(2026, 2, 28)
    assert months_before(date(2026, 11, 26), 6) == date(2026, 5, 26)
    assert months_before(date(2026, 3, 31), 13) == date(2025, 2, 28)


@pytest.mark.parametrize("einddatum, expected", [
    (None, ("lopend", "j.devries")),
    (date(2026, 12, 31), ("lopend", "j.devries")),  # the end decision comes after the signal
    (date(2026, 11, 26), ("lopend", "j.devries")),
    (date(2026, 5, 27), ("recent_afgesloten", "j.devries")),  # less than 6 months before the signal
    (date(2026, 5, 26), ("geen", None)),  # exactly 6 months
    (date(2025, 1, 1), ("geen", None)),
])
def test_debt_help_register(engine, einddatum, expected):
    with engine.uow() as uow:
        uow.session.add(SchuldhulpRegistratie(bsn="999990007", hulpverlener="j.devries",
                                              startdatum=date(2024, 1, 1), einddatum=einddatum))
        uow.session.flush()
        assert debt_help(uow.session, "999990007", date(2026, 11, 26)) == expected
        assert debt_help(uow.session, "999990019", date(2026, 11, 26)) == ("geen", None)
        assert debt_help(uow.session, None, date(2026, 11, 26)) == ("geen", None)


def test_running_track_wins_over_a_closed_one(engine):
    with engine.uow() as uow:
        uow.session.add_all([
            SchuldhulpRegistratie(bsn="999990007", hulpverlener="oud", startdatum=date(2025, 1, 1),
                                  einddatum=date(2026, 10, 1)),
            SchuldhulpRegistratie(bsn="999990007", hulpverlener="nieuw", startdatum=date(2026, 10, 2))])
        uow.session.flush()
        assert debt_help(uow.session, "999990007", date(2026, 11, 26)) == ("lopend", "nieuw")


def test_objection_on_file(engine):
    with engine.uow() as uow:
        uow.session.add(Bezwaar(bsn="999990007", datum=date(2026, 1, 1)))
        uow.session.flush()
        assert has_objection(uow.session, "999990007")
        assert not has_objection(uow.session, "999990019") and not has_objection(uow.session, None)


@pytest.fixture
def earlier(engine):
    """A session with two partners and earlier, picked-up signals of 450.00 for the household: rent from
    partner 1 and gas from partner 2. Yields (session, the rent signal)."""
    with engine.uow() as uow:
        s = uow.session
        s.add_all([Partner(id=1, naam="Woonstad", type="Huur", created_at=NOW),
                   Partner(id=2, naam="Stroomnet", type="Energie", created_at=NOW)])
        s.flush()
        rent = signal(externe_referentie="EERDER-HUUR", signaaldatum=date(2026, 9, 1))
        s.add_all([signal(externe_referentie="EERDER-GAS", signaaldatum=date(2026, 9, 1), product="gas",
                          partner_id=2), rent])
        s.flush()
        yield s, rent


@pytest.mark.parametrize("values, repeat", [
    ({}, True),
    ({"bedrag": Decimal("449.99")}, True),
    ({"bedrag": Decimal("450.01")}, False),  # the arrear grew: picked up
    ({"bedrag": None}, False),
    ({"partner_id": 2}, False),  # another partner (and another arrear)
    ({"postcode": "1094HN"}, False),  # another household
    ({"postcode": "1094HN", "bsn": "999990007", "ref_bsn": True}, True),  # same person elsewhere
    ({"soort": "ontruiming"}, False),
    ({"signaaldatum": date(2027, 3, 1)}, False),  # beyond the 180-day window
])
def test_repeat_signal(earlier, values, repeat):
    s, rent = earlier
    if values.pop("ref_bsn", False):
        rent.bsn = "999990007"
    new = signal(externe_referentie="NIEUW", **values)
    s.add(new)
    s.flush()
    assert is_repeat(s, new, 180) is repeat


def test_repeat_needs_the_same_product_and_a_picked_up_signal(earlier):
    s, rent = earlier
    gas = signal(externe_referentie="GAS", partner_id=2, product="gas")
    elektra = signal(externe_referentie="ELEKTRA", partner_id=2, product="elektra")
    s.add_all([gas, elektra])
    s.flush()
    assert is_repeat(s, gas, 180) and not is_repeat(s, elektra, 180)
    rent.status = "Niet opgepakt: onterecht signaal"
    again = signal(externe_referentie="OPNIEUW")
    s.add(again)
    s.flush()
    assert not is_repeat(s, again, 180)


def test_assess_returns_exactly_the_contract_keys(engine, brp):
    with engine.uow() as uow:
        uow.session.add(Partner(id=1, naam="Woonstad", type="Huur", created_at=NOW))
        uow.session.add(Bezwaar(bsn="999990007", datum=date(2026, 1, 1)))
        new = signal(ontstaansdatum=date(2026, 11, 10), achternaam="El Amrani Holding B.V.")
        uow.session.add(new)
        uow.session.flush()
        facts = assess(uow.session, brp, new, "Huur", Rules())
    assert set(facts) == FACT_KEYS | {"gemeente"}  # and where it goes (R37), which intake takes out
    assert facts["gemeente"] == "0363"
    assert facts["bezwaar"] and facts["rechtspersoon"] and facts["onterecht"]
    assert facts["onterecht_reden"] == "achterstand jonger dan 30 dagen (16 dagen)"
    assert (facts["shv"], facts["shv_hulpverlener"], facts["herhaald"]) == ("geen", None, False)


# --- the registers, as imported (replace all, all or nothing) ----------------------------------------------

def test_debt_help_import_replaces_the_register(engine):
    with engine.uow() as uow:
        uow.session.add(SchuldhulpRegistratie(bsn="999990019", hulpverlener="oud", startdatum=date(2020, 1, 1)))
        uow.session.flush()
        assert import_schuldhulp(uow.session, [
            {"bsn": "999990007", "hulpverlener": " j.devries ", "startdatum": "2026-01-05"},
            {"bsn": 999990020, "hulpverlener": "p.bakker", "startdatum": date(2025, 3, 1),
             "einddatum": datetime(2026, 8, 1, 12)},
        ]) == 2
        rows = uow.session.scalars(select(SchuldhulpRegistratie).order_by(SchuldhulpRegistratie.bsn)).all()
        assert [(r.bsn, r.hulpverlener, r.startdatum, r.einddatum) for r in rows] == [
            ("999990007", "j.devries", date(2026, 1, 5), None),
            ("999990020", "p.bakker", date(2025, 3, 1), date(2026, 8, 1))]


def test_a_bad_row_names_each_problem_and_imports_nothing(engine):
    with engine.uow() as uow:
        uow.session.add(Bezwaar(bsn="999990007", datum=date(2026, 1, 1)))
        uow.session.flush()
        with pytest.raises(RegistryImportError) as failed:
            import_schuldhulp(uow.session, [
                {"bsn": "999990007", "hulpverlener": "j.devries", "startdatum": "2026-01-05"},
                {"bsn": "123456789", "hulpverlener": "", "startdatum": "5-1-2026", "iban": "NL00"},
                {"bsn": "999990019", "hulpverlener": "x", "startdatum": "2026-02-01", "einddatum": "2026-01-01"},
                "geen rij",
            ])
        assert [str(e) for e in failed.value.errors] == [
            "rij 2: iban: onbekend veld",
            "rij 2: bsn: geen geldig burgerservicenummer (9 cijfers, 11-proef)",
            "rij 2: hulpverlener: verplicht",
            "rij 2: startdatum: geen datum (JJJJ-MM-DD): '5-1-2026'",
            "rij 3: einddatum: ligt voor de startdatum",
            "rij 4: -: rij is geen object met velden",
            "rij 4: bsn: verplicht", "rij 4: hulpverlener: verplicht", "rij 4: startdatum: verplicht"]
        assert uow.session.scalar(select(func.count()).select_from(SchuldhulpRegistratie)) == 0
        with pytest.raises(RegistryImportError, match="rij 1: datum: verplicht"):
            import_bezwaren(uow.session, [{"bsn": "999990019"}])
        assert has_objection(uow.session, "999990007")  # the old register stands


def test_objection_import_through_the_engine_is_recorded(engine):
    assert import_registry(engine, "bezwaren", [{"bsn": "999990007", "datum": "2026-06-01",
                                                  "toelichting": "wil geen contact"}], actor="beheerder") == 1
    assert import_registry(engine, "bezwaren", [], actor="beheerder") == 0
    with engine.uow() as uow:
        assert not has_objection(uow.session, "999990007")
        kinds = uow.session.scalars(select(Event.data).where(Event.kind == "register_geimporteerd")
                                    .order_by(Event.id)).all()
        assert kinds == [{"register": "bezwaren", "rijen": 1}, {"register": "bezwaren", "rijen": 0}]
    with pytest.raises(ValueError):
        import_registry(engine, "onbekend", [], actor="beheerder")
