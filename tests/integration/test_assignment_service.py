"""Reassigning cases through vroegsignalering.services.assignment, without Flask: only a coordinator may, and a
refusal (of the actor or of the assignee) changes nothing."""
from __future__ import annotations

import pytest

from engine.runtime.assignment import AssignmentError
from engine.errors import NotAllowed
from engine.roles import AUDITOR, BEHEERDER, COORDINATOR, HULPVERLENER, PROCESEIGENAAR
from vroegsignalering.services.assignment import reassign_cases
from vroegsignalering.services.tasks import Actor
from tests.support.assignment import assignees, events, staff
from tests.support.worklist import make_cases

CORA = Actor("cora", COORDINATOR)


def test_a_coordinator_gives_the_cases_open_tasks_to_a_colleague(vs, web, partner):
    staff(vs, "anna")
    a, b = make_cases(vs, web, partner, 2)
    result = reassign_cases(vs, CORA, [b, a, a], "anna")
    assert result.case_ids == (a, b) and len(result.task_ids) == 2
    assert assignees(vs, a) == assignees(vs, b) == {"anna"}
    assert [actor for actor, *_ in events(vs, a)] == ["cora"]
    reassign_cases(vs, CORA, [a], None)  # back to the team queue
    assert assignees(vs, a) == {None}


@pytest.mark.parametrize("role", [HULPVERLENER, AUDITOR, PROCESEIGENAAR, BEHEERDER])
def test_anyone_else_is_refused_and_nothing_changes(vs, web, partner, role):
    staff(vs, "anna")
    [a] = make_cases(vs, web, partner, 1)
    with pytest.raises(NotAllowed):
        reassign_cases(vs, Actor("iemand", role), [a], "anna")
    assert assignees(vs, a) == {None} and events(vs, a) == []


def test_an_assignee_who_cannot_take_cases_is_refused_for_every_case(vs, web, partner):
    staff(vs, "audrey", role="auditor")
    a, b = make_cases(vs, web, partner, 2)
    with pytest.raises(AssignmentError) as refused:
        reassign_cases(vs, CORA, [a, b], "audrey")
    assert refused.value.problems == ["Medewerker audrey bestaat niet of kan geen zaken behandelen."]
    with pytest.raises(AssignmentError, match="Zaak 999 heeft geen open taken."):
        reassign_cases(vs, CORA, [a, 999], None)
    assert assignees(vs, a) == assignees(vs, b) == {None} and events(vs, a) == []
