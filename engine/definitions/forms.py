"""Task form definitions (forms/NAME.json): one definition drives rendering and server-side validation."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from engine.definitions.form_dates import check_sense, definition_problems as date_problems
from engine.inputs import ascii_int

FIELD_TYPES = {"text", "textarea", "number", "bedrag", "date", "boolean", "choice", "multichoice"}
_NAME = re.compile(r"^[a-z][a-zA-Z0-9_]{0,62}$")


class FormDefinitionError(ValueError):
    """A form definition file is malformed; the message names the field and the problem."""


@dataclass(frozen=True)
class FieldError:
    field: str
    code: str
    reason: str


def parse_form(text: str, name: str) -> dict:
    """Parse and check a form definition; raise FormDefinitionError naming each problem."""
    try:
        form = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormDefinitionError(f"formulier {name}: geen geldige JSON (regel {exc.lineno}, kolom {exc.colno})") from None
    problems = _definition_problems(form)
    if problems:
        raise FormDefinitionError(f"formulier {name}: " + "; ".join(problems))
    return form


def _definition_problems(form) -> list[str]:
    if not isinstance(form, dict):
        return ["moet een JSON-object zijn"]
    problems = []
    if not isinstance(form.get("title"), str) or not form["title"].strip():
        problems.append("'title' (de titel) is verplicht")
    fields = form.get("fields")
    if not isinstance(fields, list) or not fields:
        return problems + ["'fields' moet een lijst met minstens één veld zijn"]
    seen = set()
    for index, field in enumerate(fields):
        problems.extend(_field_problems(field, index, seen))
    return problems


def _field_problems(field, index: int, seen: set) -> list[str]:
    where = f"fields[{index}]"
    if not isinstance(field, dict):
        return [f"{where} moet een object zijn"]
    problems = []
    name = field.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        problems.append(f"{where}: 'name' moet een naam zijn van letters, cijfers en _, met een kleine letter vooraan")
    elif name in seen:
        problems.append(f"{where}: de veldnaam {name!r} komt twee keer voor")
    else:
        seen.add(name)
    if field.get("type") not in FIELD_TYPES:
        problems.append(f"{where}: 'type' moet een van deze zijn: {', '.join(sorted(FIELD_TYPES))}")
    if not isinstance(field.get("label"), str) or not field["label"].strip():
        problems.append(f"{where}: 'label' is verplicht")
    if field.get("type") in ("choice", "multichoice"):
        choices = field.get("choices")
        if not isinstance(choices, list) or not choices or not all(
            isinstance(c, dict) and isinstance(c.get("value"), str) and isinstance(c.get("label"), str) for c in choices
        ):
            problems.append(f"{where}: 'choices' moet een lijst van {{value, label}} zijn")
    condition = field.get("required_when")
    if condition is not None and not (isinstance(condition, dict) and isinstance(condition.get("field"), str)
                                      and (("equals" in condition) != ("in" in condition))
                                      and isinstance(condition.get("in", []), list)):
        problems.append(f"{where}: 'required_when' moet {{field, equals}} of {{field, in: [waarden]}} zijn")
    return problems + date_problems(field, where)


def validate_submission(form: dict, submitted: dict, today: date | None = None,
                        case_start: date | None = None) -> tuple[dict, list[FieldError]]:
    """Check submitted values against the form; return the cleaned data (JSON-safe) and the errors. With `today`,
    date fields are also checked for sense (engine/definitions/form_dates.py)."""
    if not isinstance(submitted, dict):
        return {}, [FieldError("", "invalid", "Het formulier moet een object met velden zijn.")]
    known = {f["name"] for f in form["fields"]}
    errors = [FieldError(k, "unknown", "Dit veld hoort niet bij het formulier.") for k in submitted if k not in known]
    cleaned: dict = {}
    for field in form["fields"]:
        raw = submitted.get(field["name"])
        if _is_empty(raw):
            # Every field gets a value, so nothing stale survives from an earlier round of the same task.
            cleaned[field["name"]] = [] if field["type"] == "multichoice" else None
            if _is_required(field, submitted):
                errors.append(FieldError(field["name"], "required", f"Vul '{field['label']}' in."))
            continue
        try:
            cleaned[field["name"]] = _convert(field, raw, today, case_start)
        except ValueError as exc:
            errors.append(FieldError(field["name"], "invalid", str(exc)))
    return cleaned, errors


def _is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _is_required(field: dict, submitted: dict) -> bool:
    condition = field.get("required_when")
    if condition:
        return submitted.get(condition["field"]) in required_values(condition)
    return bool(field.get("required"))


def required_values(condition: dict) -> list:
    """The answers of the other field that make a `required_when` field required ({equals: v} or {in: [...]})."""
    return list(condition["in"]) if "in" in condition else [condition["equals"]]


def _convert(field: dict, raw, today: date | None = None, case_start: date | None = None):
    kind = field["type"]
    if kind in ("text", "textarea"):
        return _text(field, raw)
    if kind == "number":
        return _number(field, raw)
    if kind == "bedrag":
        return _bedrag(field, raw)
    if kind == "date":
        return _date(field, raw, today, case_start)
    if kind == "boolean":
        return _boolean(raw)
    if kind == "choice":
        return _choice(field, raw)
    return [_choice(field, item) for item in (raw if isinstance(raw, list) else [raw])]


def _text(field, raw) -> str:
    if not isinstance(raw, str):
        raise ValueError("Vul tekst in.")
    limit = field.get("max_length", 2000 if field["type"] == "text" else 10000)
    if len(raw) > limit:
        raise ValueError(f"Gebruik hoogstens {limit} tekens.")
    return raw.strip()


def _number(field, raw) -> int:
    value = ascii_int(raw if isinstance(raw, (int, str)) else None, minimum=-(10 ** 18), maximum=10 ** 18)
    if value is None:
        raise ValueError("Vul een heel getal in.")
    _check_range(field, value)
    return value


def _bedrag(field, raw) -> str:
    text = str(raw).strip().replace("€", "").replace(" ", "")
    if "," in text:  # Dutch notation: 1.234,56
        text = text.replace(".", "").replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError("Vul een bedrag in, bijvoorbeeld 1234,56.") from None
    if not value.is_finite() or value.as_tuple().exponent < -2:
        raise ValueError("Vul een bedrag in met hoogstens twee decimalen.")
    _check_range(field, value)
    return str(value.quantize(Decimal("0.01")))


def _check_range(field, value) -> None:
    if "min" in field and value < field["min"]:
        raise ValueError(f"De waarde moet minstens {field['min']} zijn.")
    if "max" in field and value > field["max"]:
        raise ValueError(f"De waarde mag hoogstens {field['max']} zijn.")


def _date(field, raw, today: date | None, case_start: date | None = None) -> str:
    try:
        value = date.fromisoformat(str(raw).strip())
    except ValueError:
        raise ValueError("Vul een geldige datum in (jjjj-mm-dd).") from None
    check_sense(field, value, today, case_start)
    return value.isoformat()


def _boolean(raw) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("true", "ja", "1", "on"):
        return True
    if text in ("false", "nee", "0", "off"):
        return False
    raise ValueError("Kies ja of nee.")


def _choice(field, raw) -> str:
    values = [c["value"] for c in field["choices"]]
    if raw not in values:
        raise ValueError(f"Kies een van: {', '.join(c['label'] for c in field['choices'])}.")
    return raw
