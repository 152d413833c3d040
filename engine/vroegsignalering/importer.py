"""Bulk import of signals (R2): a CSV or JSON file from one partner, each row validated with the partner API's
schema and received in a transaction of its own. A rejected row is reported and does not stop the rest.

CSV: a header with the CONTRACT's field names, nested ones flattened (`client.postcode`,
`sociaalIncasso.herinneringVerstuurd`); comma, semicolon or tab separated; UTF-8 (or Windows-1252). Cells: booleans
as ja/nee/true/false, amounts with a decimal comma or point, dates as JJJJ-MM-DD or DD-MM-JJJJ; an empty cell is
an absent field. JSON: a list of objects in the API's shape. Row 1 is the first record after the header."""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from marshmallow import ValidationError

from ..audit import SYSTEM_CHAIN, append_event
from ..db import transactional
from ..errors import EngineError
from ..inputs import ascii_int
from .brp import BrpError
from .partners import PartnerRef
from .payload import SignaalSchema, field_problems, load_signal
from .service import receive

NIEUW, AL_ONTVANGEN, GEWEIGERD = "nieuw", "al ontvangen", "geweigerd"
SUFFIXES = (".csv", ".json")
_TRUE, _FALSE = {"ja", "j", "true", "waar", "1", "yes", "y"}, {"nee", "n", "false", "onwaar", "0", "no"}
_DUTCH_DATE = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$")


class ImportFileError(EngineError):
    """The file as a whole cannot be read (format, encoding, header); nothing was imported."""


@dataclass(frozen=True)
class RowResult:
    """The outcome of one row: nieuw, al ontvangen, or geweigerd with the reasons."""

    row: int
    externe_referentie: str | None
    result: str
    reasons: tuple[str, ...] = ()
    signal_id: int | None = None

    def __str__(self) -> str:
        line = f"rij {self.row} {self.externe_referentie or '-'}: {self.result}"
        return line + (": " + "; ".join(self.reasons) if self.reasons else "")


# --- reading files --------------------------------------------------------------------------------------------------

def read_signal_file(path: Path | str) -> list:
    """The records of a CSV or JSON file in the API's shape (by extension); ImportFileError when unreadable."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ImportFileError(f"{path.name}: unknown file type {suffix or '(none)'}; use .csv or .json")
    text = _decode(path.read_bytes(), path.name)
    return read_csv(text, path.name) if suffix == ".csv" else read_json(text, path.name)


def _decode(data: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "cp1252"):  # Excel on Windows still writes Windows-1252
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(f"{name}: not UTF-8 or Windows-1252 text")


def read_json(text: str, name: str = "file") -> list:
    """A JSON list of signal objects (amounts keep their exact decimals)."""
    try:
        records = json.loads(text, parse_float=Decimal)
    except (ValueError, RecursionError) as exc:
        raise ImportFileError(f"{name}: not valid JSON ({exc})") from None
    if not isinstance(records, list):
        raise ImportFileError(f"{name}: expected a JSON list of signals")
    return records


def read_csv(text: str, name: str = "file") -> list:
    """The CSV's rows as API-shaped records; blank rows count but stay None (skipped by the import)."""
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise ImportFileError(f"{name}: empty file or no header")
    reader = csv.DictReader(io.StringIO(text), delimiter=_delimiter(lines[0]))
    header = [column.strip() for column in reader.fieldnames or []]
    unknown = sorted(set(header) - set(csv_columns()))
    if unknown:
        raise ImportFileError(f"{name}: unknown column(s) {', '.join(unknown)}; allowed: "
                              f"{', '.join(csv_columns())}")
    reader.fieldnames = header
    return [_record(row) for row in reader]


def _delimiter(header: str) -> str:
    return max((";", ",", "\t"), key=header.count)


def csv_columns() -> list[str]:
    """Every column a CSV may have: the API's field names, nested ones as `group.field`."""
    columns = []
    for field in SignaalSchema().fields.values():
        nested = getattr(field, "schema", None)
        if nested is None:
            columns.append(field.data_key)
        else:
            columns.extend(f"{field.data_key}.{inner.data_key}" for inner in nested.fields.values())
    return columns


