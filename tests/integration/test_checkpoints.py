"""Signed checkpoints: a chain rewritten consistently in the database passes the plain verification but not the
one against a checkpoint; a tampered checkpoint file fails on its signature; keys are made 0600 and never
overwritten; the worker makes one a day."""
from __future__ import annotations

import json
import stat

import pytest
from sqlalchemy import select

from engine.history import checkpoints
from engine.history.audit import SYSTEM_CHAIN, event_hash
from engine.models import ChainHead, Event
from tests.support.staff_api import start


@pytest.fixture
def key_path(settings):
    return settings.audit_key_path


def rewrite_chain(engine, chain: str, change) -> None:
    """What someone with write access to the database can do: change an event, recompute every hash after it
    and update the chain head, so that the chain verifies again."""
    with engine.uow() as uow:
        events = uow.session.scalars(select(Event).where(Event.chain == chain).order_by(Event.seq)).all()
        change(events)
        previous = None
        for event in events:
            event.prev_hash = previous
            event.hash = event_hash(event)
            previous = event.hash
        head = uow.session.get(ChainHead, chain)
        head.seq, head.hash = events[-1].seq, events[-1].hash
        uow.commit()


def change_actor(events) -> None:
    events[0].actor = "iemand anders"


def remove_newest(engine, chain: str) -> None:
    with engine.uow() as uow:
        events = uow.session.scalars(select(Event).where(Event.chain == chain).order_by(Event.seq)).all()
        uow.session.delete(events[-1])
        head = uow.session.get(ChainHead, chain)
        head.seq, head.hash = events[-2].seq, events[-2].hash
        uow.commit()


@pytest.fixture
def checkpointed(basis, vroeg, tmp_path):
    """Two cases, then a checkpoint made on the command line; returns (case ids, checkpoint file)."""
    cases = [start(basis), start(basis, crisis=True)]
    result = vroeg("audit", "checkpoint")
    assert result.exit_code == 0, result.output
    [file] = (tmp_path / "instance" / "checkpoints").glob("checkpoint-*.json")
    assert json.loads(file.read_text()) == json.loads(result.stdout)
    return cases, file


def test_a_checkpoint_signs_the_head_of_every_chain(basis, checkpointed, key_path):
    (first, second), file = checkpointed
    content = json.loads(file.read_text())
    with basis.uow() as uow:
        heads = {h.chain: {"seq": h.seq, "hash": h.hash} for h in uow.session.scalars(select(ChainHead))}
        [event] = uow.session.scalars(select(Event).where(Event.kind == "checkpoint_gemaakt")).all()
    assert content["format"] == "vroeg-checkpoint/1" and content["gemeentecode"] == "0363"
    assert set(content["chains"]) == {f"zaak:{first}", f"zaak:{second}", SYSTEM_CHAIN}
    assert all(content["chains"][chain] == heads[chain] for chain in (f"zaak:{first}", f"zaak:{second}"))
    assert event.chain == SYSTEM_CHAIN and event.data["bestand"] == file.name and event.data["ketens"] == 3
    assert event.data["sha256"] == checkpoints.signed_digest(content) and event.data["sleutel"] == content["key_id"]
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600  # made on first use
    assert checkpoints.public_key_path(key_path).read_text().startswith("-----BEGIN PUBLIC KEY-----")


def test_an_unchanged_history_verifies_against_its_checkpoint(basis, checkpointed, vroeg, key_path):
    _cases, file = checkpointed
    start(basis)  # events after the checkpoint are not covered by it, and change nothing
    result = vroeg("audit", "verify", "--checkpoint", str(file))
    assert result.exit_code == 0, result.output
    assert "signature valid, 3 chain(s)" in result.stdout and result.stdout.splitlines()[-1].startswith("OK: ")
    public = vroeg("audit", "verify", "--checkpoint", str(file), "--public-key",
                   str(checkpoints.public_key_path(key_path)))
    assert public.exit_code == 0, public.output


def test_a_chain_rewritten_consistently_passes_verify_but_not_the_checkpoint(basis, checkpointed, vroeg, key_path):
    (first, second), file = checkpointed
    rewrite_chain(basis, f"zaak:{second}", change_actor)
    assert vroeg("audit", "verify").exit_code == 0  # the chain itself is consistent again
    result = vroeg("audit", "verify", "--checkpoint", str(file), "--public-key",
                   str(checkpoints.public_key_path(key_path)))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"DIFFERS FROM CHECKPOINT: zaak:{second} #")
    assert "rewritten" in lines[0] and f"zaak:{first}" not in result.stderr
    assert "1 of 3 chain(s) differ from the checkpoint" in result.stderr


def test_the_first_differing_chain_is_named_first(basis, checkpointed, vroeg):
    (first, second), file = checkpointed
    rewrite_chain(basis, f"zaak:{second}", change_actor)
    rewrite_chain(basis, f"zaak:{first}", change_actor)
    lines = vroeg("audit", "verify", "--checkpoint", str(file)).stderr.splitlines()
    assert lines[0].startswith(f"DIFFERS FROM CHECKPOINT: zaak:{first} ")
    assert lines[1].startswith(f"DIFFERS FROM CHECKPOINT: zaak:{second} ")


def test_removing_the_newest_events_and_the_head_with_them_is_caught(basis, checkpointed, vroeg):
    (first, _second), file = checkpointed
    remove_newest(basis, f"zaak:{first}")
    assert vroeg("audit", "verify").exit_code == 0
    result = vroeg("audit", "verify", "--checkpoint", str(file))
    assert result.exit_code == 1 and f"zaak:{first} #" in result.stderr and "are gone" in result.stderr


