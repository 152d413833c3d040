"""R11: which signals belong to one household (the key cases are correlated on)."""
from __future__ import annotations

import hashlib


def normalise_postcode(postcode: str | None) -> str | None:
    return "".join((postcode or "").split()).upper() or None


def household_key(fields) -> str | None:
    """R11: one household per address, else per person.

    Address: 'POSTCODE-HUISNUMMER[-SUFFIX]', the postcode without spaces in capitals, the suffix huisletter and
    huisnummertoevoeging run together in capitals with only letters and digits ('1094HM-112-2', '1053DM-201-AH').
    Partners put a letter now in huisletter, now in the toevoeging, so both are folded into one suffix.
    Without postcode and huisnummer: 'bsn-' and a hash of the BSN (a key is stored and shown; a BSN is not).
    Neither: None (the caller gives the signal a household of its own)."""
    get = fields.get if isinstance(fields, dict) else lambda name: getattr(fields, name, None)
    postcode, huisnummer = normalise_postcode(get("postcode")), get("huisnummer")
    if postcode and huisnummer:
        suffix = "".join(c for c in f"{get('huisletter') or ''}{get('huisnummertoevoeging') or ''}"
                         if c.isalnum()).upper()
        return f"{postcode}-{int(huisnummer)}" + (f"-{suffix}" if suffix else "")
    if get("bsn"):
        return "bsn-" + hashlib.sha256(str(get("bsn")).encode()).hexdigest()[:32]
    return None
