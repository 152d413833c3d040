"""Letters and cards: a process owner edits a municipality's templates (each save a new version, in the system
history); a counsellor or coordinator prints letters for one case or a selection of cases.

Printing is the sending: each letter becomes a contact attempt (DDAS Contactpoging, soort "Brief" or "Kaartje",
not reached, dated today) in the case, a `brief_afgedrukt` event in the case's history and an access-log entry —
the whole batch in one transaction, all or nothing. The same template for the same case a second time on the same
day is refused with AlreadyPrinted (a double click, a reprint after a paper jam) unless the caller confirms with
`opnieuw=True`: then it is recorded again, as a second letter sent.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from engine.db import transactional
from engine.errors import EngineError, NotAllowed
from engine.history.access_log import record_access
from engine.history.audit import SYSTEM_CHAIN, append_event, case_chain
from engine.locks import lock_cases
from engine.models import Event
from engine.roles import COORDINATOR, HULPVERLENER, PROCESEIGENAAR

from ..addresses import place_line, short_name, street_line
from ..brief_models import BriefSjabloon
from ..brieven import (DEFAULTS, TemplateProblem, check_template, dutch_date, letter_fields,
                       render_text)
from ..gemeenten import letter_contact
from ..hooks import pick_up
from ..models import Contactpoging, Signaal, Vroegsignaalzaak
from ..queries.letters import Template, current_template
from .tasks import Actor

PRINTERS, EDITORS = (HULPVERLENER, COORDINATOR), (PROCESEIGENAAR,)
PRINTED, CHANGED = "brief_afgedrukt", "briefsjabloon_gewijzigd"
MAX_BATCH = 200


class LettersRefused(EngineError):
    """Nothing was printed or recorded; `problems` say why, in Dutch, one per case or problem."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


class AlreadyPrinted(EngineError):
    """These cases already got this letter today; nothing was recorded. Print again with `opnieuw=True`."""

    def __init__(self, case_ids: list[int]):
        self.case_ids = case_ids
        super().__init__(f"already printed today for cases {case_ids}")


@dataclass(frozen=True)
class Letter:
    """One letter as it goes on paper."""

    case_id: int
    titel: str
    alineas: list[str]
    adresblok: list[str]  # name, street, postcode and town: only the lines that are known
    datum: str
    afzender: str
    soort: str


@transactional
def save_template(engine, actor: Actor, sleutel: str, titel: str, tekst: str,
                  gemeentecode: str | None = None) -> Template:
    """Save a new version of a template of the municipality (default: the installation's). Raises NotAllowed for
    anyone but a process owner, TemplateProblem with Dutch sentences for an unknown field or a broken template."""
    if actor.role not in EDITORS:
        raise NotAllowed(f"De rol {actor.role} mag briefsjablonen niet wijzigen.")
    if sleutel not in DEFAULTS:
        raise TemplateProblem([f"Er is geen briefsjabloon „{sleutel}”."])
    titel, tekst = titel.strip(), tekst.replace("\r\n", "\n").strip()
    problems = check_template(titel, tekst)
    if problems:
        raise TemplateProblem(problems)
    code = gemeentecode or engine.settings.gemeentecode
    now = engine.clock.now()
    with engine.uow() as uow:
        session = uow.session
        last = session.scalar(select(func.max(BriefSjabloon.versie)).where(
            BriefSjabloon.gemeentecode == code, BriefSjabloon.sleutel == sleutel)) or 0
        session.add(BriefSjabloon(gemeentecode=code, sleutel=sleutel, versie=last + 1, titel=titel, tekst=tekst,
                                  gewijzigd_door=actor.username, gewijzigd_op=now))
        append_event(session, chain=SYSTEM_CHAIN, kind=CHANGED, actor=actor.username, at=now,
                     data={"gemeentecode": code, "sjabloon": sleutel, "versie": last + 1, "titel": titel})
        session.flush()
        saved = current_template(session, code, sleutel)
        uow.commit()
    return saved


