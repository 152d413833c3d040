"""Dutch for what the libraries under the deploy check say in English: libxml2 (well-formedness), the BPMN/DMN XML
schema (XSD) and SpiffWorkflow's parser. A process owner reads these in the modeler, on the diagram and in
`vroeg processes validate`; none of them sees the library's own words.

Each translator matches the library's message against known patterns; an unknown message gets a general Dutch
sentence (the English original stays available to the caller for its log, never for the user).
"""
from __future__ import annotations

import re

__all__ = ["xml_error_nl", "xsd_error_nl", "spiff_error_nl", "python_syntax_nl", "python_error_nl", "step_error_nl",
           "DutchValueError"]


class DutchValueError(ValueError):
    """A ValueError whose message is Dutch already (raised by the functions diagrams may call): shown as it is."""

# --- libxml2 ------------------------------------------------------------------------------------------------

_XML = [
    (r"Opening and ending tag mismatch: (?P<a>\S+) line (?P<l>\d+) and (?P<b>\S+)",
     "begin- en eindtag passen niet bij elkaar: <{a}> (regel {l}) wordt gesloten met </{b}>"),
    (r"Premature end of data in tag (?P<a>\S+) line (?P<l>\d+)",
     "het bestand houdt op terwijl <{a}> (regel {l}) nog open is"),
    (r"EndTag: '</' not found", "de eindtag ontbreekt"),
    (r"Extra content at the end of the document", "er staat nog iets na het einde van het document"),
    (r"Document is empty", "het document is leeg"),
    (r"Start tag expected, '<' not found", "het document begint niet met een element ('<' ontbreekt)"),
    (r"StartTag: invalid element name", "ongeldige elementnaam"),
    (r"attributes construct error", "de attributen van een element kloppen niet"),
    (r"Couldn't find end of Start Tag (?P<a>\S+)( line \d+)?", "het einde van de begintag <{a}> ontbreekt"),
    (r"AttValue: \" or ' expected", "een attribuutwaarde moet tussen aanhalingstekens staan"),
    (r"Specification mandates value for attribute (?P<a>\S+)", "attribuut {a} heeft geen waarde"),
    (r"Attribute (?P<a>\S+) redefined", "attribuut {a} staat twee keer op hetzelfde element"),
    (r"xmlParseEntityRef: no name", "een losse '&': schrijf &amp;amp;"),
    (r"EntityRef: expecting ';'", "een entiteit zonder ';' (een losse '&' schrijft u als &amp;amp;)"),
    (r"Entity '(?P<a>[^']+)' not defined", "onbekende entiteit &{a};"),
    (r"Namespace prefix (?P<p>\S+) (for (?P<at>\S+) )?on (?P<el>\S+) is not defined",
     "het namespace-voorvoegsel '{p}' (bij {el}) is niet gedeclareerd"),
    (r"Input is not proper UTF-8.*", "de tekst is geen geldige UTF-8"),
    (r"Char 0x(?P<c>[0-9A-Fa-f]+) out of allowed range", "teken 0x{c} mag niet in XML voorkomen"),
    (r"PCDATA invalid Char value (?P<c>\d+)", "teken met code {c} mag niet in XML voorkomen"),
    (r"invalid character in attribute value", "ongeldig teken in een attribuutwaarde"),
    (r"Unescaped '<' not allowed in attributes values", "een '<' in een attribuutwaarde: schrijf &amp;lt;"),
    (r"Comment not terminated.*", "commentaar zonder einde ('-->' ontbreekt)"),
    (r"XML declaration allowed only at the start of the document",
     "de XML-declaratie (<?xml ...?>) mag alleen helemaal aan het begin staan"),
    (r"(parsing XML declaration: )?'\?>' expected", "de XML-declaratie (<?xml ...?>) is niet afgesloten"),
    (r"Blank needed here", "hier hoort een spatie"),
    (r"CData section not finished.*", "CDATA-blok zonder einde (']]>' ontbreekt)"),
    (r"Sequence ']]>' not allowed in content", "']]>' mag niet in tekst voorkomen"),
    (r"expected '>'", "'>' ontbreekt"),
    (r"Detected an entity reference loop", "entiteiten die naar elkaar verwijzen"),
    (r"Unicode strings with encoding declaration are not supported.*",
     "tekst met een encoding-declaratie kan niet als tekst worden gelezen"),
]


