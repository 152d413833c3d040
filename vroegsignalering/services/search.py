"""The counsellors' search (`/zoeken`): the cases one search box finds (`queries.audit_search.search_free`), each
written to the access log (`gevonden`) in the same transaction as the search, as the list shows the residents' names
and addresses (R29)."""
from __future__ import annotations

from engine.history.access_log import record_access

from ..queries.audit_search import LIMIT, Hit, free_text_conditions, hits_where
from .tasks import Actor


def find_cases(engine, actor: Actor, text: str, limit: int = LIMIT) -> tuple[list[Hit], bool]:
    """The cases `text` finds, newest first (at most `limit`, and whether there were more); each one listed is
    logged for `actor`."""
    conditions = free_text_conditions(text)
    if not conditions:
        return [], False
    with engine.uow() as uow:
        hits, more = hits_where(uow.session, conditions, limit)
        for hit in hits:
            record_access(uow.session, username=actor.username, role=actor.role, case_id=hit.id,
                          action="gevonden", at=engine.clock.now(), detail="zoeken")
        uow.commit()
    return hits, more
