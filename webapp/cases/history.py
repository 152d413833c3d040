"""Dutch words for the case page: history event kinds with a one-line summary, signal kinds, feedback codes.

The compact history shows when, who, what kind and a short summary; never an event's full data (the auditor's
replay has that). Gateway choices and ignored messages are left out: they are diagram machinery, not anything a
counsellor did or needs to know.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from webapp.web.formatting import bedrag, datum

EVENT_KINDS = {
    "zaak_gestart": "Zaak gestart",
    "taak_afgerond": "Taak afgerond",
    "bericht_ontvangen": "Bericht ontvangen",
    "timer_afgegaan": "Termijn bereikt",
    "termijn_verschoven": "Termijn verschoven",
    "beslissing": "Besluit volgens beslistabel",
    "zaak_afgerond": "Zaak afgesloten",
    "terugmelding_verstuurd": "Terugmelding verstuurd",
    "terugmelding_geweigerd": "Terugmelding tegengehouden",
    "toegewezen": "Taak toegewezen",
    "gemigreerd": "Zaak overgezet naar een andere procesversie",
    "brief_afgedrukt": "Brief afgedrukt",
    "overdracht_verstuurd": "Overdrachtsdossier verstuurd",
    "overdracht_mislukt": "Overdrachtsdossier niet aangekomen (wordt opnieuw geprobeerd)",
    "doorgestuurd": "Signaal doorgestuurd naar andere gemeente (wordt afgeleverd)",
    "doorstuurbestand": "Doorstuurbestand klaargezet voor beveiligde mail",
    "doorsturen_afgeleverd": "Doorgestuurd signaal afgeleverd bij andere gemeente",
    "doorsturen_mislukt": "Doorgestuurd signaal niet aangekomen (wordt opnieuw geprobeerd)",
}
HIDDEN = ("bericht_genegeerd",)
SIGNAL_KINDS = {
    "betalingsachterstand": "Betalingsachterstand",
    "eindelevering": "Eindelevering",
    "afsluiting": "Afsluiting",
    "ontruiming": "Ontruiming",
    "opzegging-zorgverzekering": "Opzegging zorgverzekering",
    "adressignaal": "Adressignaal (LAA)",
}
FEEDBACK_CODES = {
    "hulp-geaccepteerd": "Hulp geaccepteerd",
    "niet-opgepakt": "Niet opgepakt",
    "herhaalde-melding": "Herhaalde melding",
    "onterecht-signaal": "Onterecht signaal",
    "geen-inwoner": "Geen inwoner (meer) van de gemeente",
    "overleden": "Inwoner overleden",
    "bekend-bij-schuldhulpverlening": "Bekend bij schuldhulpverlening",
    "bezwaar-inwoner": "Bezwaar van de inwoner",
}
ACTORS = {"systeem": "Vroeg (automatisch)"}
_SUMMARY_MAX = 160


@dataclass(frozen=True)
class HistoryLine:
    seq: int
    at: datetime
    actor: str
    kind: str
    summary: str


def history_line(event) -> HistoryLine | None:
    """One line of the compact history, or None for an event the counsellor need not see (a gateway choice, a
    message no one listens to)."""
    data = event.data if isinstance(event.data, dict) else {}
    if event.kind in HIDDEN or (event.kind == "beslissing" and data.get("kind") != "dmn"):
        return None
    label = EVENT_KINDS.get(event.kind) or event.kind.replace("_", " ").capitalize()
    summary = _summary(event.kind, event.element_id, data)
    if len(summary) > _SUMMARY_MAX:
        summary = summary[:_SUMMARY_MAX - 1] + "…"
    return HistoryLine(event.seq, event.occurred_at, actor_label(event.actor), label, summary)


def actor_label(actor: str) -> str:
    """Who did it, in words: a staff username as is, a partner by name, the engine as Vroeg."""
    if actor.startswith("partner:"):
        return f"{actor.removeprefix('partner:')} (signaalpartner)"
    return ACTORS.get(actor, actor)


def signal_kind(soort: str | None) -> str:
    return SIGNAL_KINDS.get(soort or "", soort or "")


def feedback_label(code: str) -> str:
    return FEEDBACK_CODES.get(code, code)


def _summary(kind: str, element_id: str | None, data: dict) -> str:
    if kind == "zaak_gestart":
        return _signal_summary(data.get("data"))
    if kind == "bericht_ontvangen":
        if data.get("message") == "nieuw_signaal":
            return "Nieuw signaal: " + _signal_summary(data.get("payload"))
        return f"Bericht {data.get('message') or ''}".strip()
    if kind in ("taak_afgerond", "timer_afgegaan"):
        return str(data.get("name") or element_id or "")
    if kind == "beslissing":
        return _decision_summary(data)
    if kind == "termijn_verschoven":
        return f"{data.get('name') or element_id or 'Termijn'}: van {_datum(data.get('van'))} naar " \
               f"{_datum(data.get('naar'))}"
    if kind == "terugmelding_verstuurd":
        return f"{feedback_label(str(data.get('code')))} aan {data.get('partner') or 'de partner'}"
    if kind in ("doorgestuurd", "doorstuurbestand", "doorsturen_afgeleverd"):
        return f"gemeente {data.get('gemeentecode') or '?'}" + (" (automatisch)" if data.get("automatisch") else "")
    if kind == "toegewezen":
        return f"aan {data['to']}" if data.get("to") else "toewijzing opgeheven"
    if kind == "brief_afgedrukt":
        return f"{data.get('naam') or data.get('sjabloon') or 'Brief'}" + (" (opnieuw)" if data.get("opnieuw") else "")
    if kind == "terugmelding_geweigerd":
        return str(data.get("reason") or "")
    return ""


def _datum(value) -> str:
    try:
        return datum(datetime.fromisoformat(str(value)))
    except ValueError:
        return str(value or "")


def _signal_summary(data) -> str:
    if not isinstance(data, dict):
        return ""
    parts = [f"{data.get('partner_type') or 'Partner'}: {signal_kind(data.get('soort')).lower()}"]
    amount = bedrag(data.get("bedrag"))
    if amount:
        parts.append(amount)
    if data.get("crisis"):
        parts.append("crisis")
    return ", ".join(parts)


def _decision_summary(data: dict) -> str:
    result = data.get("result") if isinstance(data.get("result"), dict) else {}
    parts = []
    if result.get("prioriteit") is not None:
        parts.append(f"prioriteit {result['prioriteit']}")
    if result.get("werkvoorraad"):
        parts.append(f"werkvoorraad {result['werkvoorraad']}")
    if result.get("prioriteit_reden"):
        parts.append(str(result["prioriteit_reden"]))
    name = data.get("name") or ""
    return f"{name}: {', '.join(parts)}" if name and parts else name or ", ".join(parts)


HISTORY_LIMIT = 300  # the newest events on the case page; the auditor's replay has them all


def history_lines(events) -> tuple[list[HistoryLine], int]:
    """The case page's history: the lines of the newest HISTORY_LIMIT events worth a line, newest first, and how
    many there are in all."""
    lines = [line for line in map(history_line, events) if line is not None]
    return lines[::-1][:HISTORY_LIMIT], len(lines)
