"""The BRP (population register) behind a small adapter shaped like the Haal Centraal BRP Personen API.

`personen(request)` takes the body of POST /personen and returns its response body, so a municipality can point
`HaalCentraalBrp` at its own BRP API gateway; `FixtureBrp` answers the same questions from a local JSON file (the
default, for tests and demos). Supported query types: RaadpleegMetBurgerservicenummer,
ZoekMetPostcodeEnHuisnummer and ZoekMetGeslachtsnaamEnGeboortedatum (to find someone who moved)."""
from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Protocol

from .settings import brp_url_problem
from engine.errors import EngineError
from engine.inputs import is_ascii_digits
from .names import fold

BUNDLED_FIXTURE = Path(__file__).with_name("brp_fixture.json")
RAADPLEEG_BSN = "RaadpleegMetBurgerservicenummer"
ZOEK_ADRES = "ZoekMetPostcodeEnHuisnummer"
ZOEK_NAAM = "ZoekMetGeslachtsnaamEnGeboortedatum"
# Fields the API always returns when present; they may not be asked for in `fields`.
AUTOMATIC_FIELDS = ("inOnderzoek", "geheimhoudingPersoonsgegevens", "opschortingBijhouding", "rni", "verificatie")
# A search (Zoek*) returns PersoonBeperkt: only these fields, whatever `fields` asks for.
BEPERKT_FIELDS = ("burgerservicenummer", "geboorte", "geslacht", "leeftijd", "naam", "adressering")
_SUSPENDED_BY_DEATH = "O"


class BrpError(EngineError):
    """The BRP could not answer (unreachable, refused the request, or answered nonsense). Nothing was decided:
    a caller should fail the intake (the partner retries) rather than assume the person is unknown."""


class BrpAdapter(Protocol):
    def personen(self, request: dict) -> dict:
        """POST /personen: a PersonenQuery body in, a PersonenQueryResponse body ({type, personen}) out."""
        ...


def bsn_valid(bsn) -> bool:
    """The 11-proef: nine digits d1..d9 with 9*d1 + 8*d2 + ... + 2*d8 - d9 divisible by 11 (and not all zeros)."""
    if not isinstance(bsn, str) or len(bsn) != 9 or not is_ascii_digits(bsn) or bsn == "000000000":
        return False
    total = sum(int(digit) * weight for digit, weight in zip(bsn, (9, 8, 7, 6, 5, 4, 3, 2, -1)))
    return total % 11 == 0


# --- the fixture-backed adapter ----------------------------------------------------------------------------

class FixtureBrp:
    """Answers /personen questions from a JSON list of persons in the Haal Centraal response shape."""

    def __init__(self, path: Path | str = BUNDLED_FIXTURE):
        self.path = Path(path)
        persons = json.loads(self.path.read_text(encoding="utf-8"))
        if not isinstance(persons, list):
            raise BrpError(f"{self.path}: expected a JSON list of persons")
        self.persons = persons

    def personen(self, request: dict) -> dict:
        kind = _check_request(request)
        if kind == RAADPLEEG_BSN:
            found = [p for p in self.persons if p.get("burgerservicenummer") in request["burgerservicenummer"]]
        elif kind == ZOEK_ADRES:
            found = [p for p in self._alive(request) if _at_address(p, request)]
        else:
            found = [p for p in self._alive(request) if _has_name_and_birth(p, request)]
        municipality = request.get("gemeenteVanInschrijving")
        if municipality:
            found = [p for p in found if (p.get("gemeenteVanInschrijving") or {}).get("code") == municipality]
        allowed = None if kind == RAADPLEEG_BSN else BEPERKT_FIELDS
        return {"type": kind, "personen": [_select(p, request["fields"], allowed) for p in found]}

    def _alive(self, request: dict) -> list[dict]:
        # Like the real API: searches leave the deceased out unless asked.
        if request.get("inclusiefOverledenPersonen"):
            return self.persons
        return [p for p in self.persons if not is_deceased(p)]


def _check_request(request) -> str:
    """The query type, or BrpError naming what is missing (the real API answers 400)."""
    if not isinstance(request, dict):
        raise BrpError("BRP request must be an object")
    kind = request.get("type")
    required = {RAADPLEEG_BSN: ("burgerservicenummer",), ZOEK_ADRES: ("postcode", "huisnummer"),
                ZOEK_NAAM: ("geslachtsnaam", "geboortedatum")}
    if kind not in required:
        raise BrpError(f"BRP request type not supported: {kind!r}")
    missing = [name for name in ("fields", *required[kind]) if not request.get(name)]
    if missing:
        raise BrpError(f"BRP request {kind} misses {', '.join(missing)}")
    return kind


def is_deceased(person: dict) -> bool:
    suspended = ((person.get("opschortingBijhouding") or {}).get("reden") or {}).get("code")
    return bool(person.get("overlijden")) or suspended == _SUSPENDED_BY_DEATH