class BadRow(str):
    """A CSV row that cannot become a record at all; the text says why."""


def _record(row: dict) -> dict | BadRow | None:
    if None in row:
        return BadRow("de rij heeft meer cellen dan de kop kolommen")
    record: dict = {}
    for column, cell in row.items():
        value = (cell or "").strip()
        if not value:
            continue
        group, _, key = column.rpartition(".")
        target = record.setdefault(group, {}) if group else record
        target[key] = _convert(key, value)
    return record or None


_FLAGS = {"crisissignaal", "warmeOverdracht", "herinneringVerstuurd", "persoonlijkContactGezocht",
          "gewezenOpSchuldhulp", "aangebodenGegevensDoorTeGeven"}
_DATES = {"ontstaansdatum", "signaaldatum", "geboortedatum"}


def _convert(key: str, value: str):
    """A CSV cell as the JSON value the schema expects; left as text when it does not fit (the schema says why)."""
    if key in _FLAGS:
        lowered = value.lower()
        return True if lowered in _TRUE else False if lowered in _FALSE else value
    if key == "bedrag":
        return _amount(value)
    if key == "huisnummer":
        number = ascii_int(value)
        return number if number is not None else value
    if key in _DATES:
        match = _DUTCH_DATE.match(value)
        return f"{match[3]}-{int(match[2]):02d}-{int(match[1]):02d}" if match else value
    return value


def _amount(value: str) -> str:
    """'1.234,56', '1234,56', '1,234.56' and '€ 12.50' -> '1234.56' / '12.50': the last separator is decimal."""
    text = value.replace("€", "").replace(" ", "")
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        text = text.replace(thousands, "")
    return text.replace(",", ".")


# --- importing ------------------------------------------------------------------------------------------------------

def import_signals(engine, partner: PartnerRef, records: list, *, actor: str, on_row=None) -> list[RowResult]:
    """Validate and receive each record (one transaction per row); on_row(result) after each one."""
    results = []
    for number, record in enumerate(records, start=1):
        if record is None:
            continue  # a blank CSV row
        result = import_signal(engine, partner, number, record, actor)
        results.append(result)
        if on_row is not None:
            on_row(result)
    return results


def import_signal(engine, partner: PartnerRef, number: int, record, actor: str) -> RowResult:
    """One row: validated with the API's schema, then received; any refusal becomes a 'geweigerd' result."""
    reference = record.get("externeReferentie") if isinstance(record, dict) else None
    reference = reference if isinstance(reference, str) else None
    if isinstance(record, BadRow):
        return RowResult(number, None, GEWEIGERD, (str(record),))
    today = engine.clock.now().astimezone(ZoneInfo(engine.settings.timezone)).date()
    try:
        payload = load_signal(record, partner_type=partner.type, today=today)
    except ValidationError as exc:
        reasons = tuple(str(problem) for problem in field_problems(exc.messages))
        return RowResult(number, reference, GEWEIGERD, reasons)
    try:
        ref = receive(engine, partner.id, payload, actor=actor)
    except BrpError as exc:
        return RowResult(number, reference, GEWEIGERD, (f"BRP niet bereikbaar ({exc}); lever deze rij later "
                                                        f"opnieuw aan",))
    except EngineError as exc:
        return RowResult(number, reference, GEWEIGERD, (f"niet verwerkt: {exc}",))
    return RowResult(number, reference, NIEUW if ref.created else AL_ONTVANGEN, (), ref.id)


@transactional
def record_import(engine, partner: PartnerRef, source: str, results: list[RowResult], *, actor: str) -> None:
    """Note the import in the system history: file, partner and counts (no personal data)."""
    counts = {kind: sum(r.result == kind for r in results) for kind in (NIEUW, AL_ONTVANGEN, GEWEIGERD)}
    with engine.uow() as uow:
        append_event(uow.session, chain=SYSTEM_CHAIN, kind="signalen_geimporteerd", actor=actor,
                     at=engine.clock.now(), data={"bestand": source, "partner": partner.naam, **counts})
        uow.commit()
