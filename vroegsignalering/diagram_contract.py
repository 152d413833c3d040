"""What the vroegsignalering domain promises its diagrams, and the rule it holds them to
(engine/definitions/diagram_contract.py).

- A new `vroegsignalering` case starts with `intake.case_data(...)`: START_VARIABLES (a test keeps them equal).
- A later signal of the household arrives as the message `nieuw_signaal` with the same keys as its payload.
- `feiten` (the assessment, assessment.py) holds FACT_KEYS.
- R25/R30: every path to an end of the top-level process registers a DDAS end result: the variable `eindresultaat`
  holds one of models.END_RESULTS whenever a case ends (engine/definitions/flow_values.py's `required_end_value`).
The engine's composition root (engine/service.py) passes `vroegsignalering_contract()` to the deploy check.
"""
from __future__ import annotations

from engine.definitions.diagram_contract import DiagramContract
from engine.definitions.flow_values import required_end_value
from .intake import MESSAGE, PROCESS_ID
from .models import END_RESULTS

START_VARIABLES = ("signaal_id", "partner_type", "soort", "product", "bedrag", "signaaldatum", "ontstaansdatum",
                   "crisis", "warme_overdracht", "postcode", "leeftijd", "feiten")
FACT_KEYS = ("brp", "naam_afwijkend", "verhuisd_binnen_gemeente", "shv", "shv_hulpverlener", "bezwaar", "uitgesloten",
             "herhaald", "onterecht", "onterecht_reden", "rechtspersoon", "ondernemer", "woongemeente")
END_RESULT_VARIABLE = "eindresultaat"


def vroegsignalering_contract() -> DiagramContract:
    return DiagramContract(
        start_variables={PROCESS_ID: START_VARIABLES},
        message_payloads={MESSAGE: START_VARIABLES},
        variable_keys={"feiten": FACT_KEYS},
        checks=(required_end_value(PROCESS_ID, END_RESULT_VARIABLE, END_RESULTS, what="een DDAS-eindresultaat"),),
    )
