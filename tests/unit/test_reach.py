"""Reach advice (vroegsignalering/reach.py): the most specific group with enough attempts, never below the
threshold, the two best by observed rate."""
from __future__ import annotations

from datetime import date

from vroegsignalering.reach import Situation, advise, age_group, earlier_label, rates_table

HUUR_YOUNG = Situation("Huur", "tot 27 jaar", "geen eerdere poging")
ENERGIE_OLD = Situation("Energie", "67 jaar en ouder", "1 eerdere poging")


def attempts(situation, soort, dagdeel, n, reached):
    return [(situation, soort, dagdeel, i < reached) for i in range(n)]


def test_the_most_specific_group_with_enough_attempts_wins():
    rows = (attempts(HUUR_YOUNG, "Huisbezoek", "Avond", 40, 30)  # 75 % for young Huur households
            + attempts(ENERGIE_OLD, "Huisbezoek", "Avond", 100, 10)  # 10 % elsewhere
            + attempts(ENERGIE_OLD, "Telefoon", "Ochtend", 60, 30))
    [first, second] = advise(rows, HUUR_YOUNG, threshold=30)
    assert (first.soort, first.dagdeel, first.percent, first.attempts) == ("Huisbezoek", "Avond", 75, 40)
    assert first.group == "Huur, tot 27 jaar, geen eerdere poging"
    assert (second.soort, second.percent, second.attempts, second.group) == ("Telefoon", 50, 60, "alle pogingen")


def test_never_advice_below_the_threshold():
    rows = attempts(HUUR_YOUNG, "Huisbezoek", "Avond", 29, 29) + attempts(ENERGIE_OLD, "Brief", None, 30, 3)
    assert [(a.soort, a.attempts) for a in advise(rows, HUUR_YOUNG, threshold=30)] == [("Brief", 30)]
    assert advise(rows[:29], HUUR_YOUNG, threshold=30) == []
    assert all(a.attempts >= 30 for a in advise(rows, ENERGIE_OLD, threshold=30))


def test_a_smaller_group_falls_back_to_a_wider_one():
    other_age = Situation("Huur", "45 tot 67 jaar", "geen eerdere poging")
    rows = attempts(HUUR_YOUNG, "Telefoon", "Middag", 20, 10) + attempts(other_age, "Telefoon", "Middag", 20, 0)
    [only] = advise(rows, HUUR_YOUNG, threshold=30)
    assert (only.group, only.attempts, only.percent) == ("Huur, geen eerdere poging", 40, 25)


def test_age_groups_and_earlier_attempts():
    assert age_group(date(2000, 6, 2), date(2027, 6, 1)) == "tot 27 jaar"
    assert age_group(date(2000, 6, 1), date(2027, 6, 1)) == "27 tot 45 jaar"
    assert age_group(None, date(2027, 6, 1)) is None
    assert [earlier_label(n) for n in (0, 1, 2, 7)] == [
        "geen eerdere poging", "1 eerdere poging", "2 of meer eerdere pogingen", "2 of meer eerdere pogingen"]
    assert rates_table(attempts(HUUR_YOUNG, "Brief", None, 3, 1)) == [("Brief", None, 3, 1)]
