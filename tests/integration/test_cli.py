"""The `vroeg` command line: output, exit codes (0 ok, 1 problems, 2 bad usage) and effects in the database."""
from __future__ import annotations

import re
import shutil
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from engine.identity.accounts import check_password, user_for_token
from engine.models import Event, ProcessVersion, User
from vroegsignalering.gemeente_models import MedewerkerGemeente
from tests.conftest import DATA, FAST_HASHER
from webapp.cli.main import SERVE_THREADS
from webapp.cli.accounts import DEMO_PASSWORD, DEMO_REGION_USERS, DEMO_USERS

PROBLEM_LINE = re.compile(r"^[^:\s]+: [^:\s]+: .+$")


def start_case(engine):
    return engine.start_case("basis", {"crisis": False, "signaaldatum": "2026-11-27"}, actor="test",
                             correlation_key="huishouden-1")


def count(engine, model):
    with engine.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(model))


def broken_bundle(tmp_path):
    """A copy of the basis bundle with a missing form, an unsafe condition and an unquoted timer."""
    bundle = tmp_path / "broken"
    shutil.copytree(DATA / "basis", bundle)
    bpmn = bundle / "basis.bpmn"
    text = bpmn.read_text(encoding="utf-8")
    text = text.replace('value="gesprek"', 'value="bestaat_niet"', 1)
    text = text.replace("<bpmn:conditionExpression>crisis</bpmn:conditionExpression>",
                        "<bpmn:conditionExpression>__import__('os').system('id')</bpmn:conditionExpression>")
    text = text.replace('<bpmn:timeDuration>"P14D"</bpmn:timeDuration>', "<bpmn:timeDuration>P14D</bpmn:timeDuration>")
    bpmn.write_text(text, encoding="utf-8")
    return bundle


# --- db ---
def test_db_upgrade_is_safe_to_repeat(vroeg):
    for _ in range(2):
        result = vroeg("db", "upgrade")
        assert result.exit_code == 0, result.output
        assert "at revision" in result.stdout


