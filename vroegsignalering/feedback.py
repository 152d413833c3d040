"""Feedback to partners (terugmelding): the outbox rows, and the rules no diagram can bend (R16, R20, R21).

A diagram throws the message `terugmelding` with payload {"code": ..., "signaal": id} or {"code": ...,
"signalen": [id, ...]} (or only the code: every signal of the case). The engine sends only the codes of the
contract, only about the case's own signals, `bezwaar-inwoner` only to landlords, energy and water companies, each
code at most once per signal, and nothing but the code. A code reaches a signal only while that signal is part of
the help the household gets: a signal that was turned down (CLOSING_CODES) hears nothing after that, a signal in
the help (hulp-geaccepteerd) is never turned down afterwards, and a partner that heard `bezwaar-inwoner` about a
case never hears `hulp-geaccepteerd` about it. Whatever it refuses is recorded in the case's history and not sent.
Signals the workflow throws (BPMN signal events, the diagram's own broadcasts) are not messages and are ignored."""
from __future__ import annotations

from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition
from sqlalchemy import select

from engine.history.audit import json_safe
from engine.inputs import ascii_int
from engine.locks import for_no_key_update
from .models import Partner, Signaal, Terugmelding

MESSAGE = "terugmelding"
FEEDBACK_CODES = ("hulp-geaccepteerd", "niet-opgepakt", "herhaalde-melding", "onterecht-signaal", "geen-inwoner",
                  "overleden", "bekend-bij-schuldhulpverlening", "bezwaar-inwoner")
BEZWAAR_PARTNERS = ("Huur", "Energie", "Water")  # health insurers must keep sending after an objection (R9)
PAYLOAD_KEYS = {"code", "signaal", "signalen"}
HELP = "hulp-geaccepteerd"
# Codes that say a signal is not (or no longer) followed up by this case: nothing reaches it afterwards.
CLOSING_CODES = ("niet-opgepakt", "herhaalde-melding", "onterecht-signaal", "geen-inwoner",
                 "bekend-bij-schuldhulpverlening", "bezwaar-inwoner")
# A signal that is not picked up gets the DDAS status that says why (the partner learns only the code).
STATUS_FOR_CODE = {
    "onterecht-signaal": "Niet opgepakt: onterecht signaal",
    "herhaalde-melding": "Niet opgepakt: herhaalde melding",
    "geen-inwoner": "Persoon is geen inwoner (meer) in de gemeente",
    "overleden": "Inwoner is overleden",
    "niet-opgepakt": "Niet opgepakt: andere reden",
    "bezwaar-inwoner": "Niet opgepakt: andere reden",
    "bekend-bij-schuldhulpverlening": "Inwoner al bekend bij schuldhulpverlening",
}


class Refused(Exception):
    """Why a terugmelding is not sent."""


def feedback_hook(ctx) -> None:
    """Step hook: turn every `terugmelding` the workflow threw into outbox rows; other messages are noted."""
    if any(getattr(e.event_definition, "name", None) == MESSAGE for e in ctx.thrown):
        # Lock order (engine/locks.py): all partner rows this step may number feedback for, ascending, up front.
        lock_partners(ctx.session, ctx.session.scalars(select(Signaal.partner_id).where(
            Signaal.case_id == ctx.case.id).distinct()))
    for event in ctx.thrown:
        if isinstance(event.event_definition, SignalEventDefinition):
            continue  # a broadcast inside the diagram that nothing waited for: BPMN lets it go
        name = getattr(event.event_definition, "name", None)
        if name != MESSAGE:
            ctx.record("bericht_genegeerd", None, {"message": name})
            continue
        try:
            code, signals = _targets(ctx, event.payload)
        except Refused as refused:
            _refuse(ctx, str(refused), event.payload)
            continue
        for signal in signals:
            _send(ctx, code, signal, event.payload)


def _targets(ctx, payload) -> tuple[str, list[Signaal]]:
    """The code and the signals it is about: the one or ones named, else every signal of the case."""
    if not isinstance(payload, dict):
        raise Refused("payload is geen object met een code")
    extra = set(payload) - PAYLOAD_KEYS
    if extra:
        # R21: nothing but the code leaves; a diagram that tries to add a reason or data is refused.
        raise Refused(f"onbekende velden: {', '.join(sorted(map(str, extra)))}")
    code = payload.get("code")
    if code not in FEEDBACK_CODES:
        raise Refused(f"code {code!r} is geen toegestane terugmelding")
    query = select(Signaal).where(Signaal.case_id == ctx.case.id).order_by(Signaal.id)
    if payload.get("signaal") is not None and payload.get("signalen") is not None:
        raise Refused("geef signaal of signalen, niet allebei")
    if payload.get("signalen") is not None:
        return code, _named_signals(ctx, query, payload["signalen"])
    if payload.get("signaal") is None:
        signals = ctx.session.scalars(query).all()
        if not signals:
            raise Refused("de zaak heeft geen signalen")
        return code, list(signals)
    return code, _named_signals(ctx, query, [payload["signaal"]])


