"""The demo gives its counsellor work of their own, so `hulpverlener`'s first screen ("Mijn taken") is not empty;
an empty "Mijn taken" explains where the work is."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from engine.models import UserTask
from tests.support.web import log_in, sign_in
from webapp import create_app


def test_the_demo_counsellor_has_tasks_of_their_own(engine, _demo_december, demo_printed):
    assigned = int(re.search(r"demo work: (\d+) open tasks assigned to hulpverlener", demo_printed)[1])
    with engine.uow() as uow:
        mine = uow.session.execute(select(UserTask.case_id).where(
            UserTask.status == "open", UserTask.assignee == "hulpverlener")).scalars().all()
        events = uow.session.scalar(select(func.count()).select_from(UserTask).where(
            UserTask.assignee == "hulpverlener"))
    assert 1 <= assigned <= 8 and len(mine) >= assigned and len(set(mine)) == len(mine) and events >= assigned


def test_an_empty_my_tasks_explains_where_the_work_is(vs):
    web = create_app(engine=vs).test_client()
    sign_in(vs, web, "nieuw", "hulpverlener")
    html = web.get("/werklijst").get_data(as_text=True)
    assert "Er staan nu geen taken op uw naam." in html
    assert "De taken die nog niemand heeft, staan bij" in html and "weergave=alle" in html
    assert "Een coördinator kan ook taken aan u toewijzen" in html


def test_the_demo_has_two_municipalities_each_with_its_own_staff_and_cases(engine, _demo_december, demo_printed):
    from engine.models import Case
    from vroegsignalering.gemeente_models import Gemeente

    assert "0479 Gemeente Zaanstad" in demo_printed and "hulpverlener.zaanstad" in demo_printed
    with engine.uow() as uow:
        assert set(uow.session.scalars(select(Gemeente.code))) == {"0363", "0479"}
        cases = dict(uow.session.execute(select(Case.gemeentecode, func.count()).group_by(Case.gemeentecode)).all())
        zaanstad_work = uow.session.scalars(select(Case.gemeentecode).join(UserTask, UserTask.case_id == Case.id)
                                            .where(UserTask.assignee == "hulpverlener.zaanstad")).all()
    assert cases["0479"] >= 6 and cases["0363"] > cases["0479"]
    assert zaanstad_work and set(zaanstad_work) == {"0479"}
    web = create_app(engine=engine).test_client()
    assert log_in(web, "hulpverlener.zaanstad", "vroeg-demo-2026").status_code == 302
    page = web.get("/werklijst?weergave=alle").get_data(as_text=True)
    main = page.split("<main", 1)[1]
    assert re.search(r"\b15\d\d [A-Z]{2}\b", main)  # households in Zaanstad (15xx)
    assert not re.search(r"\b1[01]\d\d [A-Z]{2}\b", main)  # and none in Amsterdam (10xx, 11xx)
