"""The partner API for a webhook (`/api/v1/terugmeldingen/webhook`) and pull beside push: the message a webhook
receives is the `GET /terugmeldingen` result, with the same volgnummer."""
from __future__ import annotations

import pytest

from vroegsignalering.webhook_delivery import deliver_webhooks
from webapp import create_app
from webapp.api import API_PREFIX
from tests.support.signals import add_partner
from tests.support.webhook_receiver import Receiver
from tests.support.webhooks import add_feedback, engine_with

WEBHOOK = f"{API_PREFIX}/terugmeldingen/webhook"


@pytest.fixture
def receiver(tmp_path):
    with Receiver(tmp_path) as started:
        yield started


@pytest.fixture
def hooks(settings, clock, receiver):
    with engine_with(settings, clock, webhook_test_local_receiver=True, webhook_ca_file=str(receiver.ca_file)) as eng:
        yield eng


@pytest.fixture
def client(hooks):
    return create_app(engine=hooks).test_client()


def test_register_read_and_remove_a_webhook(client, hooks, receiver):
    headers = add_partner(hooks)
    assert client.put(WEBHOOK, json={"url": receiver.url}).status_code == 401
    assert client.get(WEBHOOK, headers=headers).status_code == 404
    refused = client.put(WEBHOOK, json={"url": "http://partner.example/hook"}, headers=headers)
    assert refused.status_code == 400 and refused.content_type == "application/problem+json"
    assert refused.json["invalidParams"] == [{"name": "url", "code": "invalid", "reason": "alleen https is toegestaan"}]
    inward = client.put(WEBHOOK, json={"url": "https://169.254.169.254/latest"}, headers=headers)
    assert "metadata" in inward.json["invalidParams"][0]["reason"]
    assert client.put(WEBHOOK, json={"url": receiver.url, "extra": 1}, headers=headers).status_code == 400
    made = client.put(WEBHOOK, json={"url": receiver.url}, headers=headers)
    assert made.status_code == 200 and made.json["url"] == receiver.url and made.json["vanaf"] == 1
    assert made.json["geheim"].startswith("whsec_")
    state = client.get(WEBHOOK, headers=headers).json
    assert state == {"url": receiver.url, "status": "actief", "afgeleverdTot": 0, "wachtend": 0,
                     "volgendePoging": None, "laatsteFout": None}
    assert client.delete(WEBHOOK, headers=headers).json == {"verwijderd": True}
    assert client.delete(WEBHOOK, headers=headers).status_code == 404


def test_push_and_pull_carry_the_same_numbers(client, hooks, receiver):
    headers = add_partner(hooks)
    assert client.put(WEBHOOK, json={"url": receiver.url}, headers=headers).status_code == 200
    add_feedback(hooks, 1, 3)
    assert client.get(WEBHOOK, headers=headers).json["wachtend"] == 3
    assert deliver_webhooks(hooks) == 3
    pulled = client.get(f"{API_PREFIX}/terugmeldingen", headers=headers).json["results"]
    assert receiver.accepted() == pulled and [m["volgnummer"] for m in pulled] == [1, 2, 3]
    assert client.get(WEBHOOK, headers=headers).json["afgeleverdTot"] == 3


def test_the_openapi_document_describes_the_webhook(client):
    document = client.get(f"{API_PREFIX}/openapi.json").json
    operations = document["paths"]["/terugmeldingen/webhook"]
    assert set(operations) == {"put", "get", "delete"}
    assert "Vroeg-Signature" in operations["put"]["description"]


def test_the_command_line_sets_lists_redelivers_and_removes(vroeg, hooks, receiver):
    add_partner(hooks)
    env = {"VROEG_TESTING": "1", "VROEG_WEBHOOK_TEST_LOCAL_RECEIVER": "1"}
    refused = vroeg("partner", "webhook", "set", "Woonstad", "https://10.0.0.8/hook")
    assert refused.exit_code == 2 and "10.0.0.8 is een privéadres" in refused.stderr
    assert vroeg("partner", "webhook", "set", "Onbekend", receiver.url, **env).exit_code == 2
    made = vroeg("partner", "webhook", "set", "Woonstad", receiver.url, **env)
    assert made.exit_code == 0 and made.stdout.splitlines()[-1].startswith("whsec_")
    listed = vroeg("partner", "webhook", "list", **env)
    assert listed.stdout == f"Woonstad: actief, delivered up to 0, 0 waiting, {receiver.url}\n"
    assert vroeg("partner", "webhook", "redeliver", "Woonstad", **env).exit_code == 0
    assert vroeg("partner", "webhook", "remove", "Woonstad", **env).stdout == "partner Woonstad: webhook removed\n"
    assert vroeg("partner", "webhook", "remove", "Woonstad", **env).exit_code == 2
