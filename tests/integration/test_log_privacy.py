"""No BSN (nor a row of personal data) in a log: failed statements, request errors, the secret key file's mode and
a plain-http BRP URL."""
from __future__ import annotations

import logging
import os
import stat
from io import StringIO

import pytest

from engine import log_privacy
from engine.config import create_private_file, ensure_secret_key
from vroegsignalering.settings import Settings, load_settings
from vroegsignalering import intake
from vroegsignalering.brp import HaalCentraalBrp
from tests.support.signals import FATIMA, add_partner, post, signaal

BSN = "999990007"  # Fatima El Amrani in the bundled BRP fixture
OTHER_BSN = "123456782"


def test_mask_hides_nine_digit_numbers_but_not_longer_numbers_or_hex():
    assert log_privacy.mask(f"bsn={BSN}, ander: {OTHER_BSN}.") == "bsn=******007, ander: ******782."
    assert log_privacy.mask("id 1234567890 en 12345678") == "id 1234567890 en 12345678"
    assert log_privacy.mask("fout ab123456789cd") == "fout ab123456789cd"  # part of an error id or a hash
    assert log_privacy.mask('DETAIL:  Failing row contains (1, Fatima, El Amrani (F.), Javastraat).') \
        == "DETAIL:  Failing row contains (…)."
    assert log_privacy.mask("DETAIL:  Key (bsn, datum)=(999990007, 2026-01-01) already exists.") \
        == "DETAIL:  Key (bsn, datum)=(…) already exists."


def test_engines_hide_statement_parameters(engine):
    assert engine.db.hide_parameters is True


@pytest.fixture
def log_output():
    """Everything logged (any logger, any level) through a plain stream handler, as an operator would see it."""
    log_privacy.install()
    stream = StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    root.setLevel(old_level)


def _personal_data_in(text: str) -> list[str]:
    return [value for value in (BSN, OTHER_BSN, FATIMA["achternaam"], FATIMA["straatnaam"], FATIMA["email"])
            if value in text]


def test_a_constraint_violation_in_a_request_logs_no_bsn_or_row(vs, client, monkeypatch, caplog, log_output):
    """A NOT NULL violation while storing a signal: SQLite and PostgreSQL both put the failed INSERT (and
    PostgreSQL the failing row) in the exception that the 500 handler logs with its traceback."""
    headers = add_partner(vs)
    monkeypatch.setattr(intake, "NOT_PICKED_UP", None)  # signals.status is NOT NULL
    caplog.set_level(logging.DEBUG)
    response = post(client, headers, signaal(client={"burgerservicenummer": BSN}))
    assert response.status_code == 500
    logged = log_output.getvalue()
    assert response.get_json()["errorId"] in logged and "IntegrityError" in logged and "INSERT INTO signals" in logged
    assert _personal_data_in(logged) == [] and _personal_data_in(caplog.text) == []
    assert "******007" in logged or "parameters hidden" in logged


def test_an_exception_naming_a_bsn_in_a_request_is_masked(vs, client, monkeypatch, caplog, log_output):
    from webapp.api import signalen

    def failing(*_args, **_kwargs):
        raise ValueError(f"kapot bij persoon {BSN} en partner-bsn {OTHER_BSN}")

    headers = add_partner(vs)
    monkeypatch.setattr(signalen, "receive_from_partner", failing)
    caplog.set_level(logging.DEBUG)
    assert post(client, headers, signaal(client={"burgerservicenummer": BSN})).status_code == 500
    for text in (log_output.getvalue(), caplog.text):
        assert "ValueError: kapot bij persoon ******007 en partner-bsn ******782" in text
        assert _personal_data_in(text) == []


def test_any_logger_with_arguments_exceptions_and_stacks_is_masked(log_output):
    log = logging.getLogger("vroeg.elders")
    log.warning("signaal %s voor %s", "s-1", BSN)
    try:
        raise RuntimeError(f"dubbel: {OTHER_BSN}")
    except RuntimeError:
        log.exception("mislukt voor %(bsn)s", {"bsn": BSN})
    log.info("stapel", stack_info=True, extra={"bsn": BSN})
    logged = log_output.getvalue()
    assert "signaal s-1 voor ******007" in logged and "RuntimeError: dubbel: ******782" in logged
    assert "mislukt voor ******007" in logged and _personal_data_in(logged) == []


