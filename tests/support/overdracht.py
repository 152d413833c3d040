"""The handover dossier's documented JSON Schema and a handover's answers, for the dossier and delivery tests."""
from __future__ import annotations

import json

import jsonschema

from tests.conftest import ROOT

SCHEMA = json.loads((ROOT / "docs" / "overdrachtsdossier.schema.json").read_text(encoding="utf-8"))
HANDOVER = {"vervolghulp": "schuldhulpverlening", "overgenomen_door": "Schuldhulp Oost, M. Bakker",
            "driegesprek": True, "toelichting": "Driegesprek op 4 december."}


def assert_valid(dossier: dict) -> None:
    """The dossier fits docs/overdrachtsdossier.schema.json, formats (date, date-time) checked."""
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    assert {"date", "date-time"} <= set(checker.checkers)
    validator = jsonschema.Draft202012Validator(SCHEMA, format_checker=checker)
    assert [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(dossier)] == []