def test_an_altered_event_is_named_by_both_checks(basis, checkpointed, vroeg):
    (first, _second), file = checkpointed
    with basis.uow() as uow:
        uow.session.scalars(select(Event).where(Event.chain == f"zaak:{first}", Event.seq == 1)).one().actor = "x"
        uow.commit()
    result = vroeg("audit", "verify", "--checkpoint", str(file))
    assert result.exit_code == 1
    assert f"DIFFERS FROM CHECKPOINT: zaak:{first} #1: content does not match its hash" in result.stderr
    assert "BROKEN: " in result.stderr


def test_a_tampered_checkpoint_file_fails_on_its_signature(basis, checkpointed, vroeg):
    (first, _second), file = checkpointed
    rewrite_chain(basis, f"zaak:{first}", change_actor)
    content = json.loads(file.read_text())
    with basis.uow() as uow:  # the forger copies the rewritten head into the checkpoint
        head = uow.session.get(ChainHead, f"zaak:{first}")
        content["chains"][f"zaak:{first}"] = {"seq": head.seq, "hash": head.hash}
    file.write_text(json.dumps(content))
    result = vroeg("audit", "verify", "--checkpoint", str(file))
    assert result.exit_code == 1 and "signature is not valid" in result.stderr


def test_a_checkpoint_signed_with_another_key_fails(basis, checkpointed, vroeg, tmp_path):
    _cases, file = checkpointed
    other = tmp_path / "ander" / "sleutel.pem"
    assert vroeg("audit", "keygen", VROEG_AUDIT_KEY=str(other)).exit_code == 0
    result = vroeg("audit", "verify", "--checkpoint", str(file), "--public-key", str(other) + ".pub")
    assert result.exit_code == 1 and "signed with another key" in result.stderr


def test_keygen_makes_a_private_key_0600_prints_the_public_key_and_never_overwrites(vroeg, tmp_path):
    path = tmp_path / "sleutels" / "audit.pem"
    result = vroeg("audit", "keygen", VROEG_AUDIT_KEY=str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("-----BEGIN PUBLIC KEY-----") and "PRIVATE" not in result.stdout
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and path.read_text().startswith("-----BEGIN PRIVATE KEY")
    assert (tmp_path / "sleutels" / "audit.pem.pub").read_text() == result.stdout
    assert vroeg("audit", "public-key", VROEG_AUDIT_KEY=str(path)).stdout == result.stdout
    before = path.read_bytes()
    again = vroeg("audit", "keygen", VROEG_AUDIT_KEY=str(path))
    assert again.exit_code == 2 and "never overwritten" in again.stderr and path.read_bytes() == before


@pytest.mark.parametrize("args, message", [
    (["--checkpoint", "/bestaat/niet.json"], "no checkpoint file"),
    (["--public-key", "x.pem"], "goes with --checkpoint"),
])
def test_verify_usage_errors(checkpointed, vroeg, args, message):
    result = vroeg("audit", "verify", *args)
    assert result.exit_code == 2 and message in result.stderr


def test_verify_without_any_key_asks_for_one(basis, vroeg, tmp_path):
    file = tmp_path / "cp.json"
    file.write_text(json.dumps({"format": "vroeg-checkpoint/1", "chains": {}}))
    result = vroeg("audit", "verify", "--checkpoint", str(file))
    assert result.exit_code == 2 and "no key file" in result.stderr


def test_a_file_that_is_no_checkpoint_is_refused(checkpointed, vroeg, tmp_path):
    file = tmp_path / "iets.json"
    file.write_text('{"chains": []}')
    result = vroeg("audit", "verify", "--checkpoint", str(file))
    assert result.exit_code == 2 and "not a Vroeg checkpoint" in result.stderr


def test_the_worker_makes_one_checkpoint_a_day(basis, clock, settings):
    start(basis)
    assert checkpoints.daily_checkpoint(basis) == 1
    clock.advance(hours=23)
    assert checkpoints.daily_checkpoint(basis) == 0
    clock.advance(hours=1)
    assert checkpoints.daily_checkpoint(basis) == 1
    files = sorted(settings.audit_checkpoint_path.glob("checkpoint-*.json"))
    assert [f.name for f in files] == ["checkpoint-20261127T080000Z.json", "checkpoint-20261128T080000Z.json"]
    second = json.loads(files[1].read_text())
    assert second["chains"][SYSTEM_CHAIN]["seq"] > json.loads(files[0].read_text())["chains"][SYSTEM_CHAIN]["seq"]
    key = checkpoints.load_public_key(settings.audit_key_path)
    for file in files:
        result = checkpoints.verify_checkpoint(basis, checkpoints.read_checkpoint(file), key)
        assert result.differences == []


def test_two_checkpoints_in_the_same_second_get_their_own_files(basis, settings):
    first = checkpoints.make_checkpoint(basis, actor="test")
    second = checkpoints.make_checkpoint(basis, actor="test")
    assert first.path != second.path and first.path.exists() and second.path.exists()


def test_the_checkpoint_folder_is_a_setting(basis, vroeg, tmp_path):
    folder = tmp_path / "auditor"
    result = vroeg("audit", "checkpoint", VROEG_AUDIT_CHECKPOINTS=str(folder))
    assert result.exit_code == 0 and len(list(folder.glob("checkpoint-*.json"))) == 1
