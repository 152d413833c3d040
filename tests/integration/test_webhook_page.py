"""`/beheer/webhooks` for administrators: each partner's webhook, a dead letter shown as stopped with
"Opnieuw afleveren", which delivers the waiting feedback again; other roles are refused."""
from __future__ import annotations

from datetime import timedelta

import pytest

from vroegsignalering.services.partners import register_partner
from vroegsignalering.services.webhooks import register_webhook
from vroegsignalering.webhook_delivery import deliver_webhooks
from webapp import create_app
from tests.support.web import csrf_from, sign_in
from tests.support.webhook_receiver import Receiver
from tests.support.webhooks import add_feedback, engine_with

BUTTON = "Opnieuw afleveren</button>"


@pytest.fixture
def receiver(tmp_path):
    with Receiver(tmp_path, plan=["500"] * 100) as started:
        yield started


@pytest.fixture
def hooks(settings, clock, receiver):
    with engine_with(settings, clock, webhook_test_local_receiver=True, webhook_ca_file=str(receiver.ca_file),
                     webhook_dead_after_hours=1) as eng:
        yield eng


@pytest.fixture
def web(hooks):
    return create_app(engine=hooks).test_client()


def test_a_dead_letter_is_shown_and_delivered_again(hooks, web, receiver, clock):
    partner, _token = register_partner(hooks, "Woonstad", "Huur", actor="test")
    register_webhook(hooks, partner.id, receiver.url, actor="test")
    add_feedback(hooks, partner.id, 2)
    for _attempt in range(30):
        deliver_webhooks(hooks)
        clock.advance(timedelta(minutes=20))
    sign_in(hooks, web, "bert", "beheerder")
    page = web.get("/beheer/webhooks").get_data(as_text=True)
    assert "Woonstad" in page and "Gestopt" in page and "HTTP 500" in page and BUTTON in page
    assert 'href="/beheer/webhooks"' in web.get("/beheer").get_data(as_text=True)  # a section of the beheer page
    receiver.plan = []
    answer = web.post(f"/beheer/webhooks/{partner.id}/opnieuw-afleveren",
                      data={"csrf_token": csrf_from(web, "/beheer/webhooks")})
    assert answer.status_code == 302 and answer.location.endswith("/beheer/webhooks")
    assert deliver_webhooks(hooks) == 2
    page = web.get("/beheer/webhooks").get_data(as_text=True)
    assert "Actief" in page and BUTTON not in page and "opnieuw afgeleverd" in page
    assert web.post("/beheer/webhooks/999/opnieuw-afleveren",
                    data={"csrf_token": csrf_from(web, "/beheer/webhooks")}).status_code == 404


@pytest.mark.parametrize("role", ["coordinator", "hulpverlener", "auditor"])
def test_only_administrators_see_the_page(hooks, web, role):
    sign_in(hooks, web, "carla", role)
    assert web.get("/beheer/webhooks").status_code == 403
    assert web.post("/beheer/webhooks/1/opnieuw-afleveren",
                    data={"csrf_token": csrf_from(web, "/werklijst")}).status_code == 403
