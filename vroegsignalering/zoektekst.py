"""Search text of a signal: its names and its address folded to plain lowercase letters and digits, kept in the
columns `signals.zoeknaam` and `signals.zoekadres`, so a search for "Yildiz" finds "Yıldız", "Helene" finds
"Hélène" and "1094hm" finds "1094 HM", on SQLite and PostgreSQL alike (neither folds accents in LIKE).

The columns are filled whenever a signal is inserted or its name or address changes (a mapper event in
models.py); the
migration that added them (0012) filled them for the signals already there. Only data the signal already holds.
"""
from __future__ import annotations

import re
import unicodedata

# Letters that do not decompose into a base letter and a mark (NFKD leaves them as they are).
_SPECIAL = str.maketrans({"ı": "i", "ø": "o", "ß": "ss", "ł": "l", "đ": "d", "ð": "d", "æ": "ae", "œ": "oe",
                          "þ": "th", "ħ": "h", "ŀ": "l", "ĸ": "k"})
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def fold(text: str | None) -> str:
    """'Hélène Yıldız-Çelik' -> 'helene yildiz celik': lowercase, accents and marks gone, punctuation a space."""
    if not text:
        return ""
    lowered = text.lower().translate(_SPECIAL)
    bare = "".join(c for c in unicodedata.normalize("NFKD", lowered) if not unicodedata.combining(c))
    return " ".join(_NOT_WORD.sub(" ", bare).split())


def search_name(signal) -> str:
    """The folded names of a signal's person, one string (voornamen, voorletters, voorvoegsel, achternaam)."""
    return fold(" ".join(p for p in (signal.voornamen, signal.voorletters, signal.voorvoegsel, signal.achternaam)
                         if p))[:500]


def search_address(signal) -> str:
    """The folded address: street, number, letter, addition, postcode (without its space) and place."""
    number = "".join(str(p) for p in (signal.huisnummer, signal.huisletter) if p)
    parts = (signal.straatnaam, number, signal.huisnummertoevoeging, (signal.postcode or "").replace(" ", ""),
             signal.plaatsnaam)
    return fold(" ".join(p for p in parts if p))[:300]
