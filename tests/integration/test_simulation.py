"""The what-if simulation (vroegsignalering/simulation/, `vroeg processes simulate`): small volumes (a few dozen
signals over two months), the same seed giving the same figures (also with the running version in a second
process), a draft that shortens a deadline showing it beside
the running version, and the live database left alone."""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select

from engine.models import Case, ProcessVersion
from vroegsignalering.services import simulation
from vroegsignalering.simulation.inputs import SOURCE_DIVOSA, reach_rates, signal_profile

START = date(2027, 1, 4)
SMALL = {"months": 2, "signals_per_month": 15, "counsellors": 1, "start": START}


def running_id(engine) -> int:
    with engine.uow() as uow:
        return uow.session.scalar(select(ProcessVersion.id).where(ProcessVersion.process_id == "vroegsignalering"))


def without_time(figures):
    return replace(figures, seconds=0.0)


def test_the_same_seed_gives_the_same_figures_and_the_live_database_stays_empty(vs):
    params = simulation.parameters(vs, **SMALL)
    first = simulation.simulate_version(vs, running_id(vs), params)
    again = simulation.simulate_version(vs, running_id(vs), params)
    assert first.running is None  # the running version itself: one column
    assert without_time(first.subject) == without_time(again.subject)
    figures = first.subject
    assert 25 <= figures.signals <= 35 and figures.cases > 20  # 15 a month for two months
    assert figures.attempts > 0 and figures.target.decided > 0 and figures.statutory.decided > 0
    assert sum(figures.end_results.values()) == figures.closed
    assert len(figures.queues) == 8  # one per Friday of January and February 2027
    assert figures.failed == 0 and figures.stuck == 0
    with vs.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Case)) == 0


def test_a_draft_that_shortens_the_target_shows_beside_the_running_version_run_in_a_second_process(vs, scratch_root):
    files = vs.draft(vs.create_draft_from_version(running_id(vs), actor="test")).files
    files["vroegsignalering.bpmn"] = files["vroegsignalering.bpmn"].replace(
        "dagen_na(signaaldatum, 14)", "dagen_na(signaaldatum, 2)")
    form = json.loads(files["forms/eerste_gesprek.json"])  # a required field the simulation has never seen
    form["fields"].append({"name": "budgetcoach", "type": "choice", "label": "Budgetcoach ingezet?", "required": True,
                           "choices": [{"value": "ja", "label": "Ja"}, {"value": "nee", "label": "Nee"}]})
    files["forms/eerste_gesprek.json"] = json.dumps(form)
    draft_id = vs.create_draft("Streeftermijn twee dagen", files, actor="test")
    comparison = simulation.simulate_draft(vs, draft_id, simulation.parameters(vs, **SMALL), parallel=True)
    draft, running = comparison.subject, comparison.running
    alone = simulation.simulate_version(vs, running_id(vs), simulation.parameters(vs, **SMALL)).subject
    assert without_time(alone) == replace(without_time(running), label=alone.label)  # the second process: the same
    assert draft.label == "Concept Streeftermijn twee dagen" and running.label.startswith("In gebruik")
    assert draft.signals == running.signals  # the same signals meet both diagrams
    assert draft.target.share_met < running.target.share_met
    assert draft.stuck == 0 and draft.failed == 0  # the new required field got a plain answer
    lines = simulation.as_text(comparison)
    assert any(line.startswith("Binnen de streeftermijn") for line in lines)
    assert list(scratch_root.iterdir()) == []  # both runs' scratch databases are gone


@pytest.mark.parametrize("parallel", [False, True])
def test_progress_names_each_simulated_month(vs, parallel):
    """The page shows how far a run is: the run (or the two at once), then each month as it begins."""
    draft_id = vs.create_draft("Ongewijzigd", vs.draft(vs.create_draft_from_version(running_id(vs), actor="t")).files,
                               actor="t")
    said = []
    simulation.simulate_draft(vs, draft_id, simulation.parameters(vs, **SMALL), progress=said.append,
                              parallel=parallel)
    running = f"In gebruik (versie-id {running_id(vs)})"
    if parallel:
        both = f"Concept Ongewijzigd en {running}, tegelijk"
        assert said == [both, f"{both}: maand 1 van 2", f"{both}: maand 2 van 2"]
    else:
        draft = "Concept Ongewijzigd"
        assert said == [draft, f"{draft}: maand 1 van 2", f"{draft}: maand 2 van 2",
                        running, f"{running}: maand 1 van 2", f"{running}: maand 2 van 2"]