def xml_error_nl(message: str) -> str:
    """libxml2's reason for refusing a document, in Dutch."""
    return _translate(_XML, message.strip(), "de XML is niet goed gevormd")


# --- XML schema (XSD) ---------------------------------------------------------------------------------------

_EL = r"Element '(?P<el>[^']+)'"
_XSD = [
    (_EL + r", attribute '(?P<at>[^']+)': The attribute '[^']+' is not allowed\.",
     "attribuut '{at}' is niet toegestaan op <{el}>"),
    (_EL + r": This element is not expected\. Expected is (one of )?\( ?(?P<exp>.+?) ?\)\.",
     "<{el}> hoort hier niet; verwacht: {exp}"),
    (_EL + r": This element is not expected\.", "<{el}> hoort hier niet"),
    (_EL + r", attribute '(?P<at>[^']+)': '(?P<v>.*)' is not a valid value of the (local |union )?(atomic |list )?"
           r"type '(?P<t>[^']+)'\.",
     "attribuut '{at}' van <{el}>: '{v}' is geen geldige waarde (verwacht: {t})"),
    (_EL + r": '(?P<v>.*)' is not a valid value of the (local |union )?(atomic |list )?type '(?P<t>[^']+)'\.",
     "<{el}>: '{v}' is geen geldige waarde (verwacht: {t})"),
    (_EL + r", attribute '(?P<at>[^']+)': \[facet 'enumeration'\] The value '(?P<v>.*)' is not an element of the "
           r"set \{(?P<set>.*)\}\.",
     "attribuut '{at}' van <{el}>: '{v}' kan niet; kies uit {set}"),
    (_EL + r": Missing child element\(s\)\. Expected is (one of )?\( ?(?P<exp>.+?) ?\)\.",
     "in <{el}> ontbreekt een element; verwacht: {exp}"),
    (_EL + r": The attribute '(?P<at>[^']+)' is required but missing\.",
     "<{el}> mist het verplichte attribuut '{at}'"),
    (_EL + r": Character content other than whitespace is not allowed because the content type is "
           r"'element-only'\.", "<{el}> mag geen tekst bevatten, alleen elementen"),
    (_EL + r": Element content is not allowed, because the content type is a simple type definition\.",
     "<{el}> mag alleen tekst bevatten"),
    (_EL + r": No match found for key-sequence \['(?P<v>[^']*)'\].*", "<{el}>: '{v}' verwijst naar niets"),
    (_EL + r": Duplicate key-sequence \['(?P<v>[^']*)'\].*", "<{el}>: id '{v}' komt twee keer voor"),
    (_EL + r", attribute '(?P<at>[^']+)': .*", "attribuut '{at}' van <{el}> past niet in het schema"),
    (_EL + r": .*", "<{el}> past niet in het schema"),
]


def xsd_error_nl(message: str) -> str:
    """An XML-schema violation in Dutch; qualified names lose their namespace ('{ns}task' -> 'task')."""
    text = re.sub(r"\{[^}]*\}", "", message.strip())
    return _translate(_XSD, text, "past niet in het schema")


# --- SpiffWorkflow's parser ---------------------------------------------------------------------------------

