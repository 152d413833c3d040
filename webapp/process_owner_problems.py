"""The deploy check's findings in Dutch for the process owner.

engine/validation.py words its reasons in English for logs and the command line; the common ones are said again
here in Dutch (an unknown reason is shown as it is, never dropped). Element ids, names and expressions stay as
they are.
"""
from __future__ import annotations

import re

# (pattern over the whole reason, Dutch template); the first match wins.
_REASONS = [
    (r"user task has no form \(spiffworkflow property '(?P<p>[^']+)'\)",
     "de gebruikerstaak heeft geen formulier (eigenschap '{p}')"),
    (r"form '(?P<f>[^']+)' does not exist \((?P<path>[^)]+)\)", "formulier '{f}' bestaat niet ({path})"),
    (r"unsafe expression (?P<x>.+?): (?P<why>.+)", "onveilige expressie {x}: {why}"),
    (r"unsafe script (?P<x>.+?): (?P<why>.+)", "onveilig script {x}: {why}"),
    (r"toegewezen_aan: (?P<rest>.+)", "toewijzen aan: {rest}"),
    (r"role '(?P<r>[^']+)' is not one of (?P<all>.+)", "rol '{r}' bestaat niet; kies uit {all}"),
    (r"(?P<a>sourceRef|targetRef|attachedToRef|messageRef|default) '(?P<ref>[^']+)' refers to no element",
     "{a} '{ref}' verwijst naar een element dat niet bestaat"),
    (r"(?P<a>incoming|outgoing) '(?P<ref>[^']+)' is no sequence flow", "{a} '{ref}' is geen pijl (sequence flow)"),
    (r"calledElement '(?P<ref>[^']+)' is no process in the bundle",
     "aangeroepen proces '{ref}' zit niet in het concept"),
    (r"not well-formed XML: (?P<why>.+)", "geen geldige XML: {why}"),
    (r"XSD: (?P<why>.+)", "past niet in het BPMN-schema (XSD): {why}"),
    (r"no BPMN file given", "het concept heeft geen BPMN-bestand"),
    (r"no executable process \(isExecutable=\"true\"\) in the BPMN files",
     "geen uitvoerbaar proces (isExecutable=\"true\") in de BPMN-bestanden"),
    (r"timer expression (?P<x>.+) is a variable name; timer expressions are Python, write a literal as a quoted "
     r"string: (?P<q>.+)",
     "timerexpressie {x} is een variabelenaam; schrijf een vaste waarde tussen aanhalingstekens: {q}"),
    (r"timer expression (?P<x>.+) must be an ISO-8601 string", "timerexpressie {x} moet een ISO-8601-tekst zijn"),
    (r"timer expression (?P<x>.+) is not a valid ISO-8601 date, duration or cycle",
     "timerexpressie {x} is geen geldige ISO-8601-datum, -duur of -cyclus"),
    (r"form (?P<f>\S+): (?P<why>.+)", "formulier {f}: {why}"),
    (r"engine: (?P<why>.+)", "de engine kan het niet lezen: {why}"),
]
# The refusal of an expression (engine/expressions.py), inside the reasons above.
_WHY = [
    (r"name '(?P<n>[^']+)' is not allowed", "de naam '{n}' is niet toegestaan"),
    (r"call of '(?P<n>[^']+)' is not allowed", "de functie '{n}' mag niet worden aangeroepen"),
    (r"attribute '(?P<n>[^']+)' is not allowed", "het attribuut '{n}' is niet toegestaan"),
    (r"method '(?P<n>[^']+)' is not allowed", "de methode '{n}' is niet toegestaan"),
    (r"syntax error: (?P<e>.+)", "taalfout: {e}"),
    (r"'(?P<p>[^']+)' is required", "'{p}' is verplicht"),
    (r"not valid JSON \((?P<e>[^)]+)\)", "geen geldige JSON ({e})"),
    (r"must be a JSON object", "moet een JSON-object zijn"),
    (r"'(?P<p>[^']+)' must be a non-empty list", "'{p}' moet een lijst met minstens één veld zijn"),
    (r"'type' must be one of (?P<t>[^;]+)", "'type' moet een van deze zijn: {t}"),
    (r"duplicate field name (?P<n>'[^']+')", "de veldnaam {n} komt twee keer voor"),
]


def dutch_reason(reason: str) -> str:
    """The reason in Dutch when it is one Vroeg knows, else as given."""
    for pattern, template in _REASONS:
        match = re.fullmatch(pattern, reason, re.S)
        if match:
            return template.format(**{k: _why(v) if k in ("why", "rest") else v for k, v in match.groupdict().items()})
    return reason


def _why(text: str) -> str:
    if text.startswith(("unsafe ", "toegewezen_aan")):
        return dutch_reason(text)
    for pattern, template in _WHY:
        text = re.sub(pattern, lambda m, t=template: t.format(**m.groupdict()), text)
    return text
