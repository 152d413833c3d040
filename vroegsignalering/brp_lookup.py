"""Finding a signal's client in the BRP and what the BRP says about them (R5, R6).

The search, in order: the BSN the partner gave (if any); the people registered at the signal's address (deceased
included); the surname with the date of birth (someone who moved). Each search yields BSNs; one
RaadpleegMetBurgerservicenummer then fetches what the facts need for all of them."""
from __future__ import annotations

import re
from collections.abc import Collection

from .brp import RAADPLEEG_BSN, ZOEK_ADRES, ZOEK_NAAM, address_of, is_deceased
from .household import household_key
from .names import CLEAN, LOOSE, birth_date, given_names_agree, match, split_surname

PERSON_FIELDS = ["burgerservicenummer", "naam", "geboorte", "overlijden", "verblijfplaats",
                 "gemeenteVanInschrijving", "partners.naam"]
MAX_BSNS = 20  # the API's limit per RaadpleegMetBurgerservicenummer
# Suspended records (opschorting bijhouding) other than by death: emigrated (E), moved to the RNI (R),
# ministerial decision (M), error (F): no resident of any municipality.
_GONE = {"E", "R", "M", "F"}
# The API's own patterns for search parameters (Postcode, GeslachtsnaamFilter, VoorvoegselFilter).
_POSTCODE = re.compile(r"[1-9][0-9]{3} ?[A-Za-z]{2}")
_NAME = re.compile(r"[a-zA-Z0-9\u00C0-\u017E .\-']{1,200}")
_PREFIX = re.compile(r"[a-zA-Z ']{1,10}")


def brp_facts(brp, client, gemeenten: str | Collection[str]) -> dict:
    """brp, naam_afwijkend, verhuisd_binnen_gemeente, bsn, gemeente and woongemeente for a signal's client (any object
    with the Signal column names as attributes). `gemeenten`: the installation's municipality codes (R37): registered
    in one of them is `ingeschreven`, and `gemeente` is that municipality (None otherwise), where the signal goes.
    `woongemeente`: the municipality outside the installation the client is registered in (None otherwise), where
    the signal is forwarded (doorsturen.py)."""
    person, unsure = find_person(brp, client)
    if person is None:
        return {"brp": "onbekend", "naam_afwijkend": False, "verhuisd_binnen_gemeente": False, "bsn": None,
                "gemeente": None, "woongemeente": None}
    status = registration(person, gemeenten)
    signal_address = _address_key(_client_address(client)) if _searchable_address(client) else None
    moved = status == "ingeschreven" and signal_address is not None and \
        _address_key(address_of(person)) != signal_address
    registered = (person.get("gemeenteVanInschrijving") or {}).get("code")
    here = registered if status == "ingeschreven" else None
    elsewhere = registered if status == "niet_ingeschreven" and not _gone(person) else None
    return {"brp": status, "naam_afwijkend": unsure, "verhuisd_binnen_gemeente": moved,
            "bsn": person.get("burgerservicenummer"), "gemeente": here, "woongemeente": elsewhere}


def _gone(person: dict) -> bool:
    """Emigrated, in the RNI or otherwise no resident of any municipality."""
    return ((person.get("opschortingBijhouding") or {}).get("reden") or {}).get("code") in _GONE


def registration(person: dict, gemeenten: str | Collection[str]) -> str:
    """'overleden', 'niet_ingeschreven' (a municipality outside the installation, abroad, RNI) or 'ingeschreven'
    (in one of `gemeenten`)."""
    if isinstance(gemeenten, str):
        gemeenten = (gemeenten,)
    if is_deceased(person):
        return "overleden"
    suspended = ((person.get("opschortingBijhouding") or {}).get("reden") or {}).get("code")
    municipality = (person.get("gemeenteVanInschrijving") or {}).get("code")
    if suspended in _GONE or municipality not in gemeenten:
        return "niet_ingeschreven"
    return "ingeschreven"


def find_person(brp, client) -> tuple[dict | None, bool]:
    """(the BRP person, whether the match is unsure). Unsure: a name or date of birth differs, or two people
    at the address answer to the name; a person then checks it."""
    if client.bsn:
        people = _persons(brp, [client.bsn])
        if people:
            return people[0], match(client, people[0]) != CLEAN
    if _searchable_address(client):
        found = _choose(client, _persons(brp, _at_address(brp, client)))
        if found[0] is not None:
            return found
    if client.geboortedatum and _NAME.fullmatch(split_surname(client.voorvoegsel, client.achternaam)[1]):
        return _choose(client, _persons(brp, _by_name(brp, client)))
    return None, False


def _choose(client, people: list[dict]) -> tuple[dict | None, bool]:
    ranked = [(match(client, p), p) for p in people]
    clean = [p for how, p in ranked if how == CLEAN]
    if clean:
        return clean[0], len(clean) > 1  # two clean matches: same names, no birth date to tell them apart
    loose = [p for how, p in ranked if how == LOOSE]
    # Best hint first: the same date of birth, then the same given names (Maria de Vries is Maria Bakker,
    # married to Jan de Vries, rather than Jan himself).
    loose.sort(key=lambda p: (birth_date(p) != client.geboortedatum, not _given_names_agree(client, p)))
    return (loose[0], True) if loose else (None, False)


def _given_names_agree(client, person: dict) -> bool:
    return given_names_agree(client.voornamen, client.voorletters, (person.get("naam") or {}).get("voornamen"))


def _persons(brp, bsns: list[str]) -> list[dict]:
    if not bsns:
        return []
    answer = brp.personen({"type": RAADPLEEG_BSN, "burgerservicenummer": bsns[:MAX_BSNS],
                           "fields": PERSON_FIELDS})
    order = {bsn: index for index, bsn in enumerate(bsns)}
    return sorted(answer["personen"], key=lambda p: order.get(p.get("burgerservicenummer"), len(order)))


def _searchable_address(client) -> bool:
    # Ask only what the API accepts (its patterns): a 400 would fail the whole intake.
    return bool(_POSTCODE.fullmatch(client.postcode or "")) and 1 <= int(client.huisnummer or 0) <= 99999


def _at_address(brp, client) -> list[str]:
    request = {"type": ZOEK_ADRES, "postcode": client.postcode, "huisnummer": int(client.huisnummer),
               "inclusiefOverledenPersonen": True, "fields": ["burgerservicenummer"]}
    # Huisletter and toevoeging narrow the search only when given: partners mix them up, so leave them out
    # and let the names decide among everyone at the number.
    return _bsns(brp.personen(request))


def _by_name(brp, client) -> list[str]:
    prefix, surname = split_surname(client.voorvoegsel, client.achternaam)
    request = {"type": ZOEK_NAAM, "geslachtsnaam": surname, "geboortedatum": client.geboortedatum.isoformat(),
               "inclusiefOverledenPersonen": True, "fields": ["burgerservicenummer"]}
    if _PREFIX.fullmatch(prefix):
        request["voorvoegsel"] = prefix
    return _bsns(brp.personen(request))


def _bsns(answer: dict) -> list[str]:
    return [p["burgerservicenummer"] for p in answer.get("personen", []) if p.get("burgerservicenummer")]


def _client_address(client) -> dict:
    return {"postcode": client.postcode, "huisnummer": client.huisnummer, "huisletter": client.huisletter,
            "huisnummertoevoeging": client.huisnummertoevoeging}


def _address_key(address: dict) -> str | None:
    return household_key({k: address.get(k) for k in ("postcode", "huisnummer", "huisletter",
                                                       "huisnummertoevoeging")})
