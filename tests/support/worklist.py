"""Filling and reading the worklist (/werklijst): cases of many households, their task and case rows changed in
place, the case links on a page and the queries a page sends."""
from __future__ import annotations

import re

from sqlalchemy import update

from engine.models import Case, UserTask
from engine.runtime.cases import set_case_queue
from vroegsignalering.models import Signaal, Vroegsignaalzaak
from tests.querycount import statements
from tests.support.process import deliver, signaal


def make_cases(vs, web, partner, n: int, start: int = 0) -> list[int]:
    """n cases of n households through the partner API; returns their case ids in order."""
    ids = []
    for i in range(start, start + n):
        client = {"postcode": f"{1000 + i:04d}AB", "huisnummer": i + 1, "huisnummertoevoeging": None,
                  "achternaam": f"Huishouden {i}", "voornamen": f"Persoon{i}", "geboortedatum": "1980-01-01"}
        signal_id = deliver(web, partner, signaal(f"S-{i}", bedrag=100 + i, client=client))
        with vs.uow() as uow:
            ids.append(uow.session.get(Signaal, signal_id).case_id)
    assert len(set(ids)) == n
    return ids


def set_task(vs, case_id, **values) -> None:
    """Change the case's open task rows; a due_at given is the task's own deadline, so also what the worklist sorts
    on (deadline_at)."""
    if "due_at" in values:
        values["deadline_at"] = values["due_at"]
    with vs.uow() as uow:
        uow.session.execute(update(UserTask).where(UserTask.case_id == case_id, UserTask.status == "open")
                            .values(**values))
        uow.commit()


def set_zaak(vs, case_id, **values) -> None:
    """Change the case's row (vroegsignaalzaak); a new werkvoorraad goes onto the case and its open tasks too, as the
    case-row hook does it after a step."""
    with vs.uow() as uow:
        uow.session.execute(update(Vroegsignaalzaak).where(Vroegsignaalzaak.case_id == case_id).values(**values))
        if "werkvoorraad" in values:
            set_case_queue(uow.session, uow.session.get(Case, case_id), values["werkvoorraad"])
        uow.commit()


def case_links(page: str) -> list[int]:
    """The case ids a worklist page links to, in order."""
    return [int(n) for n in re.findall(r'<a class="vroeg-huishouden" href="/zaken/(\d+)">', page)]


def get(web, path="/werklijst?weergave=alle") -> str:
    """A page that must answer 200; returns its HTML."""
    response = web.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def count_queries(vs, web, path) -> int:
    """How many statements GET `path` sends."""
    with statements(vs.db) as sent:
        get(web, path)
    return len(sent)
