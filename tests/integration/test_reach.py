"""Reach advice on the demo's contact attempts: the contact-attempt form shows at most two channels with their rate
and the number of attempts behind it, never from fewer than the threshold; /bereik explains the method."""
from __future__ import annotations

import re
from collections import Counter

from sqlalchemy import select

from engine.models import Case, UserTask
from vroegsignalering.models import Contactpoging
from vroegsignalering.reach import THRESHOLD
from tests.support.web import PASSWORD, log_in


def test_the_contact_attempt_form_advises_only_from_enough_attempts(vs, web, _demo_december):
    vs.add_user("cora", "coordinator", PASSWORD, actor="test")
    assert log_in(web, "cora").status_code == 302
    with vs.uow() as uow:  # cora works for the first municipality (0363), the demo's other one is not hers (R37)
        here = select(Case.id).where(Case.gemeentecode == "0363")
        task = uow.session.scalar(select(UserTask.id).where(UserTask.form == "contactpoging", UserTask.status == "open",
                                                            UserTask.case_id.in_(here)).limit(1))
        combos = Counter((a.soort, a.dagdeel) for a in uow.session.scalars(
            select(Contactpoging).where(Contactpoging.case_id.in_(here))) if a.soort != "Administratief")
    assert task is not None
    html = web.get(f"/taken/{task}").get_data(as_text=True)
    assert "Wat werkte eerder" in html
    lines = re.findall(r"<li>([^<]+?): (\d+) % bereikt, (\d+) pogingen", html)
    assert len(lines) <= 2
    assert all(int(n) >= THRESHOLD for _, _, n in lines)
    if any(n >= THRESHOLD for n in combos.values()):
        assert lines, combos  # some combination has enough attempts overall: advice is shown
    else:
        assert "te weinig eerdere pogingen" in html

    page = web.get("/bereik").get_data(as_text=True)
    assert "Hoe het advies bij een contactpoging wordt gemaakt" in page and f"minder dan\n{THRESHOLD}" in page
    total = sum(int(n) for n in re.findall(r'numeric">(\d+)</td>\s*<td[^>]*>\d+</td>', page))
    assert total == sum(combos.values())


def test_who_may_see_the_reach_page(vs, web):
    for role, status in (("hulpverlener", 200), ("beleidsmedewerker", 200), ("auditor", 403)):
        client = web.application.test_client()
        vs.add_user(f"u-{role}", role, PASSWORD, actor="test")
        assert log_in(client, f"u-{role}").status_code == 302
        response = client.get("/bereik")
        assert response.status_code == status, role
    assert "Er zijn nog geen contactpogingen vastgelegd." in response.get_data(as_text=True) or status == 403