def test_the_cli_installs_the_filter(vroeg):
    logging.setLogRecordFactory(logging.LogRecord)
    try:
        vroeg("audit", "verify")
        assert getattr(logging.getLogRecordFactory(), "_vroeg_masking", False)
    finally:
        log_privacy.install()


def test_a_failed_statement_outside_a_request_logs_no_bsn(vs, log_output):
    """The same violation in an import or the worker: what gets logged with the exception has no BSN or name."""
    from datetime import date

    from sqlalchemy.exc import IntegrityError

    from vroegsignalering.models import Signaal
    from vroegsignalering.services.partners import register_partner

    partner, _token = register_partner(vs, "Woonstad", "Huur", actor="test")
    with pytest.raises(IntegrityError) as failure:
        with vs.uow() as uow:
            uow.session.add(Signaal(partner_id=partner.id, externe_referentie="R-1", gemeentecode="0363",
                                   soort="betalingsachterstand", signaaldatum=date(2026, 11, 20), bsn=BSN,
                                   achternaam=FATIMA["achternaam"], straatnaam=FATIMA["straatnaam"],
                                   email=FATIMA["email"], household_key="h", status=None,
                                   received_at=vs.clock.now()))
            uow.session.flush()
    assert "parameters hidden" in str(failure.value)
    logging.getLogger("vroeg.worker").error("import mislukt", exc_info=failure.value)
    logged = log_output.getvalue()
    assert "IntegrityError" in logged and _personal_data_in(logged) == []


# --- files and settings -----------------------------------------------------------------------------------------

def test_the_secret_key_file_is_created_with_mode_0600(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "umask", os.umask)  # restored by monkeypatch
    os.umask(0o022)
    settings = ensure_secret_key(Settings(instance_path=tmp_path / "instance"))
    key_file = tmp_path / "instance" / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600 and len(settings.secret_key) == 64
    assert ensure_secret_key(Settings(instance_path=tmp_path / "instance")).secret_key == settings.secret_key
    assert [p.name for p in key_file.parent.iterdir()] == ["secret_key"]  # no temporary file left


def test_a_private_file_never_exists_with_a_wider_mode(tmp_path, monkeypatch):
    """The file appears under its name already complete and 0600: watch every open() of the final name."""
    path = tmp_path / "geheim"
    seen = []
    real_open = os.open

    def watching_open(name, flags, mode=0o777, *args, **kwargs):
        seen.append((os.fspath(name), flags, mode))
        return real_open(name, flags, mode, *args, **kwargs)

    monkeypatch.setattr(os, "open", watching_open)
    assert create_private_file(path, b"abc") is True
    assert path.read_bytes() == b"abc" and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert all(mode == 0o600 and flags & os.O_EXCL for _name, flags, mode in seen)
    assert os.fspath(path) not in [name for name, _f, _m in seen]  # linked into place, never opened half-written
    with pytest.raises(FileExistsError):
        create_private_file(path, b"anders")
    assert create_private_file(path, b"anders", exist_ok=True) is False and path.read_bytes() == b"abc"


@pytest.mark.parametrize("url", ["http://brp.example.nl/haalcentraal/api/brp", "http://10.0.0.5/brp",
                                 "ftp://brp.example.nl/", "file:///etc/passwd", "brp.example.nl"])
def test_a_brp_url_without_tls_off_this_machine_is_refused_at_configuration(url):
    with pytest.raises(ValueError, match="VROEG_BRP_URL"):
        load_settings(environ={"VROEG_BRP_URL": url})
    with pytest.raises(ValueError, match="VROEG_BRP_URL"):
        HaalCentraalBrp(url)


@pytest.mark.parametrize("url", ["https://brp.example.nl/haalcentraal/api/brp", "http://127.0.0.1:8080/brp",
                                 "http://localhost/brp", "http://[::1]:9000/brp", "http://127.0.0.2/brp"])
def test_https_or_loopback_brp_urls_are_accepted(url):
    assert load_settings(environ={"VROEG_BRP_URL": url}).brp_url == url


def test_the_cli_names_a_plain_http_brp_url(vroeg):
    result = vroeg("audit", "verify", VROEG_BRP_URL="http://brp.gemeente.nl/api")
    assert result.exit_code == 2 and "plain http to another machine" in result.stderr and "https" in result.stderr
