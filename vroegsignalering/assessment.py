"""The facts of a signal that the diagram decides on (R3, R6-R10). Nothing is decided here.

`assess()` returns exactly these keys:
    brp                      'ingeschreven' | 'niet_ingeschreven' | 'overleden' | 'onbekend'
    naam_afwijkend           the BRP person found does not match the name cleanly (check by hand)
    verhuisd_binnen_gemeente registered here, at another address than the signal's
    bsn                      the BSN of the BRP person found (R5), else None
    woongemeente             the CBS code of the municipality outside the installation where the person is
                             registered (brp 'niet_ingeschreven'), else None: where the signal is forwarded
    shv                      'lopend' | 'recent_afgesloten' (end decision < 6 months before the signal) | 'geen'
    shv_hulpverlener         the counsellor of that track, else None
    bezwaar                  an objection is on file for the BSN
    uitgesloten              the BSN is on the exclusion list (R8): not picked up, "andere reden"
    herhaald                 same partner, household, soort and product, picked up, amount not higher
    onterecht, onterecht_reden   the legal conditions are not met, and why
    rechtspersoon            the client is a legal entity, not a natural person (R10)
    ondernemer               the client is a natural person in business (eenmanszaak, VOF, h.o.d.n.; R10, R13)
"""
from __future__ import annotations

import calendar
from collections.abc import Collection
from dataclasses import dataclass, field
from types import SimpleNamespace
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from .brp import setting
from .brp_lookup import brp_facts
from .household import household_key, normalise_postcode
from .models import IN_PLAY, Bezwaar, SchuldhulpRegistratie, Signaal, Uitsluiting
from .names import is_entrepreneur, is_legal_entity

__all__ = ["assess", "household_key", "normalise_postcode", "legal_conditions", "missing_incasso_steps",
           "arrear_days", "debt_help", "has_objection", "is_excluded", "is_repeat", "is_crisis", "age_on",
           "months_before", "Rules", "rules_from_settings", "STATUTORY_PARTNERS", "INCASSO_STEPS", "CRISIS_SOORTEN"]
STATUTORY_PARTNERS = ("Huur", "Energie", "Water", "Zorg")  # the Bgs conditions (R3) bind these four
INCASSO_STEPS = ("herinnering_verstuurd", "persoonlijk_contact_gezocht", "gewezen_op_schuldhulp",
                 "aangeboden_gegevens_door_te_geven")
CRISIS_SOORTEN = ("eindelevering", "afsluiting", "ontruiming", "opzegging-zorgverzekering")


@dataclass(frozen=True)
class Rules:
    """The municipality's choices: minimum amount (one amount, or per partner type) and how far back a repeat
    is looked for."""

    minimum_bedrag: Decimal = Decimal("0")
    minimum_per_type: dict = field(default_factory=dict)
    herhaling_dagen: int = 180

    def minimum_for(self, partner_type: str) -> Decimal:
        return self.minimum_per_type.get(partner_type, self.minimum_bedrag)


def rules_from_settings(settings) -> Rules:
    """`minimum_bedrag` ('50.00'; per partner type {'Huur': '100', '*': '25'} or, from the environment,
    'Huur=100,*=25') and `herhaling_termijn_dagen`."""
    minimum = setting(settings, "minimum_bedrag", "0")
    if isinstance(minimum, str) and "=" in minimum:
        minimum = dict(part.split("=", 1) for part in minimum.replace(" ", "").split(",") if part)
    per_type = {}
    if isinstance(minimum, dict):
        per_type = {str(k): _amount(v) for k, v in minimum.items()}
        minimum = minimum.get("*", "0")
    return Rules(_amount(minimum), per_type, int(setting(settings, "herhaling_termijn_dagen", 180)))


def with_minimum(rules: Rules, minimum: str | None) -> Rules:
    """The rules with a municipality's own minimum amount (as VROEG_MINIMUM_BEDRAG), or unchanged without one."""
    if not minimum:
        return rules
    own = rules_from_settings(SimpleNamespace(minimum_bedrag=minimum, herhaling_termijn_dagen=rules.herhaling_dagen,
                                              extra={}))
    return own


def _amount(value) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"minimum_bedrag: not an amount: {value!r}") from None


def is_crisis(signal) -> bool:
    return bool(signal.crisissignaal) or signal.soort in CRISIS_SOORTEN


def age_on(born: date | None, day: date) -> int | None:
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


# --- the facts ---------------------------------------------------------------------------------------------

def assess(session: Session, brp, signal: Signaal, partner_type: str, rules: Rules,
           gemeenten: Collection[str] | None = None, minimums: dict | None = None) -> dict:
    """Every fact about a stored signal (see the module docstring); `gemeenten`: the installation's municipalities
    (default: the signal's); `minimums`: a municipality's own minimum amount by code, for the municipality the BRP
    places the resident in. Raises BrpError when the BRP cannot answer."""
    facts = brp_facts(brp, signal, gemeenten or (signal.gemeentecode,))
    rules = with_minimum(rules, (minimums or {}).get(facts["gemeente"] or signal.gemeentecode))
    bsn = facts["bsn"] or signal.bsn
    shv, counsellor = debt_help(session, bsn, signal.signaaldatum)
    reasons = legal_conditions(partner_type, signal, rules)
    facts.update({
        "shv": shv, "shv_hulpverlener": counsellor,
        "bezwaar": has_objection(session, bsn),
        "uitgesloten": is_excluded(session, bsn),
        "herhaald": is_repeat(session, signal, rules.herhaling_dagen),
        "onterecht": bool(reasons), "onterecht_reden": "; ".join(reasons) or None,
        "rechtspersoon": is_legal_entity(signal.voornamen, signal.voorvoegsel, signal.achternaam),
        "ondernemer": is_entrepreneur(signal.voornamen, signal.voorvoegsel, signal.achternaam),
    })
    return facts


