"""The shape check of a draft's files and name (no database): what may be saved as a bundle."""
from __future__ import annotations

import pytest

from engine.definitions.drafts import MAX_FILES, file_problems, name_problems

BPMN = "<definitions/>"


def test_a_bundle_of_diagrams_and_forms_is_accepted():
    assert file_problems({"proces.bpmn": BPMN, "prioriteit.dmn": "<d/>", "forms/eerste_gesprek.json": "{}"}) == []


@pytest.mark.parametrize("path", ["../proces.bpmn", "sub/proces.bpmn", "proces.txt", "forms/Gesprek.json",
                                  "forms/a-b.json", "forms/../x.json", "/abs.bpmn", ""])
def test_a_path_outside_the_bundle_shape_is_named(path):
    problems = file_problems({"proces.bpmn": BPMN, path: "x"})
    assert len(problems) == 1 and repr(path) in problems[0]


def test_a_bundle_needs_a_bpmn_file_and_text_contents():
    assert file_problems({"forms/a.json": "{}"}) == ["Een concept heeft minstens één BPMN-bestand (.bpmn) nodig."]
    assert file_problems({"proces.bpmn": 12}) == ["De inhoud van proces.bpmn moet tekst zijn."]
    assert file_problems(["proces.bpmn"]) == ["De bestanden moeten een JSON-object zijn: {pad: tekst}."]


def test_too_many_or_too_large_files_are_refused():
    many = {f"p{i}.bpmn": BPMN for i in range(MAX_FILES + 1)}
    assert any("hoogstens" in p for p in file_problems(many))
    assert any("te groot" in p for p in file_problems({"p.bpmn": "x" * 2_000_001}))


@pytest.mark.parametrize("name, ok", [("Vroegsignalering", True), ("  ", False), (None, False), ("x" * 201, False)])
def test_a_draft_needs_a_short_name(name, ok):
    assert (name_problems(name) == []) is ok