def address_of(person: dict) -> dict:
    """The person's Dutch address (verblijfplaats.verblijfadres), or {} when abroad or unknown."""
    place = person.get("verblijfplaats") or {}
    return place.get("verblijfadres") or {} if place.get("type", "Adres") == "Adres" else {}


def _at_address(person: dict, request: dict) -> bool:
    address = address_of(person)
    if fold(address.get("postcode")) != fold(request["postcode"]):
        return False
    if address.get("huisnummer") != int(request["huisnummer"]):
        return False
    # Optional filters narrow the search only when given, as the API does.
    for name in ("huisletter", "huisnummertoevoeging"):
        if request.get(name) and fold(address.get(name)) != fold(request[name]):
            return False
    return True


def _has_name_and_birth(person: dict, request: dict) -> bool:
    name = person.get("naam") or {}
    birth = ((person.get("geboorte") or {}).get("datum") or {}).get("datum")
    if birth != request["geboortedatum"]:
        return False
    wanted = fold(request["geslachtsnaam"].rstrip("*"))
    actual = fold(name.get("geslachtsnaam"))
    if not (actual.startswith(wanted) if request["geslachtsnaam"].endswith("*") else actual == wanted):
        return False
    return not request.get("voorvoegsel") or fold(request["voorvoegsel"]) == fold(name.get("voorvoegsel"))


def _select(person: dict, fields: list[str], allowed: tuple | None) -> dict:
    """The `fields` filter: dotted paths into the person (lists are walked item by item)."""
    result: dict = {}
    for path in fields:
        head = path.split(".", 1)[0]
        if allowed is not None and head not in allowed:
            continue
        _copy_path(person, result, path.split("."))
    for name in AUTOMATIC_FIELDS:
        if name in person:
            result[name] = person[name]
    return result


def _copy_path(source, target: dict, parts: list[str]) -> None:
    key, rest = parts[0], parts[1:]
    if not isinstance(source, dict) or key not in source:
        return
    value = source[key]
    if not rest:
        target[key] = value
    elif isinstance(value, list):
        items = target.setdefault(key, [{} for _ in value])
        for item_source, item_target in zip(value, items):
            _copy_path(item_source, item_target, rest)
    else:
        _copy_path(value, target.setdefault(key, {}), rest)


# --- the real API ------------------------------------------------------------------------------------------

class HaalCentraalBrp:
    """POSTs to a Haal Centraal BRP Personen endpoint (base URL, or the full URL ending in /personen)."""

    def __init__(self, url: str, api_key: str | None = None, timeout: float = 10.0):
        # urllib would also open file:// and ftp:// URLs; a BRP lives on https (plain http on loopback only).
        problem = brp_url_problem(url)
        if problem:
            raise ValueError(problem)
        self.url = url if url.rstrip("/").endswith("/personen") else url.rstrip("/") + "/personen"
        self.api_key = api_key
        self.timeout = timeout

    def personen(self, request: dict) -> dict:
        _check_request(request)
        headers = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"}
        if self.api_key:
            headers["X-API-KEY"] = self.api_key
        body = json.dumps(request).encode("utf-8")
        http_request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(http_request, timeout=self.timeout) as response:
                answer = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            title = _problem_title(exc)
            _close(exc)
            raise BrpError(f"BRP answered {exc.code}: {title}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise BrpError(f"BRP not reachable at {self.url}: {exc}") from None
        except ValueError as exc:
            raise BrpError(f"BRP answered no JSON: {exc}") from None
        if not isinstance(answer, dict) or not isinstance(answer.get("personen", []), list):
            raise BrpError("BRP answer has no list 'personen'")
        answer.setdefault("personen", [])
        return answer


def _close(exc: urllib.error.HTTPError) -> None:
    # An HTTPError holds the open response; left open it warns (ResourceWarning) when collected.
    body = getattr(exc, "fp", None)
    if body is not None:
        body.close()


def _problem_title(exc: urllib.error.HTTPError) -> str:
    try:
        problem = json.loads(exc.read().decode("utf-8"))
        return str(problem.get("title") or problem.get("detail") or exc.reason)[:200]
    except (ValueError, AttributeError, OSError):
        return str(exc.reason)


# --- composition -------------------------------------------------------------------------------------------

def setting(settings, name: str, default=None):
    """A domain setting: the Settings field (vroegsignalering/settings.py), else settings.extra[name], else the default."""
    value = getattr(settings, name, None)
    if value in (None, ""):
        value = (getattr(settings, "extra", None) or {}).get(name)
    return default if value in (None, "") else value


def make_brp(settings) -> BrpAdapter:
    """Haal Centraal when `brp_url` (VROEG_BRP_URL) is set, else the fixture (`brp_fixture` or the bundled one)."""
    url = setting(settings, "brp_url")
    if url:
        return HaalCentraalBrp(url, setting(settings, "brp_api_key"), float(setting(settings, "brp_timeout", 10)))
    return FixtureBrp(setting(settings, "brp_fixture", BUNDLED_FIXTURE))
