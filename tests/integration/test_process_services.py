"""The process owners' read models and services without Flask: versions with their case counts, a draft's deploy,
a save that loses a race, and the database service of `vroeg db upgrade`."""
from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from engine.definitions.drafts import UnknownDraft
from engine.modeling.errors import UnknownVersion
from vroegsignalering.queries import process_versions
from vroegsignalering.services import database, processes

SIGNAAL = {"crisis": False, "signaaldatum": "2026-11-27"}


def _only_version(engine) -> process_versions.VersionRow:
    [row] = process_versions.version_rows(engine)
    return row


def test_version_rows_count_open_and_closed_cases(basis):
    basis.start_case("basis", SIGNAAL, actor="test")
    basis.start_case("basis", SIGNAAL, actor="test")
    row = _only_version(basis)
    assert (row.process_id, row.version, row.open, row.closed) == ("basis", 1, 2, 0)
    [listed] = process_versions.list_versions(basis)
    assert (listed.running_cases, listed.completed_cases, listed.deployed_by) == (2, 0, "test")


def test_a_version_with_its_files_and_siblings(basis):
    vid = _only_version(basis).id
    detail = process_versions.version_detail(basis, vid)
    assert detail.summary.id == vid and "basis.bpmn" in detail.files
    assert detail.siblings == [(vid, 1)]
    assert process_versions.version_diagram(basis, vid) == detail.files["basis.bpmn"]
    assert process_versions.find_version(basis, 999_999) is None
    with pytest.raises(UnknownVersion):
        process_versions.version_detail(basis, 999_999)
    with pytest.raises(UnknownVersion):
        process_versions.version_summary(basis, 999_999)


def test_deploying_a_draft_reports_the_new_version_or_its_problems(basis):
    vid = _only_version(basis).id
    draft_id = processes.create_draft_from_version(basis, vid, actor="piet")
    unchanged = processes.deploy_draft(basis, draft_id, actor="piet")
    assert unchanged.problems == [] and unchanged.versions == []

    files = process_versions.draft(basis, draft_id).files
    files["basis.bpmn"] = files["basis.bpmn"].replace('"P14D"', '"P10D"')
    processes.save_draft(basis, draft_id, files, 1, actor="piet")
    [made] = processes.deploy_draft(basis, draft_id, actor="piet").versions
    assert (made.process_id, made.version) == ("basis", 2)
    assert process_versions.version_summary(basis, made.id).deployed_by == "piet"

    files["basis.bpmn"] = files["basis.bpmn"].replace("<bpmn:process", "<bpmn:procesje", 1)
    processes.save_draft(basis, draft_id, files, 2, actor="piet")
    refused = processes.deploy_draft(basis, draft_id, actor="piet")
    assert refused.problems and refused.versions == []
    assert [r.version for r in process_versions.version_rows(basis)] == [2, 1]  # nothing stored


def test_a_save_that_loses_the_race_is_draft_changed_meanwhile(basis, monkeypatch):
    draft_id = processes.create_draft_from_version(basis, _only_version(basis).id, actor="piet")

    def lost_race(*_args, **_kwargs):
        raise StaleDataError("row version changed")

    monkeypatch.setattr(basis, "save_draft", lost_race)
    with pytest.raises(processes.DraftChangedMeanwhile):
        processes.save_draft(basis, draft_id, {}, 1, actor="piet")


def test_an_unknown_draft_is_refused_by_every_draft_service(basis):
    for call in (lambda: processes.validate_draft(basis, 999), lambda: processes.deploy_draft(basis, 999, actor="x"),
                 lambda: processes.delete_draft(basis, 999)):
        with pytest.raises(UnknownDraft):
            call()


def test_database_problem_says_one_line_and_only_for_database_errors():
    error = OperationalError("SELECT 1", {}, Exception("no such table: cases\nmore"))
    assert database.database_problem(error) == "no such table: cases (run `vroeg db upgrade` first)"
    assert database.database_problem(ValueError("x")) is None


def test_upgrade_schema_reports_where_the_schema_is(tmp_path):
    class Settings:
        database_url = f"sqlite:///{tmp_path / 'vers.sqlite'}"

    upgraded = database.upgrade_schema(Settings())
    assert upgraded.database == Settings.database_url and upgraded.revision != "(none)"
