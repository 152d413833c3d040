"""The process owner's heat map and diff name elements by their name and Dutch kind, the id only as secondary text."""
from __future__ import annotations

import re

import pytest

from tests.support.process_owner import SIGNAAL, deploy_second_version, version_id
from webapp.modeling.element_words import kind_nl


@pytest.mark.parametrize("kind, word", [
    ("boundaryEvent", "Grensgebeurtenis"), ("bpmn:DataInputAssociation", "Gegevens in"),
    ("bpmn:UserTask", "Gebruikerstaak"), ("exclusiveGateway", "Exclusieve splitsing"), ("rule", "Regel"),
    ("field", "Formulierveld"), ("bpmn:SomethingNew", "somethingNew"), (None, ""),
])
def test_kinds_in_dutch(kind, word):
    assert kind_nl(kind) == word


def test_the_heat_map_lists_names_and_kinds(basis, basis_web, owner):
    basis.start_case("basis", SIGNAAL, actor="test")
    html = basis_web.get(f"/processen/versies/{version_id(basis)}/hittekaart").get_data(as_text=True)
    table = html.partition("Aantallen per element")[2]
    assert "Signaal ontvangen <span class=\"element-soort\">(startgebeurtenis)</span>" in table
    assert '<code class="element-id">start</code>' in table
    assert not re.search(r'<th scope="row" class="utrecht-table__header-cell"><code>', table)


def test_the_diff_names_the_element_and_its_kind(basis, basis_web, owner):
    v1, v2 = version_id(basis), deploy_second_version(basis)
    html = basis_web.get(f"/processen/verschil?a={v1}&b={v2}").get_data(as_text=True)
    rows = re.findall(r'<tr class="utrecht-table__row" data-element="([^"]+)">\s*<th[^>]*>([^<]*)<code[^>]*>[^<]*</code>'
                      r'<span class="bestandsnaam">[^<]*</span></th>\s*<td class="utrecht-table__cell">([^<]*)</td>',
                      html)
    assert rows, html[:2000]
    assert ("herinnering_14d", "14 dagen ", "Grensgebeurtenis") in rows
    assert "boundaryEvent" not in html
