"""The suite's apps share their routes' compiled URL builders (tests/support/routing.py), and URLs come out right."""
from __future__ import annotations

from werkzeug.routing import Map, Rule


def test_two_maps_share_a_rules_builder_and_build_their_own_urls():
    first = Map([Rule("/zaken/<int:case_id>", endpoint="zaak"), Rule("/", endpoint="index")])
    second = Map([Rule("/zaken/<int:case_id>", endpoint="zaak")])
    one, two = first._rules_by_endpoint["zaak"][0], second._rules_by_endpoint["zaak"][0]
    assert one._build.__func__ is two._build.__func__  # compiled once
    assert first.bind("vroeg.test").build("zaak", {"case_id": 7}) == "/zaken/7"
    assert second.bind("vroeg.test").build("zaak", {"case_id": 8, "pagina": 2}) == "/zaken/8?pagina=2"
    assert first.bind("vroeg.test").build("index") == "/"
