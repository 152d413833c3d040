"""Forwarding a signal to the municipality where its client lives (issue 15), in the caller's transaction.

When the counsellor completes the forwarding task (form `doorsturen_gemeente`) with the receiving municipality's
CBS code (`gemeentecode`), `forward_hook` decides in the step's transaction:
- the municipality has a destination (`vroeg doorsturen set CODE URL --token-stdin`): a row in the forwarding outbox;
  the worker posts the message to `URL/signalen` (doorsturen_delivery.py) and the history says `doorgestuurd`;
- it has none: the history says `doorstuurbestand` and the case page offers the message as a JSON file for secure
  mail (services/doorsturen.download_message, access-logged).

The message is the signal in the shape of the partner API's `POST /signalen` body, as the receiving Vroeg's partner
"Gemeente <our code>" (type Overige) would send it: no product and no sociaal-incasso steps (only energy companies and
the statutory partners give those). Its `externeReferentie` is `doorgestuurd-<our code>-<signal id>`, so a redelivery
is the same signal to the receiver (200, nothing stored twice). The body is signed: header
`Vroeg-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` with as key the SHA-256 hex digest of the
partner token (what the receiving Vroeg stores of it, so it can verify without keeping the token); see `verify`."""
from __future__ import annotations

import hashlib
import re
from datetime import datetime
from decimal import Decimal
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.definitions.forms import FieldError
from engine.errors import InvalidTaskData
from engine.models import Event

from .doorsturen_models import Doorstuurbericht, Doorstuurbestemming
from .gemeente_models import Gemeente
from .models import Signaal
from .webhook_signing import signature, verify as verify_hmac
from .webhook_transport import url_problem

FORWARD_FORMS = ("doorsturen_gemeente",)
QUEUED, FILE = "doorgestuurd", "doorstuurbestand"
FEEDBACK_MESSAGE, NO_RESIDENT = "terugmelding", "geen-inwoner"  # the diagram's feedback (feedback.py)
REFERENCE_PREFIX = "doorgestuurd"
_CODE = re.compile(r"\d{4}")
CLIENT_FIELDS = (("bsn", "burgerservicenummer"), ("voorletters", "voorletters"), ("voornamen", "voornamen"),
                 ("voorvoegsel", "voorvoegsel"), ("achternaam", "achternaam"), ("geboortedatum", "geboortedatum"),
                 ("straatnaam", "straatnaam"), ("huisnummer", "huisnummer"), ("huisletter", "huisletter"),
                 ("huisnummertoevoeging", "huisnummertoevoeging"), ("postcode", "postcode"),
                 ("plaatsnaam", "plaatsnaam"), ("telefoonnummer", "telefoonnummer"), ("email", "email"))


class DoorsturenError(ValueError):
    """A destination that cannot be configured; the message says why (Dutch)."""


# --- destinations ------------------------------------------------------------------------------------------

def set_destination(session: Session, code: str, url: str, token: str, now: datetime, *,
                    automatisch: bool = False, allow_loopback: bool = False) -> Doorstuurbestemming:
    """Forward signals for municipality `code` to the Vroeg partner API at `url` (https, a public address: the
    webhooks' check) with `token` (replaces any earlier one)."""
    code, url, token = (code or "").strip(), (url or "").strip().rstrip("/"), (token or "").strip()
    if not _CODE.fullmatch(code):
        raise DoorsturenError(f"De gemeentecode moet uit vier cijfers bestaan (CBS-code), niet {code!r}.")
    if session.get(Gemeente, code) is not None:
        raise DoorsturenError(f"Gemeente {code} hoort bij deze installatie; signalen gaan daar vanzelf heen.")
    problem = url_problem(url, allow_loopback)
    if problem or urlsplit(url).query:
        raise DoorsturenError(f"url: {problem or 'geen zoekparameters'} (het adres van de partner-API, "
                              f"https://.../api/v1)")
    if not token or len(token) > 200 or any(c.isspace() for c in token):
        raise DoorsturenError("Geef het partnertoken dat de andere gemeente heeft uitgegeven (zonder spaties).")
    row = session.get(Doorstuurbestemming, code)
    if row is None:
        row = Doorstuurbestemming(gemeentecode=code)
        session.add(row)
    row.url, row.token, row.automatisch, row.gewijzigd_op = url, token, bool(automatisch), now
    session.flush()
    return row


def remove_destination(session: Session, code: str) -> bool:
    row = session.get(Doorstuurbestemming, (code or "").strip())
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def destinations(session: Session) -> list[Doorstuurbestemming]:
    return list(session.scalars(select(Doorstuurbestemming).order_by(Doorstuurbestemming.gemeentecode)))


# --- the step hook ------------------------------------------------------------------------------------------

def forward_hook(ctx) -> None:
    """Forward in the step's transaction: when the counsellor completes a forwarding task with a municipality code,
    and when the diagram reports a signal's client as no resident (`geen-inwoner`) while the BRP places them in a
    municipality whose destination is automatic. A signal goes to a municipality once."""
    for signal_id, code in _automatic(ctx):
        _forward(ctx, signal_id, code, None, automatisch=True)
    primary = ctx.primary
    if primary is None or primary.kind != "taak_afgerond" or primary.data.get("form") not in FORWARD_FORMS:
        return
    code = str((primary.data.get("data") or {}).get("gemeentecode") or "").strip()
    if not code:
        return
    if not _CODE.fullmatch(code):
        raise InvalidTaskData([FieldError("gemeentecode", "invalid",
                                          f"Een gemeentecode bestaat uit vier cijfers (CBS-code), niet {code!r}.")])
    if ctx.session.get(Gemeente, code) is not None:
        raise InvalidTaskData([FieldError("gemeentecode", "invalid", f"Gemeente {code} hoort bij deze installatie; "
                                          "een signaal voor een inwoner daarvan gaat er vanzelf heen.")])
    signal_id = forwarded_signal(ctx.session, ctx.case.id, primary.element_id)
    if signal_id is not None:
        _forward(ctx, signal_id, code, primary.element_id)


