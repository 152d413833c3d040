"""The vroegsignalering domain's promise to its diagrams (vroegsignalering/diagram_contract.py) is what the
intake really puts into a case: the deploy check holds diagrams to the declared names, so the declaration must
follow the intake. A new start variable or fact without its declaration fails here, not in a process owner's
deploy."""
from __future__ import annotations

import pytest

from vroegsignalering.bootstrap import build_engine
from vroegsignalering.diagram_contract import FACT_KEYS, START_VARIABLES, vroegsignalering_contract
from vroegsignalering.intake import MESSAGE, PROCESS_ID
from tests.support import intake as base


@pytest.fixture
def vs(vs_stub):
    """The stub process deployed, four partners (tests/integration/conftest.py)."""
    return vs_stub


def test_the_declared_start_variables_and_facts_are_what_the_intake_puts_in(vs):
    ref = base.deliver(vs)
    data = base.start_data(vs, ref.case_id)
    assert set(data) == set(START_VARIABLES)
    assert set(data["feiten"]) == set(FACT_KEYS)


def test_the_message_of_a_later_signal_carries_the_same_keys(vs):
    first = base.deliver(vs)
    second = base.deliver(vs, externe_referentie="REF-2", bedrag="99.00")
    assert second.case_id == first.case_id
    delivered = [e.data for e in vs.history(first.case_id) if e.kind == "bericht_ontvangen"]
    assert [d["message"] for d in delivered] == [MESSAGE]
    assert set(delivered[0]["payload"]) == set(START_VARIABLES)


def test_the_engine_is_built_with_the_domain_contract(settings, clock):
    engine = build_engine(settings, clock)
    try:
        assert dict(engine.contract.start_variables) == dict(vroegsignalering_contract().start_variables)
        assert set(engine.contract.start_variables[PROCESS_ID]) == set(START_VARIABLES)
        assert len(engine.contract.checks) == 1
    finally:
        engine.db.dispose()