_SPIFF = [
    (r"Non-default exclusive outgoing sequence flow without condition",
     "een uitgaande pijl van een exclusieve splitsing heeft geen voorwaarde en is niet de standaardpijl"),
    (r"No start event found", "het proces heeft geen startgebeurtenis"),
    (r"Exactly one start event is required in a SubWorkflow Task; found (?P<n>\d+)\.?",
     "een deelproces moet precies één startgebeurtenis hebben (nu {n})"),
    (r"A SubWorkflow Must contain an End event", "een deelproces moet een eindgebeurtenis hebben"),
    (r"No \"calledElement\" attribute for Call Activity\.?", "de aanroep (callActivity) noemt geen proces"),
    (r"The process '(?P<p>[^']+)' was not found\..*", "proces '{p}' bestaat niet in de bundel"),
    (r"Process (?P<p>\S+) is not executable\.?", "proces '{p}' is niet uitvoerbaar gemarkeerd"),
    (r"Duplicate process ID: (?P<p>.+)", "het proces-id '{p}' komt twee keer voor"),
    (r"Multiple outgoing flows are not supported for tasks of type.*",
     "dit soort taak kan maar één uitgaande pijl hebben"),
    (r"There is no support implemented for this task type\.?", "dit soort element wordt niet ondersteund"),
    (r"(Time Specification Error\. )?Unknown Time Specification\.?\s*", "de timer heeft geen duur, datum of herhaling"),
    (r"Time Specification Error\..*", "de tijd van de timer klopt niet"),
    (r"Could not find messageRef from message event definition: (?P<m>.+)",
     "bericht '{m}' bestaat niet"),
    (r"Message identifier is missing from bpmn xml", "een bericht heeft geen id"),
    (r"(?P<k>Signal|Error|Escalation|Correlation) identifier is missing from bpmn xml",
     "een {k} heeft geen id"),
    (r"Expected an? (?P<k>Message|Signal|Error|Escalation|error) node",
     "de gebeurtenis verwijst naar een {k} die niet bestaat"),
    (r"Cannot resolve dataInputAssociation (?P<n>.+)", "gegevensinvoer '{n}' verwijst naar niets"),
    (r"Cannot resolve dataOutputAssociation (?P<n>.+)", "gegevensuitvoer '{n}' verwijst naar niets"),
    (r"The loop (?P<k>input|output) data reference is missing from the IO specification",
     "de {k}-verzameling van de herhaling ontbreekt in de ioSpecification"),
    (r"A multiinstance task must specify (a cardinality or a (loop input data reference|collection)|exactly one of "
     r"cardinality or loop input data reference)",
     "een meervoudige taak heeft precies één van beide nodig: een aantal (loopCardinality) of een verzameling "
     "(loopDataInputRef)"),
    (r"A loopMaximum or loopCondition must be specified for Loop Tasks",
     "een herhaalde taak heeft een loopMaximum of loopCondition nodig"),
    (r"Cancel Events may only be used with transactions", "een annuleergebeurtenis kan alleen in een transactie"),
    (r"Conditional event definition with missing condition", "een voorwaardelijke gebeurtenis zonder voorwaarde"),
    (r"Multiple decision tables are not current supported\.?",
     "een DMN-beslissing mag maar één beslistabel hebben"),
    (r"No decisions found", "het DMN-bestand bevat geen beslissing"),
    (r"Sequential ordering for ad hoc subprocesses not supported", "ad-hoc-deelprocessen worden niet ondersteund"),
    (r"Ad hoc subprocesses may not contain start or end events", "ad-hoc-deelprocessen worden niet ondersteund"),
    (r"When looking for a task spec, we found two items.*", "twee elementen hebben hetzelfde id"),
    (r"Data Store .*", "gegevensopslag (dataStore) wordt niet ondersteund"),
    (r"Unable to find a decision table with id '?(?P<d>[^'.]+)'?.*", "beslistabel '{d}' bestaat niet in de bundel"),
]


def spiff_error_nl(message: str) -> str:
    """SpiffWorkflow's reason for refusing a diagram, in Dutch."""
    return _translate(_SPIFF, message.strip(), "SpiffWorkflow kan dit element niet lezen")


def _translate(patterns, message: str, fallback: str) -> str:
    for pattern, template in patterns:
        match = re.fullmatch(pattern, message, re.S)
        if match:
            return template.format(**{k: v or "" for k, v in match.groupdict().items()})
    return fallback


# --- Python (the safe evaluator parses and runs diagram text as restricted Python) --------------------------

