"""Moving running cases to a new version: the dry run's reasons, all-or-nothing, and a migrated case that keeps running
(its tasks, its timers with their due times, its history and replay)."""

import pytest
from sqlalchemy import func, select

from engine.errors import InvalidTaskData
from engine.models import Case, CaseTimer, Event, ProcessVersion, UserTask
from engine.modeling import MigrationRefused, UnknownVersion
from engine.modeling.migration import version_at
from tests.conftest import DATA, ROOT, local
from tests.support.process import ATTEMPT, HELP, signal

BASIS = DATA / "basis"
NOT_CRISIS = {"crisis": False, "signaaldatum": "2026-11-27"}
CRISIS = {"crisis": True, "signaaldatum": "2026-11-27"}


def files(engine):
    return engine.read_bundle([BASIS], BASIS / "forms")


def deploy(engine, *edits, name="basis.bpmn", base=None) -> int:
    """Deploy the basis bundle with (old, new) text edits; returns the new version id."""
    bundle = dict(base or files(engine))
    for old, new in edits:
        assert old in bundle[name], old
        bundle[name] = bundle[name].replace(old, new)
    engine.deploy(bundle, actor="po")
    with engine.uow() as uow:
        return uow.session.scalar(select(func.max(ProcessVersion.id)))


def open_rows(engine, case_id):
    with engine.uow() as uow:
        return uow.session.scalars(select(UserTask).where(UserTask.case_id == case_id, UserTask.status == "open")
                                   .order_by(UserTask.id)).all()


def timer_rows(engine, case_id):
    with engine.uow() as uow:
        return sorted((t.task_id, t.element_id, t.due_at) for t in uow.session.scalars(
            select(CaseTimer).where(CaseTimer.case_id == case_id)))


def case_row(engine, case_id) -> Case:
    with engine.uow() as uow:
        return uow.session.get(Case, case_id)


def checks(engine, a, b) -> dict:
    return {c.case_id: (c.can_move, c.reason) for c in engine.migration_dry_run(a, b)}


RENAME = ('name="Eerste gesprek"', 'name="Eerste gesprek voeren"')
P10D = ('"P14D"', '"P10D"')


@pytest.fixture
def cases(basis, clock):
    """Version 1 with three cases: one waiting for contact (with timers), one in crisis, one completed."""
    waiting = basis.start_case("basis", NOT_CRISIS, actor="t").id
    crisis = basis.start_case("basis", CRISIS, actor="t").id
    done = basis.start_case("basis", CRISIS, actor="t").id
    for element in ("crisis_gesprek", "eerste_gesprek"):
        [row] = open_rows(basis, done)
        assert row.element_id == element
        basis.complete_task(row.task_id, {"hulp_gewenst": True}, actor="anna")
    assert case_row(basis, done).status == "completed"
    return waiting, crisis, done


def test_the_dry_run_says_per_running_case_whether_it_can_move_and_why_not(basis, cases):
    waiting, crisis, done = cases
    v2 = deploy(basis, RENAME, P10D)
    result = checks(basis, 1, v2)
    assert set(result) == {waiting, crisis}  # a completed case is not offered
    assert result[crisis] == (True, "kan naar versie 2")
    assert result[waiting] == (False, "timer '14 dagen' loopt al; in versie 2 is de timer anders (P14D → P10D) en "
                                      "een lopende termijn wordt niet verschoven")
    assert case_row(basis, waiting).process_version_id == 1  # a dry run stores nothing


def test_a_removed_task_keeps_the_cases_that_are_in_it(basis, cases):
    waiting, crisis, _ = cases
    text = files(basis)["basis.bpmn"]
    start = text.index('<bpmn:userTask id="crisis_gesprek"')
    task = text[start:text.index("</bpmn:userTask>", start) + len("</bpmn:userTask>")]
    v2 = deploy(basis, (task, ""),
                ('<bpmn:sequenceFlow id="f5" sourceRef="crisis_gesprek" targetRef="eerste_gesprek"/>', ""),
                ('sourceRef="gw_crisis" targetRef="crisis_gesprek"',
                 'sourceRef="gw_crisis" targetRef="eerste_gesprek"'),
                ("<bpmn:flowNodeRef>crisis_gesprek</bpmn:flowNodeRef>", ""),
                ("<bpmn:incoming>f5</bpmn:incoming>", "<bpmn:incoming>f3</bpmn:incoming>"))
    result = checks(basis, 1, v2)
    assert result[crisis] == (False, "taak 'Crisisgesprek voeren' bestaat niet in versie 2")
    assert result[waiting] == (True, "kan naar versie 2")