def legal_conditions(partner_type: str, signal, rules: Rules) -> list[str]:
    """Why a payment-arrear signal does not meet the legal conditions (R3); empty when it does.

    Only the four statutory partners' `betalingsachterstand` signals are held to them: a crisis signal (cut-off,
    eviction, cancelled insurance) is always picked up. Facts that are missing (no ontstaansdatum, no amount)
    are not held against the signal."""
    if partner_type not in STATUTORY_PARTNERS or signal.soort != "betalingsachterstand":
        return []
    reasons = []
    missing = missing_incasso_steps(partner_type, signal.sociaal_incasso)
    if missing:
        reasons.append("sociaal incasso niet bevestigd: " + ", ".join(missing))
    days = arrear_days(signal)
    if days is not None and partner_type == "Zorg" and not 30 <= days <= 100:
        reasons.append(f"achterstand van {days} dagen valt buiten 30 tot en met 100 dagen")
    elif days is not None and partner_type != "Zorg" and days < 30:
        reasons.append(f"achterstand jonger dan 30 dagen ({days} dagen)")
    minimum = rules.minimum_for(partner_type)
    if minimum and signal.bedrag is not None and Decimal(signal.bedrag) < minimum:
        reasons.append(f"bedrag {_euro(signal.bedrag)} onder het drempelbedrag van {_euro(minimum)}")
    return reasons


def missing_incasso_steps(partner_type: str, sociaal_incasso: dict | None) -> list[str]:
    """The sociaal-incasso steps not confirmed; a health insurer need not seek personal contact (Bgs)."""
    steps = [s for s in INCASSO_STEPS if not (partner_type == "Zorg" and s == "persoonlijk_contact_gezocht")]
    confirmed = sociaal_incasso or {}
    return [step for step in steps if confirmed.get(step) is not True]


def arrear_days(signal) -> int | None:
    """Age of the arrear on the signal date (signaaldatum - ontstaansdatum)."""
    if signal.ontstaansdatum is None:
        return None
    return (signal.signaaldatum - signal.ontstaansdatum).days


def _euro(amount) -> str:
    return "€ " + f"{Decimal(amount):.2f}".replace(".", ",")


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier, clamped to the month's end (31 Aug - 6 months = 28/29 Feb)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def debt_help(session: Session, bsn: str | None, signaaldatum: date) -> tuple[str, str | None]:
    """R7: a track running on the signal date, or one whose end decision lies less than 6 months before it."""
    if not bsn:
        return "geen", None
    rows = session.scalars(select(SchuldhulpRegistratie).where(SchuldhulpRegistratie.bsn == bsn)
                           .order_by(SchuldhulpRegistratie.startdatum.desc(), SchuldhulpRegistratie.id.desc())).all()
    running = [r for r in rows if r.einddatum is None or r.einddatum >= signaaldatum]
    if running:
        return "lopend", running[0].hulpverlener
    horizon = months_before(signaaldatum, 6)
    recent = sorted((r for r in rows if r.einddatum > horizon), key=lambda r: r.einddatum, reverse=True)
    if recent:
        return "recent_afgesloten", recent[0].hulpverlener
    return "geen", None


def has_objection(session: Session, bsn: str | None) -> bool:
    if not bsn:
        return False
    return session.scalar(select(Bezwaar.id).where(Bezwaar.bsn == bsn).limit(1)) is not None


def is_excluded(session: Session, bsn: str | None) -> bool:
    """R8: the person is on the exclusion list (safety, detention): not picked up, for a reason no partner learns."""
    if not bsn:
        return False
    return session.scalar(select(Uitsluiting.id).where(Uitsluiting.bsn == bsn).limit(1)) is not None


def is_repeat(session: Session, signal: Signaal, window_days: int) -> bool:
    """R8: the same partner sent a signal for the same household (or person) and arrear (soort, product) within
    the window, it was picked up, and the new amount is not higher than the last such one. Without both
    amounts nothing can be compared: not a repeat (the resident gets the offer of help)."""
    if signal.bedrag is None:
        return False
    same_household = [Signaal.household_key == signal.household_key]
    if signal.bsn:
        same_household.append(Signaal.bsn == signal.bsn)
    previous = session.scalars(
        select(Signaal).where(
            Signaal.partner_id == signal.partner_id, Signaal.id != signal.id, Signaal.soort == signal.soort,
            Signaal.product == signal.product if signal.product is not None else Signaal.product.is_(None),
            Signaal.status.in_(IN_PLAY), or_(*same_household),
            Signaal.signaaldatum >= signal.signaaldatum - timedelta(days=window_days),
            Signaal.signaaldatum <= signal.signaaldatum,
        ).order_by(Signaal.signaaldatum.desc(), Signaal.id.desc()).limit(1)
    ).first()
    return previous is not None and previous.bedrag is not None and Decimal(signal.bedrag) <= previous.bedrag