_SYNTAX = [
    (r"invalid syntax\. Perhaps you forgot a comma\?", "ongeldige zin; mist er een komma?"),
    (r"invalid syntax\. Maybe you meant '==' or ':=' instead of '='\?", "ongeldige zin; bedoelt u == in plaats van =?"),
    (r"invalid syntax", "ongeldige zin"),
    (r"unexpected EOF while parsing", "de tekst houdt te vroeg op"),
    (r"'(?P<b>.)' was never closed", "'{b}' wordt nergens gesloten"),
    (r"unmatched '(?P<b>.)'", "'{b}' zonder bijbehorend openingshaakje"),
    (r"closing parenthesis '(?P<a>.)' does not match opening parenthesis '(?P<b>.)'( on line \d+)?",
     "sluithaakje '{a}' past niet bij openingshaakje '{b}'"),
    (r"unterminated string literal.*", "tekst zonder sluitend aanhalingsteken"),
    (r"unterminated triple-quoted string literal.*", "tekst zonder sluitende drievoudige aanhalingstekens"),
    (r"EOL while scanning string literal", "tekst zonder sluitend aanhalingsteken"),
    (r"expected ':'", "':' ontbreekt"),
    (r"expected an indented block.*", "hier hoort een ingesprongen regel"),
    (r"unexpected indent", "onverwachte inspringing"),
    (r"unindent does not match any outer indentation level", "de inspringing past bij geen eerdere regel"),
    (r"invalid decimal literal", "ongeldig getal"),
    (r"leading zeros in decimal integer literals are not permitted.*", "een getal mag niet met 0 beginnen"),
    (r"invalid character '(?P<c>.)' \(U\+(?P<u>[0-9A-F]+)\)", "ongeldig teken '{c}'"),
    (r"cannot assign to (?P<w>.+?)( here)?(\. Maybe you meant '==' instead of '='\?)?",
     "hier kan niets aan worden toegekend (bedoelt u == ?)"),
    (r"source code (string )?cannot contain null bytes", "de tekst bevat een nul-teken"),
    (r"invalid non-printable character.*", "ongeldig onzichtbaar teken"),
    (r"f-string.*", "ongeldige f-string"),
]


def python_syntax_nl(message: str) -> str:
    """Python's reason for a SyntaxError in Dutch."""
    return _translate(_SYNTAX, message.strip(), "ongeldige zin")


_TYPE_NAMES = {"int": "geheel getal", "float": "getal", "str": "tekst", "NoneType": "None", "list": "lijst",
               "dict": "woordenboek", "tuple": "tupel", "bool": "ja/nee", "set": "verzameling",
               "Decimal": "decimaal getal", "date": "datum", "datetime": "tijdstip"}


def _type_nl(name: str) -> str:
    return _TYPE_NAMES.get(name, name)


_RUNTIME = [
    (r"unsupported operand type\(s\) for (?P<op>\S+): '(?P<a>\w+)' and '(?P<b>\w+)'",
     lambda m: f"'{m['op']}' kan niet met een {_type_nl(m['a'])} en een {_type_nl(m['b'])}"),
    (r"'(?P<op>[<>=!]+)' not supported between instances of '(?P<a>\w+)' and '(?P<b>\w+)'",
     lambda m: f"'{m['op']}' kan niet tussen een {_type_nl(m['a'])} en een {_type_nl(m['b'])}"),
    (r"can only concatenate (?P<a>\w+) \(not \"(?P<b>\w+)\"\) to \w+",
     lambda m: f"een {_type_nl(m['b'])} kan niet aan een {_type_nl(m['a'])} worden vastgeplakt (gebruik str())"),
    (r"object of type '(?P<a>\w+)' has no len\(\)", lambda m: f"een {_type_nl(m['a'])} heeft geen lengte"),
    (r"'(?P<a>\w+)' object is not subscriptable", lambda m: f"een {_type_nl(m['a'])} heeft geen elementen ([...])"),
    (r"'(?P<a>\w+)' object is not iterable", lambda m: f"een {_type_nl(m['a'])} is geen reeks"),
    (r"'(?P<a>\w+)' object is not callable", lambda m: f"een {_type_nl(m['a'])} is geen functie"),
    (r"(list|tuple|string) indices must be integers.*", lambda m: "een index moet een geheel getal zijn"),
    (r"(list|tuple|string) index out of range", lambda m: "de index ligt buiten de reeks"),
    (r"(float )?division( or modulo)? by zero|integer (division or )?modulo by zero",
     lambda m: "delen door nul"),
    (r"invalid literal for int\(\) with base \d+: (?P<v>.+)", lambda m: f"{m['v']} is geen geheel getal"),
    (r"could not convert string to float: (?P<v>.+)", lambda m: f"{m['v']} is geen getal"),
    (r"(?P<f>\w+)\(\) takes (?P<n>.+) positional arguments? but (?P<k>\d+) (were|was) given",
     lambda m: f"{m['f']}() krijgt {m['k']} argumenten, maar neemt er {m['n']}"),
    (r"(?P<f>\w+)\(\) missing (?P<n>\d+) required positional arguments?: (?P<a>.+)",
     lambda m: f"{m['f']}() mist {m['n']} argument(en): {m['a']}"),
    (r"(?P<f>\w+)\(\) got an unexpected keyword argument '(?P<a>\w+)'",
     lambda m: f"{m['f']}() kent geen argument '{m['a']}'"),
    (r"(?P<f>\w+)\(\) (arg|argument) is an empty sequence", lambda m: f"{m['f']}() van een lege reeks"),
    (r"math domain error", lambda m: "rekenfout (buiten het domein)"),
    (r"Invalid isoformat string: (?P<v>.+)", lambda m: f"{m['v']} is geen datum of tijdstip (jjjj-mm-dd)"),
    (r"range\(\) arg 3 must not be zero", lambda m: "range() met stap 0"),
]


