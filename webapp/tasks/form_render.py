"""Render a task form definition (forms/NAME.json, see engine/definitions/forms.py) as accessible HTML fields.

`render_form(definition, values, errors)` prepares one view of each field here (ids, shown values, the Dutch
"verplicht" texts) and leaves the markup to the macros in templates/_form_fields.html. `values` may be stored
task data (booleans, lists, "1234.56") or a submitted form (strings); `errors` maps a field name to its Dutch
message. The server decides what is required: a `required_when` field is always shown, with a hint saying when it
is required (templates may hide it with JavaScript, the page works without).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field as dc_field

from flask import current_app
from markupsafe import Markup

from engine.definitions.forms import required_values

FIELD_ID_PREFIX = "veld-"
BOOLEAN_CHOICES = (("ja", "Ja"), ("nee", "Nee"))
_CENTS = re.compile(r"^-?\d+\.\d{2}$")


@dataclass
class Choice:
    value: str
    label: str
    id: str
    checked: bool


@dataclass
class FieldView:
    """Everything the macros need to draw one field."""

    name: str
    type: str
    id: str
    label: str
    help: str | None
    required: bool
    required_hint: str | None
    value: str
    error: str | None
    max_length: int | None = None
    choices: list[Choice] = dc_field(default_factory=list)
    condition: dict | None = None

    @property
    def condition_values(self) -> str:
        """The answers that show this field, as the page script reads them: 'ja'/'nee' for booleans, '|' between."""
        if not self.condition:
            return ""
        return "|".join(("ja" if v else "nee") if isinstance(v, bool) else str(v)
                        for v in required_values(self.condition))

    @property
    def is_group(self) -> bool:
        """Radio buttons and checkboxes: a fieldset with a legend instead of a label."""
        return self.type in ("boolean", "choice", "multichoice")

    @property
    def target_id(self) -> str:
        """The id an error summary links to: the input itself, or a group's first option."""
        return self.choices[0].id if self.is_group and self.choices else self.id

    @property
    def summary_text(self) -> str:
        """The error as listed in the summary: with the field's label unless the message already names it."""
        if not self.error or self.label in self.error:
            return self.error or ""
        return f"{self.label}: {self.error}"

    @property
    def described_by(self) -> str:
        ids = [self.id + "-hint"] if self.help or self.required_hint else []
        if self.error:
            ids.append(self.id + "-fout")
        return " ".join(ids)


def render_form(definition: dict, values: dict | None = None, errors: dict | None = None) -> Markup:
    """The form's fields as HTML (no <form> element, no buttons): labels, hints, errors next to the field."""
    views = field_views(definition, values, errors)
    macros = current_app.jinja_env.get_template("tasks/_form_fields.html").module
    return Markup(macros.form_fields(views))


def render_error_summary(definition: dict, errors: dict) -> Markup:
    """The role="alert" box listing each error with a link to its field (empty without errors)."""
    views = [v for v in field_views(definition, None, errors) if v.error]
    general = [message for name, message in errors.items() if name not in {v.name for v in views}]
    macros = current_app.jinja_env.get_template("tasks/_form_fields.html").module
    return Markup(macros.error_summary(views, general)) if views or general else Markup("")


def field_views(definition: dict, values: dict | None = None, errors: dict | None = None) -> list[FieldView]:
    """One FieldView per field of the definition, in order."""
    values, errors = values or {}, errors or {}
    by_name = {f["name"]: f for f in definition["fields"]}
    return [_view(f, values.get(f["name"]), errors.get(f["name"]), by_name) for f in definition["fields"]]


def field_id(name: str) -> str:
    return FIELD_ID_PREFIX + name


def _view(spec: dict, value, error: str | None, by_name: dict) -> FieldView:
    kind = spec["type"]
    view = FieldView(name=spec["name"], type=kind, id=field_id(spec["name"]), label=spec["label"],
                     help=spec.get("help"), required=bool(spec.get("required")) and not spec.get("required_when"),
                     required_hint=_required_hint(spec, by_name), value="", error=error,
                     max_length=spec.get("max_length"), condition=spec.get("required_when"))
    if kind == "boolean":
        shown = _boolean_text(value)
        view.choices = [Choice(v, label, f"{view.id}-{v}", v == shown) for v, label in BOOLEAN_CHOICES]
    elif kind in ("choice", "multichoice"):
        chosen = {str(v) for v in (value if isinstance(value, list) else [value]) if v is not None}
        view.choices = [Choice(c["value"], c["label"], f"{view.id}-{i}", c["value"] in chosen)
                        for i, c in enumerate(spec["choices"], start=1)]
    else:
        view.value = _text_value(kind, value)
    return view


def _required_hint(spec: dict, by_name: dict) -> str | None:
    condition = spec.get("required_when")
    if not condition:
        return None
    other = by_name.get(condition["field"])
    label = other["label"] if other else condition["field"]
    answers = " of ".join(_answer_label(other, value) for value in required_values(condition))
    return f"Verplicht als bij '{label}' is gekozen: {answers}."


def _answer_label(spec: dict | None, value) -> str:
    if isinstance(value, bool):
        return "Ja" if value else "Nee"
    for choice in (spec or {}).get("choices", []):
        if choice["value"] == value:
            return choice["label"]
    return str(value)


def _boolean_text(value) -> str:
    """'ja', 'nee' or '' for a stored bool or a submitted string."""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    text = str(value).strip().lower() if value is not None else ""
    if text in ("ja", "true", "1", "on"):
        return "ja"
    if text in ("nee", "false", "0", "off"):
        return "nee"
    return ""


def _text_value(kind: str, value) -> str:
    if value is None:
        return ""
    text = str(value)
    if kind == "bedrag" and _CENTS.match(text):
        return text.replace(".", ",")  # stored "1234.56" shown the Dutch way
    return text


def submitted_values(definition: dict, form) -> dict:
    """The submission of a posted form (a werkzeug MultiDict) for `validate_submission`: only the definition's
    fields, multichoice as a list, ja/nee as booleans (so `required_when` on a boolean compares like the engine)."""
    submitted: dict = {}
    for spec in definition["fields"]:
        name = spec["name"]
        if spec["type"] == "multichoice":
            submitted[name] = form.getlist(name)
            continue
        raw = form.get(name)
        if raw is None:
            continue
        if spec["type"] == "boolean" and _boolean_text(raw):
            submitted[name] = _boolean_text(raw) == "ja"
        else:
            submitted[name] = raw
    return submitted
