"""Names: comparing a signal's client with a BRP person, and telling legal entities from natural persons.

Partners write names in many ways ('Berg, van der', 'VAN DER BERG', 'Celik' for 'Çelik'); the comparison folds
those away. What it does not fold away is a different surname: a woman registered as 'Bakker' whom the partner
knows as 'de Vries' (her husband's name) is a mismatch, so that a person checks the match (R6)."""
from __future__ import annotations

import re
import unicodedata
from datetime import date

CLEAN, LOOSE = "clean", "loose"
# Letters NFKD does not take apart; without these 'Yilmaz' would not equal 'Yılmaz'.
_LETTERS = str.maketrans({"ı": "i", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "æ": "ae",
                          "Æ": "AE", "œ": "oe", "Œ": "OE"})
# Dutch surname prefixes (and Arabic articles): never enough on their own to call two surnames related.
_PARTICLES = {"van", "de", "der", "den", "het", "t", "ter", "ten", "te", "in", "op", "d", "la", "le", "du", "des",
              "el", "al", "von", "vom", "zu"}
# Legal forms that make the client a legal entity (out of scope, R10) ...
_LEGAL_WORDS = {"bv", "nv", "stichting", "vereniging", "cooperatie", "cooperatieve", "holding", "ua", "ba", "wa",
                "kerkgenootschap", "owm"}
_LEGAL_PHRASES = ("besloten vennootschap", "naamloze vennootschap", "onderlinge waarborgmaatschappij")
# ... and forms of a natural person in business, who is in scope: these win when both appear.
_NATURAL_WORDS = {"vof", "cv", "eenmanszaak", "maatschap", "rederij", "hodn"}
_NATURAL_PHRASES = ("vennootschap onder firma", "commanditaire vennootschap", "handelend onder de naam")


def fold(text: str | None) -> str:
    """Lower case without accents, spaces or punctuation: 'Çelik-Yılmaz' -> 'celikyilmaz'."""
    return "".join(_fold_letters(text or "").split())


def _fold_letters(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    kept = (c if c.isalnum() else " " for c in decomposed if not unicodedata.combining(c))
    return "".join(kept).casefold()


def words(text: str | None) -> list[str]:
    """Folded words; dotted abbreviations become one word ('B.V.' -> 'bv', 'b. v.' -> 'bv', 'V O F' -> 'vof')."""
    raw = _fold_letters(re.sub(r"(?<=\w)\.", "", text or "")).split()
    joined: list[str] = []
    in_run = False  # whether the last word was built from single letters
    for word in raw:
        if len(word) == 1 and in_run:
            joined[-1] += word
        else:
            joined.append(word)
            in_run = len(word) == 1
    return joined


def split_surname(voorvoegsel: str | None, achternaam: str | None) -> tuple[str, str]:
    """(prefix, surname), also from 'Berg, van der' as some partner systems write it."""
    voorvoegsel, achternaam = (voorvoegsel or "").strip(), (achternaam or "").strip()
    if "," in achternaam and not voorvoegsel:
        name, _, prefix = achternaam.partition(",")
        return prefix.strip(), name.strip()
    return voorvoegsel, achternaam


def surname_key(voorvoegsel: str | None, achternaam: str | None) -> str:
    """The whole surname folded, prefix included: 'van der Berg', 'Van Der Berg', 'Berg, van der' -> 'vanderberg'."""
    prefix, name = split_surname(voorvoegsel, achternaam)
    return fold(f"{prefix}{name}")


def _initials(names: str | None) -> str:
    return "".join(word[0] for word in words(names))


def given_names_agree(voornamen: str | None, voorletters: str | None, brp_voornamen: str | None) -> bool:
    """A partner's given names or initials against the BRP's voornamen. The first initial is enough for given
    names, because partners often know someone by the name they use ('Jan' for 'Johannes Pieter')."""
    brp_initials = _initials(brp_voornamen)
    if voornamen:
        return _initials(voornamen)[:1] == brp_initials[:1]
    if voorletters:
        given = fold(voorletters)
        return brp_initials.startswith(given)
    return True


def match(client, person: dict) -> str | None:
    """How well a signal's client matches a BRP person: CLEAN, LOOSE (plausibly the same person, but a name or
    date differs: for a person to check) or None."""
    name = person.get("naam") or {}
    born = birth_date(person)
    same_birth = client.geboortedatum is not None and born == client.geboortedatum
    other_birth = client.geboortedatum is not None and born is not None and born != client.geboortedatum
    same_surname = bool(client.achternaam) and \
        surname_key(client.voorvoegsel, client.achternaam) == surname_key(name.get("voorvoegsel"),
                                                                          name.get("geslachtsnaam"))
    if same_surname and not other_birth and \
            given_names_agree(client.voornamen, client.voorletters, name.get("voornamen")):
        return CLEAN
    if same_birth or _surnames_related(client, person):
        return LOOSE
    return None


def _surnames_related(client, person: dict) -> bool:
    """A surname word in common with the person's own or a partner's surname (married names, double names)."""
    prefix, surname = split_surname(client.voorvoegsel, client.achternaam)
    theirs = set()
    for naam in [person.get("naam") or {}] + [(p or {}).get("naam") or {} for p in person.get("partners") or []]:
        theirs.update(words(naam.get("geslachtsnaam")))
    return bool((set(words(surname)) - _PARTICLES) & (theirs - _PARTICLES))


def birth_date(person: dict) -> date | None:
    value = ((person.get("geboorte") or {}).get("datum") or {}).get("datum")
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def is_legal_entity(voornamen: str | None, voorvoegsel: str | None, achternaam: str | None) -> bool:
    """True when the name carries a legal entity's form (B.V., N.V., Stichting, Vereniging, Coöperatie, Holding,
    ...) and no natural person's business form (eenmanszaak, VOF, maatschap, CV, rederij, h.o.d.n.)."""
    found, text = _name_words(voornamen, voorvoegsel, achternaam)
    if _business_form(found, text):
        return False
    return bool(_LEGAL_WORDS & set(found)) or any(f" {phrase} " in text for phrase in _LEGAL_PHRASES)


def is_entrepreneur(voornamen: str | None, voorvoegsel: str | None, achternaam: str | None) -> bool:
    """True when the name carries a natural person's business form (eenmanszaak, VOF, maatschap, CV, rederij,
    h.o.d.n., 'handelend onder de naam'): an entrepreneur, in scope (R10) and for the entrepreneurs' queue (R13)."""
    return _business_form(*_name_words(voornamen, voorvoegsel, achternaam))


def _name_words(*parts: str | None) -> tuple[list[str], str]:
    found = words(" ".join(part for part in parts if part))
    return found, f" {' '.join(found)} "


def _business_form(found: list[str], text: str) -> bool:
    return bool(_NATURAL_WORDS & set(found)) or any(f" {phrase} " in text for phrase in _NATURAL_PHRASES)