@transactional
def print_letters(engine, actor: Actor, case_ids: list[int], sleutel: str, opnieuw: bool = False) -> list[Letter]:
    """The letters of template `sleutel` for these cases, each recorded as sent (see the module docstring).
    Raises NotAllowed for a role other than counsellor or coordinator, LettersRefused (a Dutch sentence per
    problem: unknown or closed case, unknown template), AlreadyPrinted."""
    if actor.role not in PRINTERS:
        raise NotAllowed(f"De rol {actor.role} mag geen brieven afdrukken.")
    ids = sorted(set(case_ids))
    problems = _request_problems(ids, sleutel)
    if problems:
        raise LettersRefused(problems)
    now = engine.clock.now()
    zone = ZoneInfo(engine.settings.timezone)
    today = now.astimezone(zone).date()
    with engine.uow() as uow:
        session = uow.session
        cases = lock_cases(session, ids)  # the lock order's case rows: a concurrent print of one case waits here
        problems = _case_problems(session, ids, cases)
        if problems:
            raise LettersRefused(problems)
        if not opnieuw:
            repeated = _printed_today(session, ids, sleutel, datetime.combine(today, time(), zone))
            if repeated:
                raise AlreadyPrinted(repeated)
        residents = _residents(session, ids)
        letters = []
        for case_id in ids:
            code = cases[case_id].gemeentecode
            template = current_template(session, code, sleutel)
            organisatie = letter_contact(session, engine.settings, code)  # the case's municipality (R37)
            letter = _letter(template, case_id, residents.get(case_id), dutch_date(today), organisatie)
            _record(session, actor, case_id, template, now, today, opnieuw)
            letters.append(letter)
        uow.commit()
    return letters


def _request_problems(ids: list[int], sleutel: str) -> list[str]:
    problems = []
    if sleutel not in DEFAULTS:
        problems.append("Kies een brief om af te drukken.")
    if not ids:
        problems.append("Kies ten minste één zaak.")
    elif len(ids) > MAX_BATCH:
        problems.append(f"Druk hooguit {MAX_BATCH} brieven tegelijk af.")
    return problems


def _case_problems(session, ids: list[int], cases: dict) -> list[str]:
    zaken = set(session.scalars(select(Vroegsignaalzaak.case_id).where(Vroegsignaalzaak.case_id.in_(ids))))
    problems = []
    for case_id in ids:
        case = cases.get(case_id)
        if case is None or case_id not in zaken:
            problems.append(f"Zaak {case_id} bestaat niet of is geen vroegsignaalzaak.")
        elif case.status != "running":
            problems.append(f"Zaak {case_id} is afgesloten: daar gaat geen brief meer heen.")
    return problems


def _printed_today(session, ids: list[int], sleutel: str, since: datetime) -> list[int]:
    events = session.execute(select(Event.case_id, Event.data).where(
        Event.case_id.in_(ids), Event.kind == PRINTED, Event.occurred_at >= since)).all()
    return sorted({case_id for case_id, data in events if (data or {}).get("sjabloon") == sleutel})


def _residents(session, ids: list[int]) -> dict[int, Signaal]:
    """Each case's first signal: the name and address the letter goes to."""
    first = {}
    for signal in session.scalars(select(Signaal).where(Signaal.case_id.in_(ids))
                                  .order_by(Signaal.received_at.desc(), Signaal.id.desc())):
        first[signal.case_id] = signal
    return first


def _letter(template: Template, case_id: int, signal: Signaal | None, datum: str, organisatie: dict) -> Letter:
    naam = short_name(signal) if signal else ""
    adres = street_line(signal) if signal else ""
    plaats = place_line(signal, postal=True) if signal else ""
    fields = letter_fields(naam=naam, adres=adres, postcode_woonplaats=plaats, zaaknummer=case_id, datum=datum,
                           organisatie=organisatie)
    try:
        titel, alineas = render_text(template.titel, template.tekst, fields)
    except TemplateProblem as exc:
        raise LettersRefused([f"Zaak {case_id}: {p}" for p in exc.problems]) from None
    block = [naam or "De bewoner", adres, plaats]
    return Letter(case_id, titel, alineas, [line for line in block if line], datum, fields["gemeente"],
                  template.soort)


def _record(session, actor: Actor, case_id: int, template: Template, now: datetime, today, opnieuw: bool) -> None:
    notitie = f"{template.naam} afgedrukt: {template.titel}"
    zaak = session.get(Vroegsignaalzaak, case_id)
    if zaak.datum_opgepakt is None:  # DDAS: a case is picked up on its first contact attempt, a letter included
        pick_up(session, zaak, today)
    session.add(Contactpoging(case_id=case_id, soort=template.soort, datum=today, dagdeel=None, bereikt=False,
                              notitie=notitie[:500], recorded_by=actor.username, recorded_at=now))
    append_event(session, chain=case_chain(case_id), case_id=case_id, kind=PRINTED, actor=actor.username, at=now,
                 data={"sjabloon": template.sleutel, "naam": template.naam, "versie": template.versie,
                       "soort": template.soort, "opnieuw": opnieuw})
    record_access(session, username=actor.username, role=actor.role, case_id=case_id, action=PRINTED, at=now,
                  detail=f"{template.sleutel} versie {template.versie}")
