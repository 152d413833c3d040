"""marshmallow schemas of the staff API: query and body input, JSON output (camelCase, UTC datetimes)."""
from __future__ import annotations

from datetime import datetime, timezone

from marshmallow import RAISE, Schema, fields, validate

from engine.inputs import INT32_MAX, is_ascii_digits

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20


def camelcase(name: str) -> str:
    """snake_case -> camelCase."""
    head, *tail = name.split("_")
    return head + "".join(word[:1].upper() + word[1:] for word in tail)


class CamelSchema(Schema):
    """Python names in, camelCase keys out (and expected in input)."""

    class Meta:
        unknown = RAISE

    def on_bind_field(self, field_name, field_obj):
        field_obj.data_key = camelcase(field_obj.data_key or field_name)


class UtcDateTime(fields.DateTime):
    """ISO-8601 in UTC with its offset (`2026-11-27T08:00:00+00:00`); accepts datetimes or ISO strings."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return value.astimezone(timezone.utc).isoformat()


class AsciiInteger(fields.Integer):
    """A whole number written in the digits 0-9 (a query string) or a JSON integer; `int()` would also take '٣'
    and '３'. Give it a Range validator with a maximum the database can hold."""

    default_error_messages = {"invalid": "Geef een geheel getal."}

    def _validated(self, value):
        if isinstance(value, str) and not is_ascii_digits(value.strip()):
            raise self.make_error("invalid", input=value)
        return super()._validated(value)


def _nullable_str(**kwargs):
    return fields.String(allow_none=True, **kwargs)


def _nullable_datetime(**kwargs):
    return UtcDateTime(allow_none=True, **kwargs)


# --- input -------------------------------------------------------------------------------------------------

class PageQuery(CamelSchema):
    page = AsciiInteger(load_default=1, validate=validate.Range(
        min=1, max=INT32_MAX, error=f"Geef een paginanummer van 1 tot en met {INT32_MAX}."),
        metadata={"description": "Paginanummer, vanaf 1."})
    page_size = AsciiInteger(
        load_default=DEFAULT_PAGE_SIZE,
        validate=validate.Range(min=1, max=MAX_PAGE_SIZE, error=f"Kies 1 tot en met {MAX_PAGE_SIZE}."),
        metadata={"description": f"Aantal per pagina (1-{MAX_PAGE_SIZE}, standaard {DEFAULT_PAGE_SIZE})."})


class ZakenQuery(PageQuery):
    status = fields.String(validate=validate.OneOf(("running", "completed"), error="Kies running of completed."),
                           metadata={"description": "Alleen zaken met deze status."})


class TakenQuery(PageQuery):
    rol = fields.String(validate=validate.Length(min=1, max=200, error="Geef 1 tot 200 tekens."),
                        metadata={"description": "Alleen taken voor deze rol (lane)."})
    toegewezen_aan = fields.String(validate=validate.Length(min=1, max=200, error="Geef 1 tot 200 tekens."),
                                   metadata={"description": "Alleen taken toegewezen aan deze gebruikersnaam."})
    zaak = AsciiInteger(validate=validate.Range(min=1, max=INT32_MAX, error="Geef een zaaknummer."),
                          metadata={"description": "Alleen taken van deze zaak."})


class VoltooienBody(CamelSchema):
    data = fields.Dict(keys=fields.String(), load_default=dict,
                       metadata={"description": "De formuliervelden van de taak (zie formDefinition)."})


# --- output ------------------------------------------------------------------------------------------------

class Zaak(CamelSchema):
    id = fields.Integer()
    gemeentecode = fields.String()
    process_id = fields.String()
    process_version = fields.Integer()
    status = fields.String(metadata={"enum": ["running", "completed"]})
    created_at = UtcDateTime()
    updated_at = UtcDateTime()
    completed_at = _nullable_datetime()
    next_timer_at = _nullable_datetime(metadata={"description": "Het eerstvolgende moment dat een timer afgaat."})
    correlation_key = _nullable_str()


class Taak(CamelSchema):
    id = fields.String(attribute="task_id", metadata={"description": "De UUID van de taak."})
    zaak_id = fields.Integer(attribute="case_id")
    element_id = fields.String()
    name = _nullable_str()
    form = _nullable_str(metadata={"description": "Naam van het formulier."})
    role = _nullable_str(metadata={"description": "De rol (lane) die de taak uitvoert."})
    assignee = _nullable_str()
    due_at = _nullable_datetime()
    created_at = UtcDateTime()


class TaakDetail(Taak):
    status = fields.String(metadata={"enum": ["open", "done", "cancelled"]})
    closed_at = _nullable_datetime()
    closed_by = _nullable_str()
    form_definition = fields.Dict(allow_none=True, metadata={"description": "Velden, typen en keuzes (forms/)."})


class Timer(CamelSchema):
    element_id = fields.String()
    name = _nullable_str()
    kind = fields.String()
    due_at = UtcDateTime()


class ZaakDetail(Zaak):
    open_tasks = fields.List(fields.Nested(Taak))
    timers = fields.List(fields.Nested(Timer))
    event_count = fields.Integer(metadata={"description": "Aantal gebeurtenissen in de historie."})


class ReplayGebeurtenis(CamelSchema):
    seq = fields.Integer()
    kind = fields.String()
    actor = fields.String()
    occurred_at = UtcDateTime()
    element_id = _nullable_str()
    data = fields.Dict()


class Gebeurtenis(ReplayGebeurtenis):
    """An event of the history as stored: with its place in the hash chain."""

    hash = fields.String()
    prev_hash = _nullable_str()


class Historie(CamelSchema):
    results = fields.List(fields.Nested(Gebeurtenis))
    count = fields.Integer()


class ReplayTimer(CamelSchema):
    element_id = fields.String()
    due_at = UtcDateTime()


class Replay(CamelSchema):
    zaak_id = fields.Integer(attribute="case_id")
    seq = fields.Integer()
    event = fields.Nested(ReplayGebeurtenis)
    events = fields.List(fields.Nested(ReplayGebeurtenis), metadata={"description": "Alle gebeurtenissen t/m seq."})
    completed = fields.Dict(keys=fields.String(), values=fields.Integer(),
                            metadata={"description": "Afgeronde elementen met het aantal keren."})
    active = fields.List(fields.String(), metadata={"description": "Elementen die op dat moment actief waren."})
    data = fields.Dict()
    timers = fields.List(fields.Nested(ReplayTimer))
    finished = fields.Boolean()


class ProcesVersie(CamelSchema):
    process_id = fields.String()
    version = fields.Integer()
    name = _nullable_str()
    content_hash = fields.String()
    deployed_at = UtcDateTime()
    deployed_by = fields.String()
    running_cases = fields.Integer()
    completed_cases = fields.Integer()


class ZakenPagina(CamelSchema):
    results = fields.List(fields.Nested(Zaak))
    count = fields.Integer(metadata={"description": "Totaal aantal resultaten (alle pagina's)."})
    page = fields.Integer()
    page_size = fields.Integer()


class TakenPagina(ZakenPagina):
    results = fields.List(fields.Nested(Taak))


class Processen(CamelSchema):
    results = fields.List(fields.Nested(ProcesVersie))
    count = fields.Integer()


class InvalidParam(CamelSchema):
    name = fields.String()
    code = fields.String()
    reason = fields.String()


class Problem(CamelSchema):
    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    instance = fields.String()
    invalid_params = fields.List(fields.Nested(InvalidParam), metadata={"description": "Per ongeldig veld."})
    element_id = _nullable_str(metadata={"description": "Bij een mislukte processtap: het BPMN-element."})
    error_id = fields.String(metadata={"description": "Bij een interne fout: noem dit nummer bij contact."})
