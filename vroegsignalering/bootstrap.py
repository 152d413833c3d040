"""The composition root: the one place that wires the generic engine to this domain.

Every door (web app, CLI, worker, tests, benchmarks) builds its engine here, so each gets the same hooks, diagram
contract and leading deadline kinds; only what a caller may vary (clock, database engine, password hasher) is a
parameter."""
from __future__ import annotations

from engine.clock import Clock
from engine.service import Engine

from .diagram_contract import vroegsignalering_contract
from .hooks import default_hooks
from .scope import install as install_scope
from .termijnen import LEADING_KINDS


def build_engine(settings, clock: Clock | None = None, *, db_engine=None, password_hasher=None) -> Engine:
    """The engine for vroegsignalering: step hooks (feedback outbox, case row, contact attempts, reassignment after
    an escalation), the domain's diagram contract, the statutory deadline as the one that makes work late, and
    the municipality scope on every session (scope.py)."""
    engine = Engine(settings, clock, db_engine, contract=vroegsignalering_contract(), hooks=default_hooks(settings),
                    leading_deadline_kinds=LEADING_KINDS, password_hasher=password_hasher)
    install_scope(engine.session_factory)  # a staff member sees only their municipalities' cases (scope.py)
    return engine