@pytest.mark.parametrize("changes, named", [({"months": 0}, "maanden"), ({"signals_per_month": 0}, "signalen"),
                                            ({"counsellors": 0}, "hulpverleners"), ({"hours_per_week": 60}, "uren")])
def test_parameters_out_of_range_are_refused_naming_the_parameter(vs, changes, named):
    with pytest.raises(simulation.InvalidSimulation, match=named):
        simulation.parameters(vs, **{**SMALL, **changes})


def test_without_history_the_rates_are_divosa_s(vs):
    with vs.uow() as uow:
        profile = signal_profile(uow.session, START, None, 240)
        reach = reach_rates(uow.session)
    assert profile.source == SOURCE_DIVOSA and profile.per_month == 240
    assert round(sum(profile.mix.values()), 6) == 1 and profile.mix["Zorg"] > profile.mix["Water"]
    assert reach.chance("Huisbezoek", "Avond") > reach.chance("Brief", "Ochtend")
    assert set(reach.sources.values()) == {SOURCE_DIVOSA}


def test_cli_prints_the_figures_as_a_table(vroeg_shipped, engine):
    version_id = running_id(engine)
    result = vroeg_shipped("processes", "simulate", "--versie", str(version_id), "--maanden", "1",
                           "--signalen-per-maand", "10", "--start", "2027-01-04")
    assert result.exit_code == 0, result.output
    assert "Binnen de wettelijke termijn" in result.stdout and "Eindresultaten (DDAS)" in result.stdout
    assert f"Versie-id {version_id}" in result.stdout


@pytest.mark.parametrize("args, message", [
    (("--versie", "999"), "versie-id 999 bestaat niet"), (("--concept", "999"), "no draft 999"),
    (("--maanden", "3"), "exactly one of"), (("--versie", "1", "--maanden", "99"), "maanden"),
])
def test_cli_bad_id_or_argument_is_bad_usage(vroeg_shipped, args, message):
    result = vroeg_shipped("processes", "simulate", *args)
    assert result.exit_code == 2 and message in result.stderr


class _Inline:
    """threading.Thread that runs its target on start(): the page's job finishes before the redirect is followed."""

    def __init__(self, target, args=(), **_):
        self.target, self.args = target, args

    def start(self):
        self.target(*self.args)


@pytest.fixture
def owner_web(vs, web):
    from engine.roles import PROCESEIGENAAR
    from tests.support import process_owner

    token = process_owner.sign_in(vs, web, PROCESEIGENAAR, "piet")
    return web, token, process_owner.new_draft(web, token, running_id(vs))


def test_page_beside_the_draft_refuses_bad_input_in_dutch(owner_web):
    web, token, draft_id = owner_web
    page = web.get(f"/processen/concepten/{draft_id}/simulatie")
    assert page.status_code == 200 and "Wat-als-simulatie" in page.get_data(as_text=True)
    assert f"/processen/concepten/{draft_id}/simulatie" in web.get(f"/processen/concepten/{draft_id}").get_data(
        as_text=True)
    response = web.post(f"/processen/concepten/{draft_id}/simulatie",
                        data={"maanden": "13", "signalen": "veel", "hulpverleners": "2", "uren": "32",
                              "csrf_token": token})
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Aantal maanden: kies een getal van 1 tot en met 12." in text
    assert "Signalen per maand: vul een heel getal in." in text
    assert web.get("/processen/concepten/999/simulatie").status_code == 404
    lost = web.get(f"/processen/concepten/{draft_id}/simulatie?taak=onbekend").get_data(as_text=True)
    assert "Deze simulatie is niet (meer) bekend" in lost


def test_page_runs_the_simulation_as_a_job_and_shows_the_figures(owner_web, monkeypatch):
    monkeypatch.setattr(simulation.threading, "Thread", _Inline)
    web, token, draft_id = owner_web
    response = web.post(f"/processen/concepten/{draft_id}/simulatie",
                        data={"maanden": "1", "signalen": "10", "hulpverleners": "1", "uren": "32",
                              "csrf_token": token})
    assert response.status_code == 303 and "taak=" in response.headers["Location"]
    text = web.get(response.headers["Location"]).get_data(as_text=True)
    assert "Kerncijfers" in text and "Binnen de wettelijke termijn" in text and "<svg" in text
    assert "In gebruik (versie-id" in text and "Afgesloten zaken per eindresultaat (DDAS)" in text
    assert 'http-equiv="refresh"' not in text  # done: no more refreshing


