"""The scope's criteria are built once per scope (vroegsignalering/scope.py) and still read the account's
municipalities within each statement: a membership changed after the criteria were built counts at once."""
from __future__ import annotations

from sqlalchemy import select

from engine.models import User
from vroegsignalering.scope import Scope, _criteria, acting_in


def visible_usernames(engine, scope: Scope) -> list[str]:
    with engine.uow() as uow, acting_in(scope):
        return sorted(uow.session.scalars(select(User.username)))


def test_criteria_are_built_once_and_a_changed_membership_counts_at_once(vroeg, engine):
    assert vroeg("gemeente", "add", "0479", "--naam", "Gemeente Zaanstad").exit_code == 0
    assert vroeg("user", "add", "els", "--rol", "coordinator", "--gemeente", "0363").exit_code == 0
    assert vroeg("user", "add", "kees", "--rol", "hulpverlener", "--gemeente", "0479").exit_code == 0
    with engine.uow() as uow:
        els = uow.session.scalar(select(User.id).where(User.username == "els"))
    scope = Scope(user_id=els, first="0363")
    assert visible_usernames(engine, scope) == ["els"]
    assert _criteria(scope) is _criteria(Scope(user_id=els, first="0363"))  # one set per scope, shared
    assert vroeg("user", "gemeente", "els", "--gemeente", "0363", "--gemeente", "0479").exit_code == 0
    assert visible_usernames(engine, scope) == ["els", "kees"]
    assert visible_usernames(engine, Scope(gemeenten=frozenset({"0479"}))) == ["els", "kees"]  # both work there
