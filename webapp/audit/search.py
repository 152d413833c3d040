"""The auditor's search form: a case by case number, by person (BSN or name, from the case's signals) or by period
(the date the case was created or the signal date), each value checked. Criteria given together must all hold; the
search itself is `vroegsignalering.queries.audit_search`."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from vroegsignalering.brp import bsn_valid
from vroegsignalering.queries.audit_search import LIMIT, CaseSearch  # noqa: F401  (views.py shows LIMIT)

PERIOD_KINDS = {"aangemaakt": "Datum waarop de zaak is aangemaakt", "signaal": "Signaaldatum"}
_MAX_TEXT = 100
_CASE_NUMBER = re.compile(r"[0-9]{1,9}")
EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)  # the dates a search may name


@dataclass
class Query:
    """The search form's values as typed, and per field a Dutch message when it is wrong."""

    zaaknummer: str = ""
    bsn: str = ""
    naam: str = ""
    van: str = ""
    tot: str = ""
    datumsoort: str = "aangemaakt"
    errors: dict = field(default_factory=dict)
    submitted: bool = False

    @property
    def empty(self) -> bool:
        return not (self.zaaknummer or self.bsn or self.naam or self.van or self.tot)

    def criteria(self) -> CaseSearch:
        """The checked values for the search (only when `errors` is empty)."""
        return CaseSearch(zaaknummer=int(self.zaaknummer) if self.zaaknummer else None, bsn=self.bsn,
                          naam=self.naam, van=date.fromisoformat(self.van) if self.van else None,
                          tot=date.fromisoformat(self.tot) if self.tot else None, datumsoort=self.datumsoort)


def read_query(args) -> Query:
    """The search parameters from the query string, each checked; `errors` maps field id -> Dutch message."""
    def text(name: str) -> str:
        return " ".join(args.get(name, "").split())[:_MAX_TEXT]

    q = Query(zaaknummer=text("zaaknummer"), bsn=text("bsn").replace(" ", ""), naam=text("naam"), van=text("van"),
              tot=text("tot"), datumsoort=text("datumsoort") or "aangemaakt", submitted="zoek" in args)
    if not q.submitted:
        return q
    if q.empty:
        q.errors["zaaknummer"] = "Vul minstens één zoekvraag in: een zaaknummer, een BSN, een naam of een periode."
    if q.zaaknummer and not _CASE_NUMBER.fullmatch(q.zaaknummer):
        q.errors["zaaknummer"] = "Een zaaknummer bestaat alleen uit cijfers, bijvoorbeeld 1024."
    if q.bsn and not bsn_valid(q.bsn):
        q.errors["bsn"] = "Een BSN bestaat uit 9 cijfers en voldoet aan de elfproef. Controleer het nummer."
    if q.naam and len(q.naam) < 2:
        q.errors["naam"] = "Vul minstens 2 letters van de naam in."
    if q.datumsoort not in PERIOD_KINDS:
        q.errors["datumsoort-aangemaakt"] = "Kies of de periode over de aanmaakdatum of de signaaldatum gaat."
    read_period(q)
    return q


def read_period(q) -> tuple[date | None, date | None]:
    """The dates `q.van` and `q.tot` (ISO), checked; problems go into `q.errors` by field name."""
    van, tot = _date(q, "van", "Vanaf"), _date(q, "tot", "Tot en met")
    if van and tot and van > tot:
        q.errors["tot"] = "De einddatum ligt vóór de begindatum. Kies een einddatum op of na de begindatum."
    return van, tot


def _date(q, name: str, label: str) -> date | None:
    value = getattr(q, name)
    if not value:
        return None
    try:
        day = date.fromisoformat(value) if value.isascii() else None
    except ValueError:
        day = None
    if day is None or not EARLIEST <= day <= LATEST:  # year 1 or 9999 would overflow the period's arithmetic
        q.errors[name] = f"{label}: vul een geldige datum in, bijvoorbeeld 2026-11-27."
        return None
    return day