def test_db_upgrade_creates_a_fresh_sqlite_database(vroeg, tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh' / 'vroeg.db'}"
    first = vroeg("db", "upgrade", VROEG_DATABASE_URL=url)
    second = vroeg("db", "upgrade", VROEG_DATABASE_URL=url)
    assert (first.exit_code, second.exit_code) == (0, 0)
    assert first.stdout.split("at revision")[1] == second.stdout.split("at revision")[1]


def test_bad_configuration_is_bad_usage(vroeg):
    result = vroeg("audit", "verify", VROEG_GEMEENTECODE="12")
    assert result.exit_code == 2
    assert "VROEG_GEMEENTECODE" in result.stderr


def test_missing_schema_is_one_readable_line(vroeg, tmp_path):
    result = vroeg("audit", "verify", VROEG_DATABASE_URL=f"sqlite:///{tmp_path / 'empty.db'}")
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0 and "vroeg db upgrade" in result.stderr


# --- processes ---
def test_validate_accepts_the_basis_bundle(vroeg):
    result = vroeg("processes", "validate", str(DATA / "basis"))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "OK: 1 processes (basis)"


def test_validate_prints_one_line_per_problem_and_exits_1(vroeg, tmp_path):
    bundle = broken_bundle(tmp_path)
    result = vroeg("processes", "validate", str(bundle), "--forms", str(bundle / "forms"))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines and all(PROBLEM_LINE.match(line) for line in lines), lines
    by_element = {line.split(": ")[1]: line for line in lines}
    assert by_element["crisis_gesprek"].startswith("basis.bpmn: crisis_gesprek: ") and "bestaat_niet" in \
        by_element["crisis_gesprek"]
    assert "__import__" in by_element["f3"]
    assert '"P14D"' in by_element["herinnering_14d"]
    assert result.stdout == ""


def test_validate_of_a_missing_path_is_bad_usage(vroeg, tmp_path):
    result = vroeg("processes", "validate", str(tmp_path / "nergens"))
    assert result.exit_code == 2


def test_deploy_twice_then_unchanged(vroeg, engine):
    first = vroeg("processes", "deploy")
    second = vroeg("processes", "deploy", str(DATA / "basis"))
    assert first.exit_code == 0, first.output
    assert first.stdout.strip() == "process basis: version 1 deployed"
    assert (second.exit_code, second.stdout.strip()) == (0, "unchanged: nothing deployed")
    assert count(engine, ProcessVersion) == 1


def test_refused_deploy_stores_nothing(vroeg, engine, tmp_path):
    bundle = broken_bundle(tmp_path)
    result = vroeg("processes", "deploy", str(bundle), "--forms", str(bundle / "forms"))
    assert result.exit_code == 1
    assert all(PROBLEM_LINE.match(line) for line in result.stderr.strip().splitlines())
    assert count(engine, ProcessVersion) == 0


# --- users ---
def test_user_add_with_password_from_stdin(vroeg, engine):
    result = vroeg("user", "add", "anna", "--rol", "hulpverlener", "--password-stdin",
                   input="een-lang-wachtwoord\n")
    assert result.exit_code == 0, result.output
    assert "anna" in result.stdout
    with engine.uow() as uow:
        assert check_password(uow.session, "anna", "een-lang-wachtwoord", hasher=FAST_HASHER).role == "hulpverlener"


def test_user_add_with_full_name_and_phone(vroeg, engine):
    assert vroeg("user", "add", "anna", "--rol", "hulpverlener", "--naam", "Anna de Vries",
                 "--telefoon", "020 555 0101").exit_code == 0
    with engine.uow() as uow:
        user = uow.session.scalar(select(User).where(User.username == "anna"))
        assert (user.volledige_naam, user.telefoon) == ("Anna de Vries", "020 555 0101")
    bad = vroeg("user", "add", "bram", "--rol", "auditor", "--telefoon", "bel me")
    assert bad.exit_code != 0 and "phone number" in bad.stderr
    changed = vroeg("user", "set", "anna", "--rol", "coordinator", "--telefoon", "")
    assert changed.exit_code == 0 and "role changed, telefoon changed" in changed.stdout
    with engine.uow() as uow:
        user = uow.session.scalar(select(User).where(User.username == "anna"))
        assert (user.role, user.volledige_naam, user.telefoon) == ("coordinator", "Anna de Vries", None)
    assert vroeg("user", "set", "anna").exit_code == 2


def test_user_add_without_password_is_token_only(vroeg, engine):
    assert vroeg("user", "add", "bram", "--rol", "auditor").exit_code == 0
    with engine.uow() as uow:
        assert uow.session.scalar(select(User).where(User.username == "bram")).password_hash is None


@pytest.mark.parametrize("args, named", [
    (["koning", "--rol", "koning"], "koning"),
    (["Anna Smit", "--rol", "hulpverlener"], "username"),
    (["anna", "--rol", "hulpverlener", "--password-stdin"], "password"),
])
def test_user_add_bad_usage_exits_2_naming_the_problem(vroeg, engine, args, named):
    result = vroeg("user", "add", *args, input="kort\n")
    assert result.exit_code == 2
    assert named in result.stderr
    assert count(engine, User) == 0


def test_user_add_twice_is_bad_usage(vroeg):
    assert vroeg("user", "add", "anna", "--rol", "coordinator").exit_code == 0
    again = vroeg("user", "add", "anna", "--rol", "coordinator")
    assert again.exit_code == 2 and "already exists" in again.stderr


def test_user_token_last_line_authenticates(vroeg, engine, cli_env, clock):
    from click.testing import CliRunner

    from webapp.cli.main import main
    from webapp.cli.support import CliState

    vroeg("user", "add", "anna", "--rol", "coordinator")
    result = CliRunner().invoke(main, ["user", "token", "anna"], env=cli_env, catch_exceptions=False,
                                obj=CliState(password_hasher=FAST_HASHER, clock=clock))  # issued at the test's time
    assert result.exit_code == 0, result.output
    token = result.stdout.strip().splitlines()[-1]
    with engine.uow() as uow:
        assert user_for_token(uow.session, token, clock.now()).username == "anna"
        assert user_for_token(uow.session, token, clock.now() + timedelta(days=366 * 101)) is None  # it expires


def test_token_for_unknown_user_is_bad_usage(vroeg):
    result = vroeg("user", "token", "niemand")
    assert result.exit_code == 2 and "niemand" in result.stderr


# --- timers ---
def test_timers_fire_at_a_given_instant_fires_once(vroeg, basis):
    start_case(basis)
    first = vroeg("timers", "fire", "--now", "2027-06-01T12:00:00+02:00")
    again = vroeg("timers", "fire", "--now", "2027-06-01T12:00:00+02:00")
    assert first.exit_code == 0, first.output
    fired = int(first.stdout.split()[0])
    assert fired > 0 and first.stdout.strip() == f"{fired} timers fired"
    assert again.stdout.strip() == "0 timers fired"


def test_timers_fire_reads_a_naive_now_in_the_configured_timezone(vroeg, basis, clock):
    start_case(basis)  # the 14-day reminder is due 2026-12-11 09:00 Amsterdam = 08:00 UTC
    assert vroeg("timers", "fire", "--now", "2026-12-11T08:30").stdout.strip() == "0 timers fired"
    assert vroeg("timers", "fire", "--now", "2026-12-11T09:30").stdout.strip() == "1 timers fired"


@pytest.mark.parametrize("value", ["morgen", "2026-13-01", ""])
def test_timers_fire_with_a_bad_now_is_bad_usage(vroeg, value):
    result = vroeg("timers", "fire", "--now", value)
    assert result.exit_code == 2
    assert "--now" in result.stderr and "ISO-8601" in result.stderr


# --- audit ---
def test_audit_verify_ok_then_names_the_tampered_event(vroeg, basis):
    ref = start_case(basis)
    ok = vroeg("audit", "verify")
    assert ok.exit_code == 0, ok.output
    checked = int(ok.stdout.split()[1])
    assert checked > 0 and ok.stdout.strip() == f"OK: {checked} events checked"
    with basis.uow() as uow:
        event = uow.session.scalars(select(Event).where(Event.case_id == ref.id).order_by(Event.seq)).first()
        event_id, chain, seq = event.id, event.chain, event.seq
    with basis.db.begin() as conn:
        conn.execute(update(Event.__table__).where(Event.__table__.c.id == event_id).values(data={"stil": "veranderd"}))
    for args in ([], ["--zaak", str(ref.id)]):
        result = vroeg("audit", "verify", *args)
        assert result.exit_code == 1
        assert f"event {event_id} ({chain} #{seq})" in result.stderr.splitlines()[0]


def test_audit_verify_of_an_unknown_case_is_bad_usage(vroeg):
    result = vroeg("audit", "verify", "--zaak", "424242")
    assert result.exit_code == 2 and "424242" in result.stderr


# --- demo ---
def test_demo_twice_is_harmless(vroeg, engine):
    first = vroeg("demo")
    second = vroeg("demo")
    assert (first.exit_code, second.exit_code) == (0, 0), first.output + second.output
    assert "process basis: version 1 deployed" in first.stdout and "unchanged" in second.stdout
    assert DEMO_PASSWORD in first.stdout and all(name in first.stdout for name, *_ in DEMO_USERS + DEMO_REGION_USERS)
    assert count(engine, User) == len(DEMO_USERS) + len(DEMO_REGION_USERS)
    with engine.uow() as uow:
        for username, role, *_gemeente in DEMO_USERS + DEMO_REGION_USERS:
            assert check_password(uow.session, username, DEMO_PASSWORD, hasher=FAST_HASHER).role == role


def test_demo_if_empty_leaves_a_database_with_users_alone(vroeg, engine):
    vroeg("user", "add", "anna", "--rol", "beheerder")
    result = vroeg("demo", "--if-empty")
    assert result.exit_code == 0 and "not loaded" in result.stdout
    assert count(engine, User) == 1 and count(engine, ProcessVersion) == 0


def test_demo_without_processes_still_creates_the_accounts(vroeg, engine, tmp_path):
    result = vroeg("demo", "--if-empty", VROEG_PROCESSES_PATH=str(tmp_path / "leeg"))
    assert result.exit_code == 0, result.output
    assert "nothing deployed" in result.stdout and count(engine, User) == len(DEMO_USERS) + len(DEMO_REGION_USERS)


# --- serve (waitress replaced: the test checks the wiring, not the server) ---
def test_serve_deploys_then_serves_the_app(vroeg, engine, monkeypatch):
    served = {}
    monkeypatch.setattr("waitress.serve", lambda app, **kwargs: served.update(app=app, **kwargs))
    result = vroeg("serve", "--port", "8123")
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8123/" in result.stdout
    assert (served["host"], served["port"], served["threads"]) == ("127.0.0.1", 8123, SERVE_THREADS)
    assert callable(served["app"]) and count(engine, ProcessVersion) == 1


def test_serve_refuses_a_broken_bundle(vroeg, tmp_path, monkeypatch):
    monkeypatch.setattr("waitress.serve", lambda app, **kwargs: pytest.fail("served a refused bundle"))
    bundle = broken_bundle(tmp_path)
    result = vroeg("serve", VROEG_PROCESSES_PATH=str(bundle), VROEG_FORMS_PATH=str(bundle / "forms"))
    assert result.exit_code == 1 and "crisis_gesprek" in result.stderr


def test_help_lists_the_commands(vroeg):
    result = vroeg("--help")
    assert result.exit_code == 0
    for command in ("db", "serve", "worker", "processes", "timers", "user", "audit", "demo"):
        assert f"  {command} " in result.stdout


@pytest.mark.parametrize("host, setting, secure", [
    ("127.0.0.1", None, False), ("localhost", "auto", False), ("::1", None, False),  # make run: plain http
    ("127.0.0.1", "true", True),  # behind a TLS-terminating proxy on the same machine: the setting wins
    ("0.0.0.0", None, True), ("0.0.0.0", "false", False), ("10.1.2.3", "auto", True),
])
def test_serve_cookie_secure_follows_the_setting(vroeg, monkeypatch, host, setting, secure):
    served = {}
    monkeypatch.setattr("waitress.serve", lambda app, **kwargs: served.update(app=app, **kwargs))
    env = {"VROEG_COOKIE_SECURE": setting} if setting else {}
    result = vroeg("serve", "--host", host, **env)
    assert result.exit_code == 0, result.output
    assert served["app"].config["SESSION_COOKIE_SECURE"] is secure


def test_serve_names_a_bad_cookie_setting(vroeg, monkeypatch):
    monkeypatch.setattr("waitress.serve", lambda app, **kwargs: pytest.fail("served"))
    result = vroeg("serve", VROEG_COOKIE_SECURE="soms")
    assert result.exit_code == 2 and "VROEG_COOKIE_SECURE" in result.stderr


def test_the_demo_administrator_works_for_both_municipalities(vroeg, engine):
    result = vroeg("demo")
    assert result.exit_code == 0, result.output
    assert re.search(r"beheerder +role beheerder +gemeente 0363, 0479 ", result.stdout)
    assert re.search(r"hulpverlener +role hulpverlener +gemeente 0363 ", result.stdout)
    assert re.search(r"coordinator\.zaanstad +role coordinator +gemeente 0479 ", result.stdout)
    with engine.uow() as uow:
        rows = uow.session.execute(select(User.username, MedewerkerGemeente.gemeentecode)
                                   .join(MedewerkerGemeente, MedewerkerGemeente.user_id == User.id)).all()
    codes = {}
    for username, code in rows:
        codes.setdefault(username, []).append(code)
    assert sorted(codes["beheerder"]) == ["0363", "0479"]
    assert codes["hulpverlener"] == ["0363"] and codes["hulpverlener.zaanstad"] == ["0479"]
