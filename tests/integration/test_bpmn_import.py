"""Importing a .bpmn file made elsewhere: accepted as a draft (with what blocks a deploy) or refused with a reason,
never an exception: all 21 BPMN MIWG reference files, plus malformed, foreign and empty input."""
import re

import pytest
from lxml import etree

from engine.definitions.drafts import file_problems
from engine.modeling.bpmn_import import MAX_IMPORT_CHARS, check_import, decode_xml
from tests.conftest import DATA
from tests.support.process_owner import MIWG

MIWG_FILES = sorted(MIWG.glob("*.bpmn")) if MIWG.is_dir() else []
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
UNSUPPORTED = {"complexGateway", "serviceTask", "adHocSubProcess", "globalTask", "globalUserTask", "dataStore",
               "dataStoreReference", "compensateEventDefinition", "linkEventDefinition"}

CLEAN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="http://x">
  <bpmn:process id="eenvoudig" name="Eenvoudig" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="tel" name="Tellen"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>teller = 1</bpmn:script></bpmn:scriptTask>
    <bpmn:intermediateCatchEvent id="wacht" name="Week wachten"><bpmn:incoming>f2</bpmn:incoming>
      <bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:timerEventDefinition><bpmn:timeDuration>{timer}</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="einde"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="tel"/>
    <bpmn:sequenceFlow id="f2" sourceRef="tel" targetRef="wacht"/>
    <bpmn:sequenceFlow id="f3" sourceRef="wacht" targetRef="einde"/>
  </bpmn:process>
