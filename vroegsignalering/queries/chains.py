"""The check of every hash chain at once (all cases and the system chain, `engine.audit.verify_chains`), its breaks
paged, each with the event where its chain breaks when that event still exists."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from engine.history.audit import verify_chains
from engine.models import Event


@dataclass(frozen=True)
class BrokenChain:
    chain: str
    case_id: int | None  # None for the system chain
    seq: int
    reason: str  # engine.audit's reason, in English
    occurred_at: datetime | None = None
    kind: str | None = None


@dataclass(frozen=True)
class ChainCheck:
    checked: int  # events checked
    total: int  # broken chains
    breaks: list  # BrokenChain, those of this page
    page: int
    pages: int


def check_all_chains(engine, *, page: int = 1, per_page: int = 50) -> ChainCheck:
    """Verify every chain; the breaks of one page (a page past the last is the last)."""
    with engine.uow() as uow:
        checked, breaks = verify_chains(uow.session)
        pages = max(1, -(-len(breaks) // per_page))
        page = min(max(page, 1), pages)
        shown = [_broken(uow.session, b) for b in breaks[(page - 1) * per_page:page * per_page]]
    return ChainCheck(checked, len(breaks), shown, page, pages)


def _broken(session, chain_break) -> BrokenChain:
    case_id = int(chain_break.chain.split(":", 1)[1]) if chain_break.chain.startswith("zaak:") else None
    event = session.scalar(select(Event).where(Event.chain == chain_break.chain, Event.seq == chain_break.seq))
    occurred_at, kind = (event.occurred_at, event.kind) if event is not None else (None, None)
    return BrokenChain(chain_break.chain, case_id, chain_break.seq, chain_break.reason, occurred_at, kind)