def python_error_nl(error: BaseException) -> str:
    """What went wrong while evaluating diagram text, in Dutch (KeyError, TypeError and the like)."""
    if isinstance(error, DutchValueError):
        return str(error)
    if isinstance(error, KeyError):
        return f"sleutel {error.args[0]!r} bestaat niet" if error.args else "sleutel bestaat niet"
    message = str(error).strip()
    for pattern, make in _RUNTIME:
        match = re.fullmatch(pattern, message, re.S)
        if match:
            return make(match)
    kinds = {"TypeError": "verkeerd soort waarde", "ValueError": "ongeldige waarde", "IndexError": "ongeldige index",
             "ZeroDivisionError": "delen door nul", "OverflowError": "getal te groot",
             "AttributeError": "onbekend attribuut", "RecursionError": "te diep genest"}
    return kinds.get(type(error).__name__, f"fout bij het uitrekenen ({type(error).__name__})")


# --- a step that failed at run time (engine/runtime/cases.py: StepFailed, a case's last_error) ----------------------

_STEP = [
    (r"The data object could not be read; '(?P<n>[^']+)' does not exist in the process\.?",
     "gegevensobject '{n}' is nog niet gevuld"),
    (r"A data object could not be set; '(?P<n>[^']+)' not exist in the task\.?",
     "gegevensobject '{n}' kan niet worden gevuld: de taak heeft geen variabele '{n}'"),
    (r"Missing data input", "een gegevensinvoer (ioSpecification) ontbreekt in de zaakgegevens"),
    (r"Missing data ou(t)?put", "een gegevensuitvoer (ioSpecification) ontbreekt in de zaakgegevens"),
    (r"You are missing a required Data Input for a call activity\.?",
     "een invoer van het aangeroepen proces ontbreekt in de zaakgegevens"),
    (r"The Data Output was not available in the subprocess output\.?",
     "een uitvoer van het aangeroepen proces ontbreekt"),
    (r"No conditions satisfied on gateway", "geen enkele voorwaarde van de splitsing is waar"),
    (r"Multiinstance (input|output) item (?P<n>\S+) already exists\.?",
     "de variabele '{n}' van de herhaling bestaat al"),
    (r"The (called process|subprocess) '(?P<n>[^']+)' was not found\.?", "deelproces '{n}' bestaat niet"),
    (r"Error evaluating expression '(?P<x>.*)'.*", "fout in expressie '{x}'"),
]


def step_error_nl(exc: BaseException) -> str:
    """Why a step of a case failed, in Dutch: the safe evaluator's reason (Dutch already), a Python error in
    diagram text, or SpiffWorkflow's run-time refusal."""
    from engine.expressions.limits import ExpressionError, UnsafeExpression  # the evaluator imports this module

    inner = exc.__cause__ or exc.__context__
    if isinstance(inner, UnsafeExpression):
        return f"geweigerd door de veilige evaluator: {inner}"
    if isinstance(inner, ExpressionError):
        return str(inner)
    if isinstance(exc, (ExpressionError, UnsafeExpression)):
        return str(exc)
    message = str(exc.args[0]).strip() if exc.args else ""
    translated = _translate(_STEP, message.splitlines()[0] if message else "", "")
    if translated:
        return translated
    if inner is not None and not isinstance(inner, type(exc)):
        return python_error_nl(inner)
    return f"de stap kon niet worden uitgevoerd ({type(exc).__name__})"