def _named_signals(ctx, query, values) -> list[Signaal]:
    if not isinstance(values, list):
        raise Refused("signalen is geen lijst")
    ids = [_signal_id(value) for value in values]
    found = {s.id: s for s in ctx.session.scalars(query.where(Signaal.id.in_([i for i in ids if i is not None])))}
    for value, signal_id in zip(values, ids):
        if signal_id not in found:
            raise Refused(f"signaal {value!r} hoort niet bij deze zaak")
    return [found[i] for i in dict.fromkeys(ids)]


def _signal_id(value) -> int | None:
    return ascii_int(value)


def _send(ctx, code: str, signal: Signaal, payload) -> None:
    partner = signal.partner
    if code == "bezwaar-inwoner" and partner.type not in BEZWAAR_PARTNERS:
        _refuse(ctx, f"bezwaar-inwoner gaat alleen naar verhuurders, energie- en drinkwaterbedrijven, "
                     f"niet naar partnertype {partner.type}", payload, signal.id)
        return
    reason = _not_allowed(ctx, code, signal, partner)
    if reason:
        _refuse(ctx, reason, payload, signal.id)
        return
    ctx.session.add(Terugmelding(partner_id=partner.id, signal_id=signal.id, case_id=ctx.case.id, code=code,
                                 volgnummer=next_volgnummer(ctx.session, partner.id), created_at=ctx.now))
    if code in STATUS_FOR_CODE:
        signal.status = STATUS_FOR_CODE[code]
    ctx.session.flush()  # a second event of the same step must see this row
    ctx.record("terugmelding_verstuurd", None, {"code": code, "signal_id": signal.id, "partner": partner.naam})


def _not_allowed(ctx, code: str, signal: Signaal, partner: Partner) -> str | None:
    """Why this code may not reach this signal now (R16, R21), given what the signal's partner heard before."""
    earlier = set(ctx.session.scalars(select(Terugmelding.code).where(Terugmelding.signal_id == signal.id)))
    if code in earlier:
        return "al eerder verstuurd"
    closed = sorted(earlier & set(CLOSING_CODES))
    if closed:
        return f"het signaal hoort niet bij de hulp: eerder teruggemeld als {closed[0]}"
    if code in CLOSING_CODES and HELP in earlier:
        return f"het signaal hoort bij de geaccepteerde hulp; {code} kan niet meer"
    if code == HELP and ctx.session.scalar(select(Terugmelding.id).where(
            Terugmelding.case_id == ctx.case.id, Terugmelding.partner_id == partner.id,
            Terugmelding.code == "bezwaar-inwoner").limit(1)) is not None:
        return "deze partner kreeg bezwaar-inwoner over dit huishouden en hoort niet dat hulp is geaccepteerd"
    return None


def _refuse(ctx, reason: str, payload, signal_id: int | None = None) -> None:
    data = {"reason": reason, "payload": _loggable(payload)}
    if signal_id is not None:
        data["signal_id"] = signal_id
    ctx.record("terugmelding_geweigerd", None, data)


def _loggable(payload):
    try:
        return json_safe(payload)
    except (TypeError, ValueError):
        return repr(payload)[:500]


def lock_partners(session, partner_ids) -> dict[int, Partner]:
    """Lock these partner rows in ascending id (FOR NO KEY UPDATE: the signal inserts of other transactions hold
    a key-share lock on their partner row, which a plain FOR UPDATE would wait for and deadlock with)."""
    ids = sorted(set(partner_ids))
    if not ids:
        return {}
    return {p.id: p for p in session.scalars(for_no_key_update(select(Partner).where(Partner.id.in_(ids))
                                                                 .order_by(Partner.id)))}


def next_volgnummer(session, partner_id: int) -> int:
    """The partner's next feedback number. The partner row stays locked until this transaction commits, so a
    later number is never visible before an earlier one: a partner reading by cursor misses nothing."""
    partner = lock_partners(session, [partner_id])[partner_id]
    partner.feedback_seq += 1
    return partner.feedback_seq
