"""How a resident's name and address read on every screen, letter and export: one formatter, from a signal (or
anything with the signal's name and address fields)."""
from __future__ import annotations

UNKNOWN_NAME = "Naam onbekend"


def full_name(s) -> str:
    """First names (else initials), prefix and surname: 'Fatma van der Linden'."""
    first = s.voornamen or s.voorletters
    return " ".join(part for part in (first, s.voorvoegsel, s.achternaam) if part) or UNKNOWN_NAME


def short_name(s) -> str:
    """Initials, prefix and surname: 'F. van der Linden' (headers, letters)."""
    return " ".join(part for part in (s.voorletters, s.voorvoegsel, s.achternaam) if part)


def street_line(s) -> str:
    """'Javaplein 12A-2': street and house number with letter and addition; what is missing is left out."""
    number = "".join(str(part) for part in (s.huisnummer, s.huisletter) if part)
    if s.huisnummertoevoeging:
        number = f"{number}-{s.huisnummertoevoeging}"
    return " ".join(part for part in (s.straatnaam, number) if part)


def street_or_number(s) -> str:
    """The street line, or without a street 'huisnummer 7' (a bare '7' reads as nothing: the case header)."""
    line = street_line(s)
    return f"huisnummer {line}" if line and not s.straatnaam else line


def place_line(s, *, postal: bool = False) -> str:
    """'1095 AB Amsterdam': postcode with its space, and the town; `postal` writes it as on an envelope, with two
    spaces before the town ('1095 AB  Amsterdam', PostNL's rule)."""
    postcode = s.postcode or ""
    if len(postcode) == 6:
        postcode = f"{postcode[:4]} {postcode[4:]}"
    return ("  " if postal else " ").join(part for part in (postcode, s.plaatsnaam) if part)


def full_address(s) -> str:
    """'Javaplein 12A-2, 1095 AB Amsterdam'; without a street '1015 AB Amsterdam, huisnummer 7' ("7, 1015 AB" reads
    as nothing: the number is named, after the postcode)."""
    if not s.straatnaam and s.huisnummer:
        return ", ".join(part for part in (place_line(s), street_or_number(s)) if part)
    return ", ".join(part for part in (street_line(s), place_line(s)) if part)


def postcode_and_number(s) -> str:
    """'1095 AB 12A-2': where a resident lives, in short (the worklist's column)."""
    number = "".join(str(part) for part in (s.huisnummer, s.huisletter) if part)
    if s.huisnummertoevoeging:
        number = f"{number}-{s.huisnummertoevoeging}"
    postcode = s.postcode or ""
    if len(postcode) == 6:
        postcode = f"{postcode[:4]} {postcode[4:]}"
    return " ".join(part for part in (postcode, number) if part)