class _Never:
    """threading.Thread that never runs: the job stays 'bezig'."""

    def __init__(self, **_):
        pass

    def start(self):
        pass


def test_a_running_job_refreshes_its_page_and_a_second_one_waits(owner_web, monkeypatch):
    monkeypatch.setattr(simulation, "_jobs", {})  # this test's jobs only, gone after it
    monkeypatch.setattr(simulation.threading, "Thread", _Never)
    web, token, draft_id = owner_web
    form = {"maanden": "1", "signalen": "", "hulpverleners": "2", "uren": "32", "csrf_token": token}
    running = web.get(web.post(f"/processen/concepten/{draft_id}/simulatie", data=form).headers["Location"])
    text = running.get_data(as_text=True)
    assert 'http-equiv="refresh"' in text and "De simulatie loopt" in text
    again = web.post(f"/processen/concepten/{draft_id}/simulatie", data=form)
    assert again.status_code == 400 and "Er loopt al een simulatie" in again.get_data(as_text=True)


def test_only_process_owners_open_the_page(vs, counsellor_web):
    draft_id = vs.create_draft("x", vs.draft(vs.create_draft_from_version(running_id(vs), actor="t")).files,
                               actor="t")
    assert counsellor_web.get(f"/processen/concepten/{draft_id}/simulatie").status_code == 403


def test_with_history_the_rates_are_the_municipality_s_own(vs, _demo_december):
    """On the suite's December demo state (ten weeks of signals and attempts before 2026-12-28)."""
    from collections import Counter

    from vroegsignalering.models import Contactpoging
    from vroegsignalering.reach import THRESHOLD
    from vroegsignalering.simulation.inputs import SOURCE_OWN

    with vs.uow() as uow:
        profile = signal_profile(uow.session, date(2026, 12, 29), None, 240)
        reach = reach_rates(uow.session)
        combos = Counter((a.soort, a.dagdeel) for a in uow.session.scalars(select(Contactpoging)))
    assert profile.source == SOURCE_OWN and profile.per_month > 0
    assert {"Huur", "Energie", "Water", "Zorg"} <= set(profile.mix)
    assert set(profile.season.values()) == {1.0}  # ten weeks of history: no seasonal pattern
    for combo, source in reach.sources.items():
        assert source == (SOURCE_OWN if combos[combo] >= THRESHOLD else SOURCE_DIVOSA), combo


@pytest.fixture
def scratch_root(tmp_path, monkeypatch):
    """Where this process and the spawned second one make their scratch folders (a fresh interpreter reads TMPDIR)."""
    import tempfile

    root = tmp_path / "scratch"
    root.mkdir()
    monkeypatch.setenv("TMPDIR", str(root))
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    return root


def test_a_version_of_another_process_is_refused_and_no_scratch_folder_stays(vs, scratch_root):
    """The refusal comes from this process's run while the running version's run goes on in the second process:
    that one is stopped half-way, and its scratch database goes with it."""
    from tests.conftest import DATA

    vs.deploy(vs.read_bundle([DATA / "basis"], DATA / "basis" / "forms"), actor="test")
    with vs.uow() as uow:
        basis = uow.session.scalar(select(ProcessVersion.id).where(ProcessVersion.process_id == "basis"))
    with pytest.raises(simulation.InvalidSimulation, match="Alleen het proces 'vroegsignalering'"):
        simulation.simulate_version(vs, basis, simulation.parameters(vs, **SMALL), parallel=True)
    assert list(scratch_root.iterdir()) == []


def test_a_run_that_fails_in_the_second_process_fails_the_comparison(vs):
    from tests.conftest import DATA
    from vroegsignalering.simulation.compare import read_inputs, version_files
    from vroegsignalering.simulation.parallel import run_pair

    params = simulation.parameters(vs, **{**SMALL, "months": 1, "signals_per_month": 5})
    profile, reach = read_inputs(vs, params)
    basis = vs.read_bundle([DATA / "basis"], DATA / "basis" / "forms")
    with pytest.raises(simulation.InvalidSimulation, match="Alleen het proces 'vroegsignalering'") as raised:
        run_pair(vs.settings, ("hier", version_files(vs, running_id(vs))), ("elders", basis), params, profile, reach)
    assert raised.traceback[-1].name == "_result"  # raised here from what the child sent back
