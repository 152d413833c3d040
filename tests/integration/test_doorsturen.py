"""Forwarding a signal to the municipality where its client lives (issue 15): with a destination, the worker posts a
signed partner-API signal to that municipality's own Vroeg (a second app on its own database, served over HTTPS by
the test), at least once, retried after a failure, kept once by the receiver; without one, a file for secure mail
that the counsellor downloads (access-logged). Each way in the case history. The destinations by `vroeg doorsturen`."""
from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import select, update

from engine.models import AccessLogEntry, Event
from tests.conftest import local
from tests.support.other_vroeg import OtherVroeg
from tests.support.process import case_of, do, open_tasks
from tests.support.signals import add_partner, signaal
from tests.support.web import sign_in
from tests.support.webhooks import engine_with
from vroegsignalering.doorsturen import sign, verify
from vroegsignalering.doorsturen_delivery import deliver_forwards
from vroegsignalering.doorsturen_models import Doorstuurbericht
from vroegsignalering.models import Partner, Signaal
from vroegsignalering.services.partners import register_partner
from vroegsignalering.services.doorsturen import configure

UTRECHT = "0344"
MEIJER = {"voorletters": "L.", "achternaam": "Meijer", "geboortedatum": "1995-01-23", "straatnaam": "Oudegracht",
          "huisnummer": 100, "postcode": "3511AX", "plaatsnaam": "Utrecht"}  # registered in Utrecht (the BRP fixture)


@pytest.fixture
def utrecht(_states, settings, clock, tmp_path):
    """Utrecht's own Vroeg, failing its first request; Amsterdam (the tests' 0363) is its partner of type Overige."""
    with OtherVroeg(_states, settings, clock, tmp_path, UTRECHT, plan=["500"]) as other:
        _partner, other.token = register_partner(other.engine, "Gemeente Amsterdam", "Overige", actor="test")
        yield other


@pytest.fixture
def sender(vs, settings, clock, utrecht):
    """Amsterdam's engine (the test's database), trusting Utrecht's certificate, posting to it on loopback."""
    with engine_with(settings, clock, webhook_ca_file=str(utrecht.ca_file), webhook_test_local_receiver=True,
                     webhook_timeout_seconds=5) as eng:
        yield eng


def forwarded_case(engine, web, clock, code=UTRECHT) -> tuple[int, int]:
    """A water company's signal for Meijer, who lives in Utrecht, forwarded by the counsellor; (case, signal)."""
    partner = add_partner(engine, "Duinwater", "Water")
    response = web.post("/api/v1/signalen", json=signaal(externeReferentie="W-MEIJER", client=MEIJER),
                        headers=partner)
    assert response.status_code == 201, response.get_data(as_text=True)
    signal_id = response.get_json()["id"]
    case = case_of(engine, signal_id)
    assert "doorsturen_gemeente" in open_tasks(engine, case)
    clock.set(local(2026, 11, 30, 10, 0))
    do(engine, case, "doorsturen_gemeente", gemeente="Utrecht", gemeentecode=code, doorgestuurd_op="2026-11-30")
    return case, signal_id


def history(engine, case_id) -> list[str]:
    with engine.uow() as uow:
        return list(uow.session.scalars(select(Event.kind).where(
            Event.case_id == case_id, Event.kind.in_(("doorgestuurd", "doorstuurbestand", "doorsturen_afgeleverd",
                                                      "doorsturen_mislukt"))).order_by(Event.seq)))


def received(other) -> list[Signaal]:
    with other.engine.uow() as uow:
        return list(uow.session.scalars(select(Signaal).join(Partner, Partner.id == Signaal.partner_id)
                                        .where(Partner.naam == "Gemeente Amsterdam")))


