"""DDAS v0.9 (`vroeg export ddas --schema 0.9`), kept while municipalities move to v1.2: a v1.2 delivery with the old
names, the client's name and street, and the values v0.9 knows.

What v1.2 added has no v0.9 value; the nearest one is sent (documented in the README, "DDAS en CBS"):
- end result "Vervolghulp en/of verwijzing" -> "Vervolghulp en/of verwijzing financieel" (vroegsignalering is about
  payment arrears: the follow-up help whose nature is unknown is most often financial);
- signal statuses "Opgepakt" and "Inwoner al bekend bij schuldhulpverlening" -> "Nog niet opgepakt" (what Vroeg sent
  before v1.2: v0.9 has no status for a signal that was taken up);
- contact kinds "Afspraak op locatie" and "Onbekend" -> "Overige"."""
from __future__ import annotations

from .models import Signaal

RESULT = {"Verwijzing zonder tussenkomst inwoner": "Verwijzing zonder contact",
          "Inwoner regelt het zelf/hoeft geen hulp vanuit vroegsignalering":
              "Inwoner hoeft geen hulp vanuit vroegsignalering",
          "Vervolghulp en/of verwijzing": "Vervolghulp en/of verwijzing financieel"}
STATUS = {"Opgepakt": "Nog niet opgepakt", "Inwoner al bekend bij schuldhulpverlening": "Nog niet opgepakt"}
CONTACT_KIND = {"Afspraak op locatie": "Overige", "Onbekend": "Overige"}
_CASE_KEYS = {"startdatumMatchingperiode": "startdatum_matchtingperiode",  # sic: v0.9 spells it so
              "datumOpgepakt": "datum_opgepakt", "einddatumMatchingperiode": "einddatum_matchingperiode"}
_CLIENT = (("Burgerservicenummer", "bsn"), ("Voorletters", "voorletters"), ("Voorvoegsel", "voorvoegsel"),
           ("Achternaam", "achternaam"), ("Straatnaam", "straatnaam"), ("Postcode", "postcode"),
           ("Plaatsnaam", "plaatsnaam"))


def to_v09(document: dict) -> dict:
    """The v1.2 `document` (whose clients were built with `client_v09`) in v0.9 names and values."""
    for levering in document["leveringen"]:
        organisation = levering.pop("aanleverendeOrganisatie")
        if "contactpersonen" in organisation:
            organisation["contactpersoonen"] = organisation.pop("contactpersonen")
        levering["aanleverende_organisatie"] = organisation
        for signal in levering["vroegsignalen"]:
            signal["status"] = STATUS.get(signal["status"], signal["status"])
        levering["vroegsignaalzaken"] = [_case(item) for item in levering["vroegsignaalzaken"]]
    return document


def _case(item: dict) -> dict:
    converted = {_CASE_KEYS.get(key, key): value for key, value in item.items()}
    if "resultaat" in converted:
        converted["resultaat"] = RESULT.get(converted["resultaat"], converted["resultaat"])
    for attempt in converted.get("contactpogingen", []):
        attempt["soort"] = CONTACT_KIND.get(attempt["soort"], attempt["soort"])
    converted.setdefault("vroegsignalen", [])
    return converted


def client_v09(signal: Signaal) -> dict:
    """DDAS v0.9 Client: identity and address as far as known."""
    item = {key: getattr(signal, name) for key, name in _CLIENT if getattr(signal, name)}
    if signal.geboortedatum is not None:
        item["Geboortedatum"] = signal.geboortedatum.isoformat()
    if signal.huisnummer is not None:
        item["Huisnummer"] = str(signal.huisnummer)
    addition = f"{signal.huisletter or ''}{signal.huisnummertoevoeging or ''}"
    if addition:
        item["Huisnummertoevoeging"] = addition
    return item
