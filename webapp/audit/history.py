"""How the auditor's pages present a case's history: Dutch labels for event kinds and chain breaks, Dutch times,
the outcome of a verification and the JSON export (with everything each hash covers)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from engine.history.audit import ChainBreak, event_content
from vroegsignalering.queries.audit_cases import AuditEvent

from webapp.cases.history import EVENT_KINDS, actor_label as case_actor_label
from webapp.web.formatting import datum, lokale_tijd

# The case page's Dutch words for event kinds (one vocabulary), plus the kinds the case page leaves out but an
# auditor sees (the tests check that every kind the engine writes to a case has a label).
KIND_LABELS = {"bericht_genegeerd": "Bericht genegeerd (de zaak wachtte er niet op)",
               "verwijzing_ontvangen": "Verwijzing ontvangen",
               "gemigreerd": "Zaak overgezet naar een andere procesversie",
               "gegevens_verwijderd": "Persoonsgegevens verwijderd (bewaartermijn verstreken)",
               "bewaarblokkade_geplaatst": "Bewaarblokkade geplaatst", "bewaarblokkade_opgeheven": "Bewaarblokkade opgeheven",
               "gegevens_gecorrigeerd": "Gegevens gecorrigeerd op verzoek",
               **EVENT_KINDS}

# engine/history/audit.py's reasons (English, for logs and the CLI) -> what an auditor reads.
_BREAK_REASONS = (
    ("sequence jumps", "Het volgnummer springt: een gebeurtenis is verwijderd of hernummerd."),
    ("does not link to the previous event",
     "Sluit niet aan op de vorige gebeurtenis: een eerdere gebeurtenis is gewijzigd of er is er een tussengevoegd."),
    ("content does not match its hash", "De inhoud klopt niet met de hash: deze gebeurtenis is gewijzigd."),
    ("chain has no head record", "De keten heeft geen kopregistratie: er zijn gebeurtenissen toegevoegd."),
    ("chain head records", "Het aantal gebeurtenissen klopt niet met de kopregistratie: de nieuwste gebeurtenis is "
                           "verwijderd of er is er een toegevoegd."),
    ("newest event differs", "De nieuwste gebeurtenis verschilt van de kopregistratie."),
    ("content was removed without", "De inhoud is verwijderd zonder dat een gebeurtenis „gegevens verwijderd” dat "
                                    "vastlegt."),
    ("marked as removed but", "Gemarkeerd als verwijderd, maar de inhoud is er nog."),
    ("differs from what its gegevens_verwijderd", "Wijkt af van wat bij het verwijderen is vastgelegd: de "
                                                  "gebeurtenis is daarna gewijzigd."),
)

HASH_METHOD = ("hash = SHA-256 (hex) over de UTF-8-bytes van de JSON van het gebeurtenisobject zonder het veld "
               "'hash': sleutels gesorteerd, scheidingstekens ',' en ':' zonder spaties, niet-ASCII-tekens "
               "onveranderd. prev_hash is de hash van de vorige gebeurtenis in de keten (null bij de eerste).")


def kind_label(kind: str, data: dict | None = None) -> str:
    """The Dutch name of an event kind; a `beslissing` says whether a gateway chose or a decision table decided."""
    if kind == "beslissing" and isinstance(data, dict) and data.get("kind") == "gateway":
        return "Keuze bij een splitsing"
    return KIND_LABELS.get(kind, kind.replace("_", " ").capitalize())


def actor_label(actor: str) -> str:
    """Who did it, as the case page says it: a partner by name ("Duinwater (signaalpartner)"), Vroeg itself."""
    return case_actor_label(actor)


def break_reason(reason: str) -> str:
    for prefix, dutch in _BREAK_REASONS:
        if reason.startswith(prefix):
            return dutch
    return reason


def datum_tijd(value: datetime | str | None) -> str:
    """'27 november 2026 09:05' in the display zone; '' for None."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return f"{datum(value)} {lokale_tijd(value):%H:%M}"


@dataclass
class Verification:
    """The outcome of checking one case's chain, as the history page shows it."""

    checked: int
    broken: ChainBreak | None = None
    event: AuditEvent | None = None  # the first broken event, when it still exists

    @property
    def intact(self) -> bool:
        return self.broken is None

    @property
    def reason(self) -> str:
        return break_reason(self.broken.reason) if self.broken else ""


def verification(checked: int, breaks: list[ChainBreak], events: list[AuditEvent]) -> Verification:
    if not breaks:
        return Verification(checked)
    first = min(breaks, key=lambda b: b.seq)
    event = next((e for e in events if e.seq == first.seq), None)
    return Verification(checked, first, event)


def export_document(case_id: int, events: list[AuditEvent], *, by: str, at: datetime) -> dict:
    """The history as one JSON document that can be checked without Vroeg (see HASH_METHOD)."""
    return {
        "zaak": case_id,
        "geexporteerdOp": at.isoformat(),
        "geexporteerdDoor": by,
        "hashmethode": HASH_METHOD,
        "aantal": len(events),
        "gebeurtenissen": [{**event_content(event), "hash": event.hash} for event in events],
    }