def test_the_signal_arrives_once_at_the_other_vroeg_after_a_failure_and_is_taken_up_there(sender, web, clock,
                                                                                         utrecht):
    configure(sender, UTRECHT, utrecht.api_url, utrecht.token, actor="test")
    case, signal_id = forwarded_case(sender, web, clock)
    assert history(sender, case) == ["doorgestuurd"]
    assert deliver_forwards(sender) == 0  # Utrecht answers 500
    assert history(sender, case) == ["doorgestuurd", "doorsturen_mislukt"]
    assert deliver_forwards(sender) == 0  # waiting for the backoff
    clock.advance(hours=2)
    assert deliver_forwards(sender) == 1
    assert deliver_forwards(sender) == 0  # done: never posted again
    assert history(sender, case) == ["doorgestuurd", "doorsturen_mislukt", "doorsturen_afgeleverd"]
    [failed, accepted] = utrecht.requests
    assert (failed.status, accepted.status) == (500, 201)
    assert failed.headers["Vroeg-Bericht"] == accepted.headers["Vroeg-Bericht"]
    digest = hashlib.sha256(utrecht.token.encode()).hexdigest()  # what Utrecht keeps of the token
    assert verify(digest, accepted.headers["Vroeg-Signature"], accepted.body, int(clock.now().timestamp()))
    assert not verify(digest, accepted.headers["Vroeg-Signature"], accepted.body + b" ", int(clock.now().timestamp()))
    [signal] = received(utrecht)
    assert signal.externe_referentie == f"doorgestuurd-0363-{signal_id}"
    assert (signal.achternaam, signal.postcode, signal.gemeentecode) == ("Meijer", "3511AX", UTRECHT)
    assert signal.case_id is not None  # Utrecht's process took it up
    assert json.loads(accepted.body)["client"]["achternaam"] == "Meijer"


def test_a_redelivery_after_a_worker_died_is_the_same_signal_at_the_receiver(sender, web, clock, utrecht):
    utrecht.plan.clear()
    configure(sender, UTRECHT, utrecht.api_url, utrecht.token, actor="test")
    forwarded_case(sender, web, clock)
    assert deliver_forwards(sender) == 1
    with sender.uow() as uow:  # the worker died after the post, before it recorded it
        uow.session.execute(update(Doorstuurbericht).values(afgeleverd_op=None))
        uow.commit()
    assert deliver_forwards(sender) == 1
    assert [r.status for r in utrecht.requests] == [201, 200]  # 200: already received, nothing stored twice
    assert len(received(utrecht)) == 1


def test_an_automatic_destination_forwards_on_intake_and_the_task_does_not_send_it_again(sender, web, clock,
                                                                                          utrecht):
    utrecht.plan.clear()
    configure(sender, UTRECHT, utrecht.api_url, utrecht.token, actor="test", automatisch=True)
    partner = add_partner(sender, "Duinwater", "Water")
    response = web.post("/api/v1/signalen", json=signaal(externeReferentie="W-MEIJER", client=MEIJER),
                        headers=partner)
    case = case_of(sender, response.get_json()["id"])
    assert history(sender, case) == ["doorgestuurd"]  # on intake: the BRP places Meijer in Utrecht
    do(sender, case, "doorsturen_gemeente", gemeente="Utrecht", gemeentecode=UTRECHT)
    assert history(sender, case) == ["doorgestuurd"]
    assert deliver_forwards(sender) == 1 and deliver_forwards(sender) == 0
    assert len(received(utrecht)) == 1
    sign_in(sender, web)
    assert f"gemeente {UTRECHT} (automatisch)" in web.get(f"/zaken/{case}").get_data(as_text=True)