def _forward(ctx, signal_id: int, code: str, element_id: str | None, automatisch: bool = False) -> None:
    """Queue the message (a destination) or offer the file (none), with its history event; nothing when this
    signal was forwarded to this municipality before (the automatic forwarding, then the counsellor's task)."""
    earlier = [e["data"] for e in ctx.events if e["kind"] in (QUEUED, FILE)]
    earlier += ctx.session.scalars(select(Event.data).where(Event.case_id == ctx.case.id,
                                                            Event.kind.in_((QUEUED, FILE)))).all()
    if any((d or {}).get("signaal") == signal_id and (d or {}).get("gemeentecode") == code for d in earlier):
        return
    destination = ctx.session.get(Doorstuurbestemming, code)
    data = {"gemeentecode": code, "signaal": signal_id}
    if automatisch:
        data["automatisch"] = True
    if destination is not None:
        ctx.session.add(Doorstuurbericht(case_id=ctx.case.id, signal_id=signal_id, gemeentecode=code, pogingen=0,
                                         aangemaakt_op=ctx.now))
    ctx.record(QUEUED if destination is not None else FILE, element_id, data)


def _automatic(ctx):
    """(signal, municipality) for each `geen-inwoner` feedback thrown in this step whose client the BRP places in a
    municipality with an automatic destination."""
    for event in ctx.thrown:
        payload = getattr(event, "payload", None)
        if getattr(event.event_definition, "name", None) != FEEDBACK_MESSAGE or not isinstance(payload, dict) \
                or payload.get("code") != NO_RESIDENT or not isinstance(payload.get("signaal"), int):
            continue
        code = _woongemeente(ctx.completed, payload["signaal"])
        destination = ctx.session.get(Doorstuurbestemming, code) if code else None
        if destination is not None and destination.automatisch:
            yield payload["signaal"], code


def _woongemeente(tasks, signal_id: int) -> str | None:
    """The signal's `woongemeente` fact, from the case data of this step's tasks (first or later signal)."""
    for task in tasks:
        data = task.data
        if data.get("signaal_id") == signal_id and isinstance(data.get("feiten"), dict):
            return data["feiten"].get("woongemeente")
        later = data.get("nieuw_signaal")
        if isinstance(later, dict) and later.get("signaal_id") == signal_id and isinstance(later.get("feiten"), dict):
            return later["feiten"].get("woongemeente")
    return None


def forwarded_signal(session: Session, case_id: int, element_id: str | None) -> int | None:
    """The signal a forwarding task is about: the case's newest for the task of a later signal (`..._nieuw`), else
    its first."""
    newest = bool(element_id and element_id.endswith("_nieuw"))
    order = Signaal.id.desc() if newest else Signaal.id
    return session.scalar(select(Signaal.id).where(Signaal.case_id == case_id).order_by(order).limit(1))


def latest_forward(session: Session, case_id: int):
    """(gemeentecode, signal id) of the case's newest forwarding, or None."""
    event = session.scalar(select(Event).where(Event.case_id == case_id, Event.kind.in_((QUEUED, FILE)))
                           .order_by(Event.seq.desc()).limit(1))
    if event is None:
        return None
    return event.data["gemeentecode"], event.data["signaal"]


# --- the message ----------------------------------------------------------------------------------------------

def build_message(session: Session, signal_id: int, sender_code: str) -> dict | None:
    """The signal as a partner-API signal body (JSON data), or None when it is gone."""
    s = session.get(Signaal, signal_id)
    if s is None:
        return None
    message = {"externeReferentie": f"{REFERENCE_PREFIX}-{sender_code}-{s.id}", "soort": s.soort,
               "signaaldatum": s.signaaldatum.isoformat(), "crisissignaal": bool(s.crisissignaal),
               "warmeOverdracht": bool(s.warme_overdracht)}
    if s.bedrag is not None:
        message["bedrag"] = _amount(s.bedrag)
    if s.ontstaansdatum is not None:
        message["ontstaansdatum"] = s.ontstaansdatum.isoformat()
    client = {}
    for column, key in CLIENT_FIELDS:
        value = getattr(s, column)
        if value not in (None, ""):
            client[key] = value.isoformat() if hasattr(value, "isoformat") else value
    message["client"] = client
    return message


def _amount(value: Decimal) -> float:
    return float(f"{value:.2f}")


def signing_key(token: str) -> str:
    """The HMAC key: the SHA-256 hex digest of the partner token (the receiver keeps that digest, not the token)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def sign(token: str, timestamp: int, body: bytes) -> str:
    """The Vroeg-Signature header value for this body."""
    return signature(signing_key(token), timestamp, body)


def verify(token_digest: str, header: str, body: bytes, now: int) -> bool:
    """What the receiving Vroeg checks: the HMAC with the stored token digest matches, the timestamp is recent."""
    return verify_hmac(token_digest, header, body, now)
