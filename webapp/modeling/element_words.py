"""Dutch words for the kinds of BPMN, DMN and form elements, for the process owner's pages (heat map, diff, element
lists): a process owner reads "Grensgebeurtenis", not `boundaryEvent` or `bpmn:DataInputAssociation`. The auditor's
diagram module has the same words for the kinds it draws; this adds the rest."""
from __future__ import annotations

from webapp.audit.bpmn import KIND_LABELS

EXTRA = {
    "sequenceFlow": "Pijl (volgorde)", "messageFlow": "Berichtpijl", "association": "Verbinding",
    "dataInputAssociation": "Gegevens in", "dataOutputAssociation": "Gegevens uit",
    "dataObject": "Gegevensobject", "dataObjectReference": "Gegevensobject", "dataStoreReference": "Gegevensopslag",
    "dataInput": "Invoergegeven", "dataOutput": "Uitvoergegeven", "ioSpecification": "Invoer en uitvoer",
    "textAnnotation": "Notitie", "group": "Groep", "lane": "Baan (rol)", "laneSet": "Banen", "participant": "Deelnemer",
    "collaboration": "Samenwerking", "message": "Bericht", "signal": "Signaal", "error": "Fout", "escalation": "Escalatie",
    "timerEventDefinition": "Timer", "messageEventDefinition": "Bericht", "conditionExpression": "Voorwaarde",
    "complexGateway": "Complexe splitsing", "transaction": "Transactie", "adHocSubProcess": "Ad-hocsubproces",
    "definitions": "Definities",
    # DMN
    "decision": "Beslissing", "decisionTable": "Beslistabel", "rule": "Regel", "input": "Invoerkolom",
    "output": "Uitvoerkolom", "inputData": "Invoergegeven", "knowledgeSource": "Kennisbron",
    "businessKnowledgeModel": "Kennismodel", "literalExpression": "Expressie",
    # task forms
    "form": "Formulier", "field": "Formulierveld",
}
WORDS = {**EXTRA, **KIND_LABELS}


def kind_nl(kind: str | None) -> str:
    """'bpmn:DataInputAssociation' or 'boundaryEvent' -> its Dutch word; an unknown kind as it is, without prefix."""
    if not kind:
        return ""
    bare = kind.rsplit(":", 1)[-1]
    bare = bare[:1].lower() + bare[1:]
    return WORDS.get(bare, bare)
