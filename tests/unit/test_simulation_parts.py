"""Parts of the what-if simulation without a database: form data fitted to a draft's form, the seeded arrivals, the
staffing model's minutes."""
from __future__ import annotations

import random
from datetime import date

from engine.definitions.forms import validate_submission
from vroegsignalering.simulation.arrivals import arrivals, month_starts
from vroegsignalering.simulation.inputs import SOURCE_DIVOSA, SignalProfile
from vroegsignalering.simulation.params import Staffing
from vroegsignalering.simulation.staffing import fit

DAY = date(2027, 3, 10)
FORM = {"title": "Eerste gesprek", "fields": [
    {"name": "uitkomst", "type": "choice", "label": "Uitkomst", "required": True,
     "choices": [{"value": "hulp", "label": "Hulp"}, {"value": "geen_hulp", "label": "Geen hulp"}]},
    {"name": "nieuw_verplicht", "type": "choice", "label": "Nieuw", "required": True,
     "choices": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]},
    {"name": "reden", "type": "text", "label": "Reden", "required_when": {"field": "uitkomst", "equals": "geen_hulp"}},
    {"name": "gesprek_op", "type": "date", "label": "Datum", "required": True},
    {"name": "akkoord", "type": "boolean", "label": "Akkoord", "required": True},
    {"name": "optioneel", "type": "text", "label": "Optioneel"},
]}


def test_fit_answers_required_fields_plainly_and_drops_fields_the_form_lacks():
    data = fit({"uitkomst": "geen_hulp", "weg_uit_het_formulier": 1}, FORM, DAY)
    assert data == {"uitkomst": "geen_hulp", "nieuw_verplicht": "a", "reden": "Gesimuleerd",
                    "gesprek_op": "2027-03-10", "akkoord": True}
    assert validate_submission(FORM, data, DAY)[1] == []
    assert "reden" not in fit({"uitkomst": "hulp"}, FORM, DAY)  # only required when "geen_hulp"
    assert fit({"x": 1}, None, DAY) == {"x": 1}  # a task without a form keeps its data


def test_arrivals_are_seeded_and_follow_the_volume():
    profile = SignalProfile(100, {"Zorg": 0.5, "Huur": 0.5}, dict.fromkeys(range(1, 13), 1.0), SOURCE_DIVOSA)
    weekday = lambda d: d.weekday() < 5  # noqa: E731
    first = arrivals(random.Random(7), profile, date(2027, 1, 1), 3, weekday)
    assert first == arrivals(random.Random(7), profile, date(2027, 1, 1), 3, weekday)
    assert first != arrivals(random.Random(8), profile, date(2027, 1, 1), 3, weekday)
    signals = [a for day in first.values() for a in day]
    assert 280 <= len(signals) <= 320  # 100 a month, second signals included
    assert all(weekday(day) and date(2027, 1, 1) <= day < date(2027, 4, 1) for day in first)
    assert {a.partner_type for a in signals} == {"Zorg", "Huur"}
    assert month_starts(date(2027, 1, 15), 2) == [date(2027, 1, 15), date(2027, 2, 1), date(2027, 3, 1)]


def test_staffing_minutes():
    staffing = Staffing(counsellors=2, hours_per_week=36)
    assert staffing.minutes_per_working_day() == 2 * 36 * 60 * 0.85 / 5
    assert staffing.minutes_for("contactpoging", "Huisbezoek") == 40
    assert staffing.minutes_for("eerste_gesprek") == 45 and staffing.minutes_for("nieuwe_taak") == 15
