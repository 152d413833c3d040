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
import logging
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path


from engine.errors import EngineError
from engine.inputs import ascii_int, printable_name
from .payload import SignaalSchema

log = logging.getLogger(__name__)
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
        return printable_name(line + (": " + "; ".join(self.reasons) if self.reasons else ""))


# --- reading files --------------------------------------------------------------------------------------------------

def read_signal_file(path: Path | str) -> list:
    """The records of a CSV or JSON file in the API's shape (by extension); ImportFileError when the file as a whole
    cannot be read. A line that cannot be read (not valid JSON or CSV, not in the file's encoding) becomes a BadRow
    in its place: the import reports it and goes on with the rest."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ImportFileError(f"{path.name}: unknown file type {suffix or '(none)'}; use .csv or .json")
    text = _decode(path.read_bytes(), path.name)
    return read_csv(text, path.name) if suffix == ".csv" else read_json(text, path.name)


def _decode(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM), or Windows-1252 as Excel on Windows still writes it. A UTF-8 file with a few
    broken lines keeps its other lines: each broken line becomes U+FFFD-free text that the row check refuses
    ('regel N is geen UTF-8'), never a guess in another encoding."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    lines = data.splitlines(keepends=True)
    if not any(_utf8_beyond_ascii(line) for line in lines):
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            pass
    if not any(_is_utf8(line) for line in lines):
        raise ImportFileError(f"{name}: not UTF-8 or Windows-1252 text")
    return "".join(line.decode("utf-8") if _is_utf8(line) else _not_utf8_marker(line) for line in lines)


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _utf8_beyond_ascii(line: bytes) -> bool:
    return not line.isascii() and _is_utf8(line)


NOT_UTF8 = "\x00vroeg:geen-utf-8\x00"  # stands in for an undecodable line; a NUL never survives the row check


def _not_utf8_marker(line: bytes) -> str:
    ending = "\r\n" if line.endswith(b"\r\n") else "\n" if line.endswith(b"\n") else ""
    return NOT_UTF8 + ending


def read_json(text: str, name: str = "file") -> list:
    """A JSON list of signal objects (amounts keep their exact decimals), or JSON Lines (one object per line).
    An element or line that is not valid JSON becomes a BadRow naming its line; the others are read."""
    try:
        records = json.loads(text, parse_float=Decimal, parse_constant=_no_constant)
    except RecursionError:
        raise ImportFileError(f"{name}: not valid JSON (nested too deeply)") from None
    except ValueError as exc:
        if not text.strip():
            raise ImportFileError(f"{name}: empty file") from None
        if text.lstrip().startswith("["):
            return _json_array_elements(text, exc)
        return _json_lines(text)
    if not isinstance(records, list):
        raise ImportFileError(f"{name}: expected a JSON list of signals (or one JSON object per line)")
    return records


def _no_constant(name: str):
    raise ValueError(f"{name} is geen JSON-getal")


_DECODER = json.JSONDecoder(parse_float=Decimal, parse_constant=_no_constant)


def _json_lines(text: str) -> list:
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        records.append(_json_value(line, number))
    return records


def _json_value(line: str, number: int):
    if NOT_UTF8 in line:
        return BadRow(f"regel {number} is geen UTF-8-tekst")
    try:
        return _DECODER.decode(line)
    except RecursionError:
        return BadRow(f"regel {number}: te diep geneste JSON")
    except ValueError as exc:
        return BadRow(f"regel {number}: geen geldige JSON ({_json_reason(exc)})")


def _json_array_elements(text: str, error: ValueError) -> list:
    """The elements of a JSON array whose text is broken somewhere: each element parsed on its own; after a broken
    one, reading resumes at the next line that starts an object."""
    records, position = [], text.index("[") + 1
    while True:
        position = _skip(text, position, " \t\r\n,")
        if position >= len(text) or text[position] == "]":
            break
        try:
            value, position = _DECODER.raw_decode(text, position)
            records.append(value)
        except (ValueError, RecursionError) as exc:
            line = exc.lineno if isinstance(exc, json.JSONDecodeError) else text.count("\n", 0, position) + 1
            if NOT_UTF8 in text.splitlines()[line - 1]:
                records.append(BadRow(f"regel {line} is geen UTF-8-tekst"))
            else:
                records.append(BadRow(f"regel {line}: geen geldige JSON ({_json_reason(exc)})"))
            position = _next_object_line(text, position)
    if not records:
        raise ImportFileError(f"not valid JSON ({_json_reason(error)})")
    return records


def _skip(text: str, position: int, characters: str) -> int:
    while position < len(text) and text[position] in characters:
        position += 1
    return position


def _next_object_line(text: str, position: int) -> int:
    """The start of the next line (after position) whose first non-blank character opens an object; else the end."""
    while True:
        newline = text.find("\n", position)
        if newline < 0:
            return len(text)
        position = newline + 1
        start = _skip(text, position, " \t")
        if text.startswith("{", start):
            return start


def _json_reason(exc: BaseException) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg}, kolom {exc.colno}"
    if isinstance(exc, RecursionError):
        return "te diep genest"
    return str(exc)


def read_csv(text: str, name: str = "file") -> list:
    """The CSV's rows as API-shaped records; blank rows count but stay None (skipped by the import); a line the
    CSV reader cannot read, or that was not in the file's encoding, becomes a BadRow naming its line."""
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise ImportFileError(f"{name}: empty file or no header")
    if NOT_UTF8 in lines[0]:
        raise ImportFileError(f"{name}: the header is not UTF-8 text")
    reader = csv.DictReader(io.StringIO(text), delimiter=_delimiter(lines[0]))
    header = [column.strip() for column in reader.fieldnames or []]
    unknown = sorted(set(header) - set(csv_columns()))
    if unknown:
        raise ImportFileError(f"{name}: unknown column(s) {', '.join(unknown)}; allowed: "
                              f"{', '.join(csv_columns())}")
    reader.fieldnames = header
    records = []
    while True:
        line = reader.reader.line_num + 1  # the line the next record starts on
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            records.append(BadRow(f"regel {line}: geen geldige CSV ({exc})"))
            if reader.reader.line_num < line:  # nothing consumed: the reader cannot get past it
                break
            continue
        if any(NOT_UTF8 in (cell or "") for cell in row.values()) or NOT_UTF8 in str(row.get(None, "")):
            records.append(BadRow(f"regel {line} is geen UTF-8-tekst"))
            continue
        records.append(_record(row))
    return records


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







