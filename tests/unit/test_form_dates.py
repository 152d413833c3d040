"""Dates in forms checked for sense: the field options and their Dutch messages."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from engine.definitions.form_dates import local_today
from engine.definitions.forms import FormDefinitionError, parse_form, validate_submission

FORM = {"title": "Poging", "fields": [{"name": "datum", "type": "date", "label": "Datum", "not_after_today": True,
                                       "max_days_ago": 30}]}
TODAY = date(2026, 11, 27)


@pytest.mark.parametrize("value, ok", [("2026-11-27", True), ("2026-10-28", True), ("2026-10-27", False),
                                       ("2026-11-28", False)])
def test_the_window(value, ok):
    _cleaned, errors = validate_submission(FORM, {"datum": value}, TODAY)
    assert (not errors) is ok


def test_without_today_only_the_format_counts():
    assert validate_submission(FORM, {"datum": "2099-01-01"})[1] == []


def test_local_today_is_amsterdams():
    assert local_today(datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc)) == date(2027, 1, 1)


@pytest.mark.parametrize("field, problem", [
    ({"not_after_today": "ja"}, "'not_after_today' moet true of false zijn"),
    ({"max_days_ago": -1}, "'max_days_ago' moet een heel getal van 0 of meer zijn"),
    ({"type": "text", "max_days_ago": 3}, "horen alleen bij een datumveld"),
])
def test_bad_options_are_named(field, problem):
    form = {"title": "x", "fields": [{"name": "datum", "type": "date", "label": "Datum", **field}]}
    with pytest.raises(FormDefinitionError, match=problem):
        parse_form(__import__("json").dumps(form), "poging")


def test_not_before_the_case_began():
    form = {"title": "Poging", "fields": [{"name": "datum", "type": "date", "label": "Datum", "not_before_case": True}]}
    _cleaned, errors = validate_submission(form, {"datum": "2026-11-26"}, TODAY, date(2026, 11, 27))
    assert [e.reason for e in errors] == ["Deze datum ligt vóór de start van de zaak (27 november 2026). Vul de dag "
                                          "in waarop het gebeurde: op of na 27 november 2026."]
    assert validate_submission(form, {"datum": "2026-11-27"}, TODAY, date(2026, 11, 27))[1] == []
    assert validate_submission(form, {"datum": "2026-11-26"}, TODAY)[1] == []  # no case: nothing to compare
