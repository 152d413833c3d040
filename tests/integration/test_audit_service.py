"""The auditor's reads through vroegsignalering.services.audit, without Flask: only the auditor may read a case's
history, export or replay; each read is written to the access log in its own transaction, and a refused or failed
read writes nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.history.audit import event_content
from engine.errors import NotAllowed, UnknownCase
from engine.models import AccessLogEntry
from engine.roles import AUDITOR, BEHEERDER, COORDINATOR, HULPVERLENER, PROCESEIGENAAR
from vroegsignalering.services import audit
from vroegsignalering.services.audit import NoSuchStep
from vroegsignalering.services.tasks import Actor

AUDREY = Actor("audrey", AUDITOR)


@pytest.fixture
def case_id(basis):
    data = {"crisis": False, "signaaldatum": "2026-11-27"}
    return basis.start_case("basis", data, actor="test", correlation_key="huishouden-1").id


def _logged(engine) -> list[tuple]:
    with engine.uow() as uow:
        return list(uow.session.execute(select(AccessLogEntry.username, AccessLogEntry.case_id, AccessLogEntry.action,
                                               AccessLogEntry.detail).order_by(AccessLogEntry.id)))


def _count(engine) -> int:
    with engine.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(AccessLogEntry))


def test_the_history_is_read_and_logged_together(basis, case_id):
    found = audit.open_case_history(basis, AUDREY, case_id, check=True)
    assert found.case.id == case_id and found.case.process_id == "basis"
    assert [e.seq for e in found.events] == list(range(1, len(found.events) + 1))
    assert found.check == (len(found.events), [])
    assert found.version is not None and found.version.id == found.case.version_id
    assert _logged(basis) == [("audrey", case_id, "geschiedenis_bekeken", "historie gecontroleerd")]
    assert [(e.username, e.action) for e in found.access] == [("audrey", "geschiedenis_bekeken")]


def test_an_export_carries_what_each_hash_covers_and_is_logged(basis, case_id):
    found = audit.export_history(basis, AUDREY, case_id, detail="historie als JSON")
    assert found.check is None and found.at == basis.clock.now()
    original = basis.history(case_id)
    assert [event_content(e) for e in found.events] == [event_content(e) for e in original]
    assert [e.hash for e in found.events] == [e.hash for e in original]
    assert _logged(basis) == [("audrey", case_id, "export", "historie als JSON")]


def test_a_replay_step_is_logged_and_a_missing_step_is_not(basis, case_id):
    step = audit.open_replay_step(basis, AUDREY, case_id, 1)
    assert step.state["seq"] == 1 and step.last >= 1
    with pytest.raises(NoSuchStep) as missing:
        audit.open_replay_step(basis, AUDREY, case_id, step.last + 1)
    assert missing.value.last == step.last
    assert _logged(basis) == [("audrey", case_id, "replay_bekeken", "stap 1")]


@pytest.mark.parametrize("role", [HULPVERLENER, COORDINATOR, PROCESEIGENAAR, BEHEERDER])
def test_only_the_auditor_reads_and_a_refusal_logs_nothing(basis, case_id, role):
    someone = Actor("iemand", role)
    with pytest.raises(NotAllowed):
        audit.open_case_history(basis, someone, case_id)
    with pytest.raises(NotAllowed):
        audit.export_history(basis, someone, case_id, detail="historie als JSON")
    with pytest.raises(NotAllowed):
        audit.open_replay_step(basis, someone, case_id, 1)
    assert _count(basis) == 0


def test_an_unknown_case_logs_nothing(basis):
    with pytest.raises(UnknownCase):
        audit.open_case_history(basis, AUDREY, 999)
    with pytest.raises(UnknownCase):
        audit.open_replay_step(basis, AUDREY, 999, 1)
    assert _count(basis) == 0
