"""engine/definitions/diagram_xml.py: the one parser every reader of a diagram goes through, SpiffWorkflow's included.
Issue 10: a DTD internal entity hid an expression from the deploy check (which left entities alone) while
SpiffWorkflow's parser expanded it. Any DOCTYPE is now refused, with a Dutch reason, before anyone reads the file."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.definitions.diagram_xml import DOCTYPE_REFUSED, DiagramXmlError, parse_diagram
from engine.spiff import parse_bundle
from engine.definitions.versions import read_bundle

BASIS = Path(__file__).parent.parent / "data" / "basis"
ESCAPE = "().__class__.__base__.__subclasses__()"


def with_entity(text: str, old: str, new: str, root: str) -> str:
    """The text with a DOCTYPE declaring entity `x` (the escape), and `old` replaced by `new` (which uses &x;)."""
    assert old in text
    head, _, rest = text.partition("?>")
    return f"{head}?>\n<!DOCTYPE {root} [<!ENTITY x \"{ESCAPE}\">]>{rest.replace(old, new, 1)}"


@pytest.mark.parametrize("text", [
    "<!DOCTYPE d [<!ENTITY a 'x'>]><d>&a;</d>",
    "<!DOCTYPE d SYSTEM 'http://example.org/d.dtd'><d/>",
    "<!DOCTYPE d><d/>",
    "<?xml version='1.0'?>\n<!DOCTYPE d [<!ENTITY a 'aa'><!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'>]><d>&b;</d>",
    "<!DOCTYPE d [<!ENTITY a 'x'>]><d>&a;<e></d>",  # malformed as well: the DOCTYPE is still the reason
])
def test_any_doctype_is_refused_in_dutch(text):
    with pytest.raises(DiagramXmlError) as refused:
        parse_diagram(text)
    assert refused.value.reason == DOCTYPE_REFUSED
    assert refused.value.line is not None


def test_a_plain_diagram_parses_and_comments_can_be_left_out():
    root = parse_diagram("<?xml version='1.0' encoding='ISO-8859-1'?><d><!-- x --><?pi y?><e/></d>",
                         remove_comments=True)
    assert [child.tag for child in root] == ["e"]


@pytest.mark.parametrize("text, reason", [
    ("<a>\n<b>\n</a>", "begin- en eindtag passen niet bij elkaar: <b> (regel 2) wordt gesloten met </a>"),
    ("", "het document is leeg"),
    ("<a b='1' b='2'/>", "attribuut b staat twee keer op hetzelfde element"),
    ("<a>&</a>", "een losse '&': schrijf &amp;amp;"),
    ("<x:a/>", "het namespace-voorvoegsel 'x' (bij a) is niet gedeclareerd"),
])
def test_malformed_xml_is_said_in_dutch_with_line_and_column(text, reason):
    with pytest.raises(DiagramXmlError) as refused:
        parse_diagram(text)
    assert refused.value.reason == reason


def test_spiffworkflow_gets_our_tree_never_the_text():
    """The entity trick in a BPMN condition never reaches SpiffWorkflow's own (entity-expanding) parser."""
    files = read_bundle([BASIS], BASIS / "forms")
    parse_bundle(files)  # the plain bundle parses
    files["basis.bpmn"] = with_entity(files["basis.bpmn"], "<bpmn:conditionExpression>crisis<",
                                      "<bpmn:conditionExpression>&x;<", "bpmn:definitions")
    with pytest.raises(DiagramXmlError) as refused:
        parse_bundle(files)
    assert refused.value.reason == DOCTYPE_REFUSED