def test_a_new_boundary_event_on_an_open_task_keeps_its_cases(basis, cases):
    waiting, crisis, _ = cases
    v2 = deploy(basis, ('<bpmn:endEvent id="einde_escalatie">',
                        '<bpmn:boundaryEvent id="extra" attachedToRef="contactpoging" cancelActivity="false">'
                        '<bpmn:timerEventDefinition><bpmn:timeDuration>"P3D"</bpmn:timeDuration>'
                        '</bpmn:timerEventDefinition></bpmn:boundaryEvent><bpmn:endEvent id="einde_escalatie">'))
    result = checks(basis, 1, v2)
    assert result[waiting] == (False, "in versie 2 zijn de grensgebeurtenissen van 'contactpoging' gewijzigd terwijl "
                                      "die al loopt")
    assert result[crisis][0] is True


def test_a_migrated_case_keeps_its_task_and_deadlines_and_runs_on_the_new_version(basis, cases, clock):
    waiting, crisis, _ = cases
    tasks_before, timers_before = open_rows(basis, waiting), timer_rows(basis, waiting)
    clock.advance(days=2)  # a duration timer migrated now must keep the due time it got when it was reached
    label = ('"Inwoner bereikt"', '"Is de inwoner bereikt?"')
    bundle = files(basis)
    bundle["forms/contactpoging.json"] = bundle["forms/contactpoging.json"].replace(*label)
    v2 = deploy(basis, RENAME, base=bundle)

    moved = basis.migrate_cases(1, v2, [waiting, crisis], actor="po")
    assert [(m.case_id, m.can_move, m.reason) for m in moved] == [
        (waiting, True, "verplaatst van versie 1 naar versie 2"),
        (crisis, True, "verplaatst van versie 1 naar versie 2")]
    assert case_row(basis, waiting).process_version_id == v2
    [task] = open_rows(basis, waiting)
    assert (task.task_id, task.element_id, task.due_at) == (tasks_before[0].task_id, "contactpoging",
                                                           tasks_before[0].due_at)
    assert timer_rows(basis, waiting) == timers_before
    assert case_row(basis, waiting).next_timer_at == min(due for _, _, due in timers_before)
    assert basis.heat_map(v2)["contactpoging"] == {"passed": 0, "waiting": 1}  # counted on its new version
    assert "contactpoging" not in basis.heat_map(1)

    # history: one event per case, in its chain, still verifiable; replay before the migration still works
    events = basis.history(waiting)
    assert events[-1].kind == "gemigreerd" and events[-1].actor == "po"
    assert events[-1].data == {"process_id": "basis", "from_version": 1, "to_version": 2, "from_version_id": 1,
                               "to_version_id": v2}
    assert basis.verify(waiting) == (len(events), [])
    first = basis.replay(waiting, 1)
    assert first["active"] == ["contactpoging", "herinnering_14d", "signaal_erbij", "termijn_28d"]
    assert basis.replay(waiting, events[-1].seq)["active"] == first["active"]
    with basis.uow() as uow:
        assert version_at(uow.session, waiting, 1, v2) == 1
        assert version_at(uow.session, waiting, events[-1].seq, v2) == v2

    # the timers fire at their old due times, on the new version
    clock.set(local(2026, 12, 11, 8, 59))
    assert basis.fire_due_timers() == 0
    clock.set(local(2026, 12, 11, 9, 1))
    assert basis.fire_due_timers() == 1
    assert basis.history(waiting)[-1].kind == "timer_afgegaan"

    # the open task takes the new form; the next task has the new name; the case completes
    basis.complete_task(task.task_id, {"kanaal": "Telefoon", "bereikt": True}, actor="anna")
    [next_task] = open_rows(basis, waiting)
    assert (next_task.element_id, next_task.name) == ("eerste_gesprek", "Eerste gesprek voeren")
    basis.complete_task(next_task.task_id, {"hulp_gewenst": True}, actor="anna")
    assert case_row(basis, waiting).status == "completed"
    with basis.uow() as uow:
        form = basis.specs.get(uow.session, v2).forms["contactpoging"]
    assert form["fields"][1]["label"] == "Is de inwoner bereikt?"


