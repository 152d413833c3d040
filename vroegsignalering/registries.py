"""The municipality's registries the assessment reads: debt-help tracks (R7), objections (R9) and the exclusion list
(R8: safety, detention; the signal is not picked up and the partner never learns why).

Each import replaces the whole registry (the source system is the truth) and is all or nothing: one bad row and
nothing changes, so a typo can never silently drop someone's running track. Rows are dicts (from CSV or JSON);
dates may be ISO strings or dates."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from engine.errors import EngineError
from .brp import bsn_valid
from .models import Bezwaar, SchuldhulpRegistratie, Uitsluiting

SCHULDHULP_FIELDS = ("bsn", "hulpverlener", "startdatum", "einddatum")
BEZWAAR_FIELDS = ("bsn", "datum", "toelichting")
UITSLUITING_FIELDS = ("bsn", "datum", "reden")


@dataclass(frozen=True)
class RowError:
    row: int  # 1 = the first row given
    field: str
    reason: str

    def __str__(self) -> str:
        return f"rij {self.row}: {self.field}: {self.reason}"


class RegistryImportError(EngineError):
    """One or more rows are wrong; `errors` names each (row, field, reason). Nothing was imported."""

    def __init__(self, errors: list[RowError]):
        self.errors = list(errors)
        super().__init__("; ".join(str(e) for e in self.errors))


def schuldhulp_values(checker: "_Row") -> dict:
    values = {"bsn": checker.bsn("bsn"), "hulpverlener": checker.text("hulpverlener", 200, required=True),
              "startdatum": checker.date("startdatum", required=True),
              "einddatum": checker.date("einddatum", required=False)}
    if values["startdatum"] and values["einddatum"] and values["einddatum"] < values["startdatum"]:
        checker.error("einddatum", "ligt voor de startdatum")
    return values


def bezwaar_values(checker: "_Row") -> dict:
    return {"bsn": checker.bsn("bsn"), "datum": checker.date("datum", required=True),
            "toelichting": checker.text("toelichting", 4000, required=False)}


def uitsluiting_values(checker: "_Row") -> dict:
    return {"bsn": checker.bsn("bsn"), "datum": checker.date("datum", required=True),
            "reden": checker.text("reden", 4000, required=True)}


# register name -> (model, fields, the checks of one row)
REGISTERS = {
    "schuldhulp": (SchuldhulpRegistratie, SCHULDHULP_FIELDS, schuldhulp_values),
    "bezwaren": (Bezwaar, BEZWAAR_FIELDS, bezwaar_values),
    "uitsluitingen": (Uitsluiting, UITSLUITING_FIELDS, uitsluiting_values),
}


def checked_row(register: str, row: dict, number: int = 1) -> dict:
    """The values of one row of a register, checked; RegistryImportError naming each problem."""
    _model, fields, values_of = REGISTERS[register]
    errors: list[RowError] = []
    values = values_of(_Row(number, row, fields, errors))
    if errors:
        raise RegistryImportError(errors)
    return values


def import_register(session: Session, register: str, rows, *, by: str | None = None,
                    at: datetime | None = None) -> int:
    """Replace a whole register (all or nothing), each row marked as changed by `by` at `at`; the row count."""
    model, fields, values_of = REGISTERS[register]
    records, errors = [], []
    for number, row in enumerate(rows, start=1):
        records.append(values_of(_Row(number, row, fields, errors)))
    return _replace(session, model, records, errors, by, at)


def import_schuldhulp(session: Session, rows, **marks) -> int:
    """Replace the debt-help register; returns the number of rows imported."""
    return import_register(session, "schuldhulp", rows, **marks)


def import_bezwaren(session: Session, rows, **marks) -> int:
    """Replace the objection register; returns the number of rows imported."""
    return import_register(session, "bezwaren", rows, **marks)


def _replace(session: Session, model, records: list[dict], errors: list[RowError], by, at) -> int:
    if errors:
        raise RegistryImportError(errors)
    session.execute(delete(model))
    session.add_all([model(**values, gewijzigd_door=by, gewijzigd_op=at) for values in records])
    session.flush()
    return len(records)


def csv_rows(text: str) -> list[dict]:
    """The rows of a register's CSV text (header line first; ';', ',' or tab, whichever the header uses most), each
    without its empty fields."""
    first = text.splitlines()[0] if text.strip() else ""
    reader = csv.DictReader(io.StringIO(text), delimiter=max((";", ",", "\t"), key=first.count))
    return [{(k or "").strip(): (v or "").strip() for k, v in row.items() if (v or "").strip()} for row in reader]


class _Row:
    """Checks the fields of one row, adding a RowError per problem."""

    def __init__(self, number: int, row, fields: tuple, errors: list):
        self.number, self.errors = number, errors
        self.row = row if isinstance(row, dict) else {}
        if not isinstance(row, dict):
            self.error("-", "rij is geen object met velden")
        for name in sorted(set(self.row) - set(fields)):
            self.error(name, "onbekend veld")

    def error(self, field: str, reason: str) -> None:
        self.errors.append(RowError(self.number, field, reason))

    def _value(self, name: str):
        value = self.row.get(name)
        return value.strip() if isinstance(value, str) else value

    def bsn(self, name: str) -> str | None:
        value = self._value(name)
        if value in (None, ""):
            self.error(name, "verplicht")
            return None
        value = str(value).zfill(9) if isinstance(value, int) else value
        if not bsn_valid(value):
            self.error(name, "geen geldig burgerservicenummer (9 cijfers, 11-proef)")
            return None
        return value

    def text(self, name: str, max_length: int, *, required: bool) -> str | None:
        value = self._value(name)
        if value in (None, ""):
            if required:
                self.error(name, "verplicht")
            return None
        if not isinstance(value, str):
            self.error(name, "moet tekst zijn")
            return None
        if len(value) > max_length:
            self.error(name, f"langer dan {max_length} tekens")
            return None
        return value

    def date(self, name: str, *, required: bool) -> date | None:
        value = self._value(name)
        if value in (None, ""):
            if required:
                self.error(name, "verplicht")
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.error(name, f"geen datum (JJJJ-MM-DD): {value!r}")
            return None