def test_the_receiving_partner_api_refuses_a_forwarded_signal_whose_signature_does_not_match(utrecht, clock):
    from webapp import create_app
    body = json.dumps(signaal(externeReferentie="doorgestuurd-0363-9", client=MEIJER, sociaalIncasso=None)).encode()
    now = int(clock.now().timestamp())
    web = create_app(engine=utrecht.engine).test_client()
    headers = {"Authorization": f"Bearer {utrecht.token}", "Content-Type": "application/json"}
    forged = web.post("/api/v1/signalen", data=body, headers={**headers, "Vroeg-Signature": sign("ander", now, body)})
    assert forged.status_code == 401 and "Vroeg-Signature" in forged.get_json()["detail"]
    stale = web.post("/api/v1/signalen", data=body,
                     headers={**headers, "Vroeg-Signature": sign(utrecht.token, now - 3600, body)})
    assert stale.status_code == 401
    assert received(utrecht) == []
    good = web.post("/api/v1/signalen", data=body,
                    headers={**headers, "Vroeg-Signature": sign(utrecht.token, now, body)})
    assert good.status_code == 201, good.get_data(as_text=True)


def test_a_forwarding_still_waiting_is_dropped_when_the_case_is_erased(sender, web, clock, utrecht):
    from vroegsignalering.services.retention import erase_on_request
    configure(sender, UTRECHT, utrecht.api_url, utrecht.token, actor="test")
    case, _signal = forwarded_case(sender, web, clock)  # the case ends with the forwarding task
    erase_on_request(sender, case, "verzoek AVG-1", actor="test")
    assert deliver_forwards(sender) == 0
    assert utrecht.requests == []


def test_without_a_destination_the_counsellor_downloads_a_file_for_secure_mail(vs, web, clock):
    case, signal_id = forwarded_case(vs, web, clock)
    assert history(vs, case) == ["doorstuurbestand"]
    assert deliver_forwards(vs) == 0
    with vs.uow() as uow:
        assert uow.session.scalars(select(Doorstuurbericht)).all() == []
    sign_in(vs, web, "bert")
    page = web.get(f"/zaken/{case}").get_data(as_text=True)
    assert "Doorstuurbestand klaargezet voor beveiligde mail" in page and "Doorstuurbestand downloaden" in page
    response = web.get(f"/zaken/{case}/doorstuurbestand.json")
    assert response.status_code == 200
    assert f"naar-{UTRECHT}.json" in response.headers["Content-Disposition"]
    message = response.get_json()
    assert message["externeReferentie"] == f"doorgestuurd-0363-{signal_id}"
    assert message["client"]["achternaam"] == "Meijer" and "sociaalIncasso" not in message
    with vs.uow() as uow:
        assert uow.session.scalars(select(AccessLogEntry.action).where(
            AccessLogEntry.case_id == case, AccessLogEntry.detail == "doorstuurbestand")).all() == ["export"]


def test_a_code_that_is_no_municipality_code_is_refused_on_the_form(vs, web, clock):
    from engine.errors import InvalidTaskData
    with pytest.raises(InvalidTaskData, match="gemeentecode"):
        forwarded_case(vs, web, clock, code="Utrecht")


def test_destinations_are_set_listed_and_removed_from_the_command_line(vroeg):
    url = "https://vroeg.utrecht.example/api/v1"
    result = vroeg("doorsturen", "set", UTRECHT, url, "--token-stdin", input="vrgp_geheim\n")
    assert result.exit_code == 0, result.output
    listed = vroeg("doorsturen", "list").stdout
    assert listed == f"{UTRECHT}: {url}\n" and "vrgp_geheim" not in listed
    assert vroeg("doorsturen", "set", "0599", url, "--token-stdin", "--automatisch", input="t\n").exit_code == 0
    assert vroeg("doorsturen", "list").stdout == f"{UTRECHT}: {url}\n0599: {url} (automatisch)\n"
    assert vroeg("doorsturen", "remove", "0599").exit_code == 0
    refused = vroeg("doorsturen", "set", "0363", url, "--token-stdin", input="vrgp_geheim\n")
    assert refused.exit_code != 0 and "hoort bij deze installatie" in refused.output
    assert vroeg("doorsturen", "set", "0599", "http://intern/api", "--token-stdin", input="t\n").exit_code != 0
    assert vroeg("doorsturen", "remove", UTRECHT).exit_code == 0
    assert vroeg("doorsturen", "list").stdout == ""
    assert vroeg("doorsturen", "remove", UTRECHT).exit_code != 0