</bpmn:definitions>
"""


def owner_id(element) -> str:
    node = element
    while node is not None and not (node.get("id") and not etree.QName(node).localname.endswith("EventDefinition")):
        node = node.getparent()
    return node.get("id") if node is not None else ""


def test_the_reference_folder_holds_all_21_files():
    assert len(MIWG_FILES) == 21


@pytest.mark.parametrize("path", MIWG_FILES, ids=lambda p: p.name)
def test_each_reference_file_is_accepted_or_refused_with_a_reason_per_unsupported_element(engine, path):
    raw = path.read_bytes()
    result = engine.check_import(path.name, decode_xml(raw))
    tree = etree.fromstring(raw, etree.XMLParser(resolve_entities=False, no_network=True))
    process_ids = [p.get("id") for p in tree.findall(f"{{{BPMN}}}process")]
    ids = {el.get("id") for el in tree.iter() if isinstance(el.tag, str) and el.get("id")}
    assert all(p.reason and p.element_type for p in result.problems)
    assert all(p.element_id in ids for p in result.problems if p.element_id)
    if result.accepted:
        assert result.process_ids == process_ids and process_ids
        [(name, text)] = result.files.items()
        assert file_problems(result.files) == [] and name.endswith(".bpmn")
        assert etree.fromstring(text.encode("utf-8")) is not None  # stored as UTF-8, whatever the file declared
    else:
        assert result.problems and not result.files
    unsupported = {owner_id(el) for el in tree.iter()
                   if isinstance(el.tag, str) and etree.QName(el).localname in UNSUPPORTED}
    blocked = {p.element_id for p in result.problems if p.blocking}
    assert unsupported <= blocked, f"no reason given for {sorted(unsupported - blocked)}"
    assert not result.deployable or not unsupported


def test_what_the_reference_files_are_refused_for_reads_as_a_reason(engine):
    results = {p.name: engine.check_import(p.name, decode_xml(p.read_bytes())) for p in MIWG_FILES}
    reasons = {(name, p.element_type, p.reason) for name, r in results.items() for p in r.problems}
    assert ("C.6.0.bpmn", "compensateEventDefinition",
            "compensatie wordt niet ondersteund: maak het terugdraaien een gewone stap") in reasons
    assert any(name == "C.1.1.bpmn" and kind == "serviceTask" and reason.startswith("serviceTask wordt niet")
               for name, kind, reason in reasons)
    assert ("C.9.1.bpmn", "boundaryEvent", 'timer P7D moet tussen aanhalingstekens: timerexpressies zijn Python, '
                                           'schrijf "P7D"') in reasons
    assert ("C.9.1.bpmn", "userTask", "een taak zonder formulier kan niet door een medewerker worden uitgevoerd: "
                                      "kies een formulier (eigenschap 'formulier')") in reasons
    assert results["A.1.0.bpmn"].accepted and not results["A.1.0.bpmn"].deployable
    [only] = results["A.1.0.bpmn"].problems
    assert only.element_type == "process" and "niet uitvoerbaar" in only.reason


def test_a_clean_diagram_is_deployable_and_its_files_deploy(engine):
    result = engine.check_import("eenvoudig.bpmn", CLEAN.format(timer='"P7D"'))
    assert (result.accepted, result.deployable, result.problems, result.process_ids) == (True, True, [],
                                                                                         ["eenvoudig"])
    assert engine.deploy(result.files, actor="po") == [("eenvoudig", 1)]


def test_an_unquoted_timer_is_a_blocking_problem_of_its_event(engine):
    result = engine.check_import("eenvoudig.bpmn", CLEAN.format(timer="P7D"))
    assert result.accepted and not result.deployable
    assert [(p.element_id, p.element_type, p.blocking) for p in result.problems] == [
        ("wacht", "intermediateCatchEvent", True)]


def test_the_basis_diagram_needs_its_forms_and_a_lane_that_is_no_role_is_a_warning(engine):
    text = (DATA / "basis" / "basis.bpmn").read_text().replace('name="coordinator"', 'name="Teamleider"')
    result = engine.check_import("basis.bpmn", text)
    assert result.accepted and result.process_ids == ["basis"]
    reasons = {(p.element_id, p.blocking): p.reason for p in result.problems}
    assert reasons[("contactpoging", True)] == ("formulier 'contactpoging' zit niet in het concept: voeg "
                                                "forms/contactpoging.json toe")
    assert reasons[("Lane_co", False)].startswith("baan 'Teamleider' is geen rol van Vroeg")


@pytest.mark.parametrize("text, element_type, reason", [
    ("", "bestand", "het bestand is leeg"),
    ("   \n ", "bestand", "het bestand is leeg"),
    ("<bpmn:definitions xmlns:bpmn='x'>\n<a>", "xml", "geen geldige XML: regel 2, kolom"),
    ("<?xml version='1.0'?><html><body/></html>", "definitions", "geen BPMN 2.0-diagram: het hoofdelement is <html>"),
    ((DATA.parent.parent / "processes" / "prioriteit.dmn").read_text(), "definitions", "dit is een DMN-bestand"),
    (f"<definitions xmlns='{BPMN}'/>", "definitions", "het bestand bevat geen proces"),
    ("<!DOCTYPE d [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'>]><d>&b;</d>", "definitions",
     "het bestand bevat een DOCTYPE (DTD)"),
    ("x" * (MAX_IMPORT_CHARS + 1), "bestand", "het bestand is te groot"),
    (None, "bestand", "het bestand is geen tekst"),
], ids=["empty", "blank", "malformed", "html", "dmn", "no-process", "entities", "huge", "not-text"])
def test_input_that_cannot_be_opened_is_refused_with_one_reason(engine, text, element_type, reason):
    result = engine.check_import("import.bpmn", text)
    assert not result.accepted and not result.files and not result.deployable
    [problem] = result.problems
    assert problem.element_type == element_type and problem.blocking
    assert problem.reason.startswith(reason), problem.reason


def test_the_malformed_xml_reason_gives_line_and_column():
    [problem] = check_import("x.bpmn", "<a>\n  <b>\n</a>").problems
    assert re.match(r"geen geldige XML: regel 3, kolom \d+: ", problem.reason), problem.reason


def test_a_failing_check_is_reported_not_raised(monkeypatch):
    import engine.modeling.bpmn_import as bpmn_import

    def broken(*args):
        raise RuntimeError("boom")

    monkeypatch.setattr(bpmn_import, "_element_problems", broken)
    result = check_import("eenvoudig.bpmn", CLEAN.format(timer='"P7D"'))
    assert not result.accepted
    assert result.problems[0].reason == "het bestand kon niet worden gecontroleerd (RuntimeError)"


def test_uploaded_bytes_are_decoded_by_their_declaration():
    latin = '<?xml version="1.0" encoding="ISO-8859-1"?><a name="café"/>'.encode("latin-1")
    assert 'name="café"' in decode_xml(latin)
    assert decode_xml(b"\xef\xbb\xbf<a/>") == "<a/>"
    assert decode_xml("<a>é</a>".encode("utf-8")) == "<a>é</a>"
    result = check_import("a.bpmn", decode_xml(latin))
    assert not result.accepted  # decoded fine; refused because it is no BPMN


def test_cli_check_import(vroeg, tmp_path):
    good = tmp_path / "eenvoudig.bpmn"
    good.write_text(CLEAN.format(timer='"P7D"'), encoding="utf-8")
    result = vroeg("processes", "check-import", str(good))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == ("eenvoudig.bpmn: geaccepteerd als concept; processen: eenvoudig; "
                                     "kan gedeployed worden")
    bad = tmp_path / "fout.bpmn"
    bad.write_text(CLEAN.format(timer="P7D"), encoding="utf-8")
    result = vroeg("processes", "check-import", str(bad))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith("BLOKKEERT: wacht (intermediateCatchEvent): timer P7D moet")
    assert result.stderr.splitlines()[-1].endswith("nog niet te deployen")