def test_migration_is_all_or_nothing(basis, cases):
    waiting, crisis, done = cases
    v2 = deploy(basis, RENAME, P10D)
    with basis.uow() as uow:
        events_before = uow.session.scalar(select(func.count()).select_from(Event))
    with pytest.raises(MigrationRefused) as refused:
        basis.migrate_cases(1, v2, [crisis, waiting, done], actor="po")
    assert refused.value.reason == "niets verplaatst: 2 van de 3 zaken kunnen niet naar versie 2"
    assert {c.case_id: c.can_move for c in refused.value.checks} == {waiting: False, crisis: True, done: False}
    assert {c.case_id: c.reason for c in refused.value.checks}[done] == "de zaak is afgerond"
    with basis.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Event)) == events_before
        assert {c.process_version_id for c in uow.session.scalars(select(Case))} == {1}


def test_bad_version_pairs_are_refused_in_dutch(basis, cases):
    v2 = deploy(basis, RENAME)
    with pytest.raises(UnknownVersion, match="versie-id 99 bestaat niet"):
        basis.migration_dry_run(1, 99)
    with pytest.raises(MigrationRefused, match="van- en naar-versie zijn dezelfde"):
        basis.migration_dry_run(v2, v2)
    with pytest.raises(MigrationRefused, match="er zijn geen zaken gekozen"):
        basis.migrate_cases(1, v2, [], actor="po")
    other = files(basis)
    other["basis.bpmn"] = other["basis.bpmn"].replace('id="basis" name="Basiszaak"', 'id="ander" name="Ander"')
    basis.deploy(other, actor="po")
    with basis.uow() as uow:
        ander = uow.session.scalar(select(ProcessVersion.id).where(ProcessVersion.process_id == "ander"))
    with pytest.raises(MigrationRefused, match="alleen naar een versie van haar eigen proces"):
        basis.migration_dry_run(1, ander)
    with pytest.raises(MigrationRefused, match="bestaat niet"):
        basis.migrate_cases(1, v2, [12345], actor="po")


def test_a_case_of_the_shipped_process_inside_its_subprocess_moves_when_only_forms_and_names_changed(vs, clock):
    case_id = vs.start_case("vroegsignalering", signal(1), actor="test", correlation_key="hh-1").id
    [row] = open_rows(vs, case_id)
    assert row.element_id == "contactpoging"
    timers_before = timer_rows(vs, case_id)
    bundle = vs.read_bundle([ROOT / "processes"], ROOT / "forms")
    name = 'name="Eerste gesprek voeren"'
    assert name in bundle["vroegsignalering.bpmn"]
    bundle["vroegsignalering.bpmn"] = bundle["vroegsignalering.bpmn"].replace(name, 'name="Eerste gesprek"')
    vs.deploy(bundle, actor="po")
    shorter = dict(bundle)
    shorter["vroegsignalering.bpmn"] = shorter["vroegsignalering.bpmn"].replace("dagen_na(signaaldatum, 14)",
                                                                                "dagen_na(signaaldatum, 10)")
    assert shorter["vroegsignalering.bpmn"] != bundle["vroegsignalering.bpmn"]
    vs.deploy(shorter, actor="po")
    refused = checks(vs, 1, 3)[case_id]
    assert refused[0] is False and "loopt al" in refused[1]

    assert checks(vs, 1, 2) == {case_id: (True, "kan naar versie 2")}
    vs.migrate_cases(1, 2, [case_id], actor="po")
    assert timer_rows(vs, case_id) == timers_before
    vs.complete_task(row.task_id, {**ATTEMPT, "bereikt": True}, actor="anna")
    [conversation] = open_rows(vs, case_id)
    assert (conversation.element_id, conversation.name) == ("eerste_gesprek", "Eerste gesprek")
    vs.complete_task(conversation.task_id, HELP, actor="anna")
    assert [t.element_id for t in open_rows(vs, case_id)] == ["plan_van_aanpak"]


def test_version_diff_between_deployed_versions(basis):
    bundle = files(basis)
    bundle["forms/contactpoging.json"] = bundle["forms/contactpoging.json"].replace(
        '"Inwoner bereikt"', '"Is de inwoner bereikt?"')
    v2 = deploy(basis, P10D, base=bundle)
    changes = [(c.file, c.element_id, c.change, c.details) for c in basis.version_diff(1, v2)]
    assert changes == [("basis.bpmn", "herinnering_14d", "gewijzigd", ["timer: P14D → P10D"]),
                       ("forms/contactpoging.json", "bereikt", "gewijzigd",
                        ["label: 'Inwoner bereikt' → 'Is de inwoner bereikt?'"])]
    assert basis.version_diff(v2, v2) == []
    with pytest.raises(UnknownVersion):
        basis.version_diff(1, 77)


