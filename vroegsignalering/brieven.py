"""Letters and cards to residents (outreach): the templates, their fields, and how a template becomes a letter.

A template is untrusted text written in the browser by a process owner. It is rendered in Jinja's
SandboxedEnvironment with StrictUndefined, and only the fields in FIELDS exist: saving refuses any other name, a
syntax error, or anything the sandbox stops, with a Dutch sentence naming the problem. Every field always has a
value (a fallback where the data may be missing), so a letter never prints an empty field.

Templates are kept per municipality (gemeentecode) and key; the shipped defaults (DEFAULTS) hold until a process
owner saves a version of their own. Each key carries its DDAS contact kind: a letter is a "Brief", the card left at
the door after a missed home visit a "Kaartje".
"""
from __future__ import annotations

from dataclasses import dataclass

from jinja2 import StrictUndefined, TemplateSyntaxError, meta
from jinja2.exceptions import SecurityError, TemplateError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

MAX_TITEL, MAX_TEKST, MAX_RENDERED = 120, 6000, 20000

# field -> what it holds (shown to the process owner beside the editor)
FIELDS = {
    "aanhef": "„Beste …” met de naam van de inwoner, of „Beste bewoner” als de naam onbekend is",
    "naam": "De naam van de inwoner (voorletters en achternaam), of „De bewoner”",
    "adres": "Straat en huisnummer",
    "postcode_woonplaats": "Postcode en woonplaats",
    "zaaknummer": "Het nummer van de zaak",
    "datum": "De datum van vandaag, bijvoorbeeld 7 december 2026",
    "gemeente": "De naam van de gemeente of organisatie",
    "contact": "Een zin over hoe de inwoner u bereikt, met telefoon en e-mail als die bekend zijn",
}


@dataclass(frozen=True)
class Default:
    sleutel: str
    naam: str  # how the process owner and the counsellor know it
    soort: str  # DDAS contact kind
    titel: str
    tekst: str


def _letter(*paragraphs: str) -> str:
    return "\n\n".join(paragraphs)


_GROET = "Met vriendelijke groet,\n{{ gemeente }}"
_BEL = "{{ contact }} Noem dan uw zaaknummer: {{ zaaknummer }}."
DEFAULTS = {d.sleutel: d for d in (
    Default("eerste_brief", "Eerste brief", "Brief", "Wij willen u graag helpen", _letter(
        "{{ aanhef }},",
        "Wij zijn {{ gemeente }}. Wij hebben gehoord dat u een rekening niet op tijd hebt betaald. Bijvoorbeeld de "
        "huur, de energie, het water of de zorgverzekering. Dat kan iedereen overkomen.",
        "Wij willen u graag helpen. Dat is gratis. Samen kijken we wat u nodig hebt. U hoeft daar niets voor te doen: "
        "wij nemen contact met u op. Misschien komen wij bij u langs.",
        "Wilt u liever zelf contact opnemen? " + _BEL, _GROET)),
    Default("kaartje_huisbezoek", "Kaartje na een huisbezoek", "Kaartje", "Wij waren bij u langs", _letter(
        "{{ aanhef }},",
        "Wij waren op {{ datum }} bij u langs. U was niet thuis.",
        "Wij willen graag met u praten over uw rekeningen. Misschien kunnen wij u helpen. Dat is gratis.",
        _BEL, _GROET)),
    Default("cak_brief", "Brief voor een CAK-lijst", "Brief", "Hulp bij uw zorgpremie", _letter(
        "{{ aanhef }},",
        "U hebt een achterstand bij uw zorgverzekering. Daarom betaalt u uw zorgpremie nu aan het CAK. Die premie is "
        "hoger dan normaal.",
        "Wij willen u helpen om dat op te lossen. Samen maken we een plan om de achterstand te betalen. Daarna betaalt "
        "u weer de gewone premie. Onze hulp is gratis.",
        _BEL, _GROET)),
)}

SAMPLE = {"aanhef": "Beste Y. Yıldız", "naam": "Y. Yıldız", "adres": "Javastraat 12", "postcode_woonplaats":
          "1094 HK  Amsterdam", "zaaknummer": "123", "datum": "7 december 2026", "gemeente": "Gemeente Amsterdam",
          "contact": "Bel 020 123 45 67 of mail naar vroeg@gemeente.example."}

_ENV = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)


