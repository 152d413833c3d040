"""The auditor's timeline speaks Dutch: labels for the engine's data keys and code words, the partner's name as who
did it, "niet ingevuld" for an empty value; the JSON export keeps the stored keys the hashes cover."""
from __future__ import annotations

import re

from tests.support.process import closed_case
from webapp.audit.labels import KEY_LABELS, key_label, text_value


def shown_keys(html: str) -> set[str]:
    return set(re.findall(r'<div class="audit-gegevens__rij"><dt>([^<]*)</dt>', html))


def test_the_timeline_shows_dutch_labels_and_the_partners_name(vs, auditor, stroomnet, clock):
    case_id = closed_case(vs, auditor, stroomnet, clock)
    html = auditor.get(f"/audit/zaken/{case_id}").get_data(as_text=True)
    keys = shown_keys(html)
    for engine_key in ("chosen", "kind", "task_id", "process_id", "form", "data"):
        assert engine_key not in keys, engine_key
    assert {"Gekozen weg", "Soort", "Proces", "Formulier", "Ingevulde gegevens"} <= keys
    assert "splitsing (keuze in het diagram)" in html
    # the chosen way by the element's name, its id as secondary text
    assert re.search(r'Gekozen weg</dt><dd>[^<>]+ <code class="audit-id">[a-z_]+</code>', html)
    assert "Stroomnet (signaalpartner)" in html and "partner:Stroomnet" not in html
    assert "(leeg)" not in html
    export = auditor.get(f"/audit/zaken/{case_id}/export.json").get_json()
    assert any("chosen" in (e.get("data") or {}) for e in export["gebeurtenissen"])  # stored keys stay


def test_the_replay_uses_the_same_words(vs, auditor, stroomnet, clock):
    case_id = closed_case(vs, auditor, stroomnet, clock)
    html = auditor.get(f"/audit/zaken/{case_id}/stap/1").get_data(as_text=True)
    assert "process_id" not in shown_keys(html) and "(leeg)" not in html


def test_unknown_keys_and_values_stay_as_they_are():
    assert key_label("kanaal") == "kanaal" and key_label(3) == "3" and key_label("chosen") == KEY_LABELS["chosen"]
    assert text_value("kind", "gateway").startswith("splitsing") and text_value("kind", "iets") == "iets"
    assert text_value(None, "gateway") == "gateway"