def test_cli_diff_and_migrate(basis, cases, vroeg):
    waiting, crisis, _ = cases
    v2 = deploy(basis, RENAME, P10D)
    result = vroeg("processes", "diff", "1", str(v2))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "basis.bpmn: herinnering_14d (boundaryEvent '14 dagen'): gewijzigd: timer: P14D → P10D",
        "basis.bpmn: eerste_gesprek (userTask 'Eerste gesprek voeren'): gewijzigd: "
        "naam: 'Eerste gesprek' → 'Eerste gesprek voeren'",
        "2 verschil(len)"]
    assert vroeg("processes", "diff", "1", "99").exit_code == 2

    result = vroeg("processes", "migrate", "--from", "1", "--to", str(v2), "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "1 van de 2 lopende zaken kunnen mee"
    assert f"zaak {crisis}: kan mee: kan naar versie 2" in result.stdout
    assert case_row(basis, crisis).process_version_id == 1

    result = vroeg("processes", "migrate", "--from", "1", "--to", str(v2), "--zaak", str(waiting))
    assert result.exit_code == 1 and "timer '14 dagen' loopt al" in result.stderr
    result = vroeg("processes", "migrate", "--from", "1", "--to", str(v2))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"zaak {crisis}: verplaatst van versie 1 naar versie 2"
    assert case_row(basis, crisis).process_version_id == v2
    assert basis.history(crisis)[-1].actor.startswith("cli")
    result = vroeg("processes", "migrate", "--from", "1", "--to", str(v2))
    assert result.exit_code == 1 and "geen zaken om te verplaatsen" in result.stderr


def test_an_open_task_takes_the_form_and_role_of_the_new_version(basis, cases):
    waiting, _, _ = cases
    [before] = open_rows(basis, waiting)
    v2 = deploy(basis, ('<spiffworkflow:property name="formulier" value="contactpoging"/>',
                        '<spiffworkflow:property name="formulier" value="gesprek"/>'
                        '<spiffworkflow:property name="rol" value="coordinator"/>'),
                # the gesprek form has no `bereikt`: the deploy check holds the flow after it to that
                ("<bpmn:conditionExpression>bereikt == True</bpmn:conditionExpression>",
                 "<bpmn:conditionExpression>hulp_gewenst == True</bpmn:conditionExpression>"))
    assert checks(basis, 1, v2)[waiting] == (True, "kan naar versie 2")
    basis.migrate_cases(1, v2, [waiting], actor="po")
    [after] = open_rows(basis, waiting)
    assert (after.id, after.task_id) == (before.id, before.task_id)
    assert (before.form, before.role) == ("contactpoging", "hulpverlener")
    assert (after.form, after.role) == ("gesprek", "coordinator")
    with pytest.raises(InvalidTaskData):  # validated against the new form now
        basis.complete_task(after.task_id, {"kanaal": "Telefoon", "bereikt": True}, actor="co")


def test_the_dry_run_checks_one_case_per_position_and_a_case_without_one_itself(basis, cases, monkeypatch):
    from engine.modeling import migration

    waiting, crisis, _ = cases
    more = [basis.start_case("basis", NOT_CRISIS, actor="t").id for _ in range(3)]
    assert {case_row(basis, c).position for c in (waiting, *more)} == {case_row(basis, waiting).position}
    assert case_row(basis, crisis).position != case_row(basis, waiting).position
    with basis.uow() as uow:  # as if stored before positions were kept
        uow.session.get(Case, more[-1]).position = None
        uow.commit()
    checked = []
    real_plan = migration._plan
    monkeypatch.setattr(migration, "_plan", lambda rt, s, case, *a: checked.append(case.id) or real_plan(rt, s, case, *a))
    v2 = deploy(basis, RENAME, P10D)
    result = checks(basis, 1, v2)
    assert sorted(checked) == [waiting, crisis, more[-1]]  # one per position, and the one without
    refused = (False, "timer '14 dagen' loopt al; in versie 2 is de timer anders (P14D → P10D) en een lopende termijn "
                      "wordt niet verschoven")
    assert result == {waiting: refused, crisis: (True, "kan naar versie 2"), **{c: refused for c in more}}