class TemplateProblem(ValueError):
    """A template that cannot be used; `problems` are Dutch sentences, one per problem."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def check_template(titel: str, tekst: str) -> list[str]:
    """What is wrong with this title and text, in Dutch (empty: fine)."""
    problems = []
    if not titel.strip():
        problems.append("Vul een titel in.")
    elif len(titel) > MAX_TITEL:
        problems.append(f"De titel is te lang: hooguit {MAX_TITEL} tekens.")
    if not tekst.strip():
        problems.append("Schrijf de tekst van de brief.")
    elif len(tekst) > MAX_TEKST:
        problems.append(f"De tekst is te lang: hooguit {MAX_TEKST} tekens.")
    if problems:
        return problems
    for label, source in (("titel", titel), ("tekst", tekst)):
        problems.extend(_source_problems(label, source))
    if not problems:
        try:
            render_text(titel, tekst, SAMPLE)
        except TemplateProblem as exc:
            problems.extend(exc.problems)
    return problems


def _source_problems(label: str, source: str) -> list[str]:
    try:
        parsed = _ENV.parse(source)
    except TemplateSyntaxError as exc:
        return [f"In de {label} staat een fout op regel {exc.lineno}: controleer de {{{{ en }}}} rond de velden."]
    unknown = sorted(meta.find_undeclared_variables(parsed) - FIELDS.keys())
    return [f"Het veld „{name}” in de {label} bestaat niet. U kunt gebruiken: {', '.join(FIELDS)}." for name in unknown]


def render_text(titel: str, tekst: str, fields: dict) -> tuple[str, list[str]]:
    """The letter's title and its paragraphs (blank lines separate them; a single newline stays a line break).
    Raises TemplateProblem when the sandbox stops the template."""
    try:
        title = _ENV.from_string(titel).render(fields).strip()
        body = _ENV.from_string(tekst).render(fields)
    except (SecurityError, UndefinedError) as exc:
        raise TemplateProblem([f"De brief gebruikt iets wat niet mag of niet bestaat ({_short(exc)}). Gebruik "
                               f"alleen de velden tussen {{{{ en }}}}."]) from None
    except TemplateError as exc:
        raise TemplateProblem([f"De brief kan niet worden gemaakt: {_short(exc)}."]) from None
    if len(body) > MAX_RENDERED:
        raise TemplateProblem(["De brief wordt te lang. Maak de tekst korter."])
    body = body.replace("\r\n", "\n")
    paragraphs = [p.strip("\n") for p in body.split("\n\n")]
    return title, [p for p in paragraphs if p.strip()]


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__


def letter_fields(*, naam: str, adres: str, postcode_woonplaats: str, zaaknummer: int, datum: str,
                  organisatie: dict) -> dict:
    """Every field with a value: fallbacks where the case or the settings lack something."""
    gemeente = organisatie.get("naam") or "de gemeente"
    return {"aanhef": f"Beste {naam}" if naam else "Beste bewoner", "naam": naam or "De bewoner",
            "adres": adres or "Onbekend adres", "postcode_woonplaats": postcode_woonplaats or "postcode onbekend",
            "zaaknummer": str(zaaknummer), "datum": datum, "gemeente": gemeente,
            "contact": contact_sentence(organisatie)}


def organisation(settings) -> dict:
    """The organisation's name and contact details from the settings ('' where not set)."""
    names = ("naam", "contact_naam", "contact_telefoon", "contact_email")
    return {name: getattr(settings, f"organisatie_{name}", "") or "" for name in names}


def sample_fields(organisatie: dict, datum: str) -> dict:
    """The fields of the made-up resident for a preview, with the municipality's own name and contact details."""
    return letter_fields(naam=SAMPLE["naam"], adres=SAMPLE["adres"], postcode_woonplaats=SAMPLE["postcode_woonplaats"],
                         zaaknummer=int(SAMPLE["zaaknummer"]), datum=datum, organisatie=organisatie)


def contact_sentence(organisatie: dict) -> str:
    """How to reach the municipality with only what is known: never an empty phone number or address."""
    who = organisatie.get("contact_naam") or organisatie.get("naam") or "de gemeente"
    reach = [f"bel {organisatie['contact_telefoon']}" if organisatie.get("contact_telefoon") else "",
             f"mail naar {organisatie['contact_email']}" if organisatie.get("contact_email") else ""]
    reach = [r for r in reach if r]
    if reach:
        return f"Neem contact op met {who}: {' of '.join(reach)}."
    return f"Neem contact op met {who}."


MAANDEN = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december")


def dutch_date(day) -> str:
    """'7 december 2026'."""
    return f"{day.day} {MAANDEN[day.month - 1]} {day.year}"
