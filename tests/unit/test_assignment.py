"""Reassignment rules without a database: who may do which task, which refusals are given, which variable syncs."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from engine.runtime.assignment import describe_task, may_do, problems_for, simple_variable
from engine.roles import AUDITOR, BEHEERDER, COORDINATOR, HULPVERLENER, PROCESEIGENAAR


def task(id=12, case_id=5, name="Contactpoging", role="hulpverlener", status="open"):
    return SimpleNamespace(id=id, case_id=case_id, name=name, role=role, status=status)


def user(username="anna", role=HULPVERLENER, active=True):
    return SimpleNamespace(username=username, role=role, active=active)


@pytest.mark.parametrize("user_role, task_role, allowed", [
    (HULPVERLENER, "hulpverlener", True), (HULPVERLENER, None, True), (HULPVERLENER, "coordinator", False),
    (COORDINATOR, "hulpverlener", True), (COORDINATOR, "coordinator", True), (COORDINATOR, None, True),
    (HULPVERLENER, " Hulpverlener ", True), (COORDINATOR, "", True),
    (AUDITOR, "hulpverlener", False), (PROCESEIGENAAR, None, False), (BEHEERDER, "coordinator", False),
    (HULPVERLENER, "jurist", False),
])
def test_who_may_do_a_task(user_role, task_role, allowed):
    assert may_do(user_role, task_role) is allowed


def test_a_task_is_named_with_its_name_and_case():
    assert describe_task(task()) == "taak 12 (Contactpoging) van zaak 5"
    assert describe_task(task(name=None)) == "taak 12 van zaak 5"


def test_no_problems_for_an_open_task_and_a_fitting_colleague():
    assert problems_for([task(), task(id=13, role=None)], user(), "anna") == []
    assert problems_for([task(role="coordinator")], None, None) == []  # back to the queue: any role


def test_each_refused_task_is_named_with_its_reason():
    rows = [task(id=1, status="done"), task(id=2, name="Termijn overschreden", role="coordinator"), task(id=3)]
    assert problems_for(rows, user(), "anna") == [
        "De taak 1 (Contactpoging) van zaak 5 is niet meer open (status done).",
        "De taak 2 (Termijn overschreden) van zaak 5 is voor de rol coordinator; anna heeft de rol hulpverlener.",
    ]


def test_unknown_and_inactive_colleagues_are_refused():
    assert problems_for([task()], None, "nobody") == ["Medewerker 'nobody' bestaat niet."]
    assert problems_for([task()], user(active=False), "anna") == ["Medewerker anna is niet actief."]
    assert problems_for([task()], user(role=AUDITOR), "anna") == [
        "De taak 12 (Contactpoging) van zaak 5 is voor de rol hulpverlener; anna heeft de rol auditor."]


@pytest.mark.parametrize("expression, variable", [
    ("behandelaar", "behandelaar"), ("  behandelaar ", "behandelaar"), ("feiten['shv_hulpverlener']", None),
    ("a or b", None), ("", None), (None, None), ("'anna'", None), ("None", None),
])
def test_only_a_plain_variable_is_written_back(expression, variable):
    assert simple_variable(expression) == variable
