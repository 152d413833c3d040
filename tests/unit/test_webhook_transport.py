"""The webhook transport's refusals (server-side request forgery), the signature and the retry schedule, without a
network: name resolution and connections are replaced by fakes."""
from __future__ import annotations

import random
import socket

import pytest

from vroegsignalering import webhook_transport
from vroegsignalering.settings import load_settings
from vroegsignalering.webhook_signing import backoff_seconds, signature, verify
from vroegsignalering.webhook_transport import (DeliveryFailed, WebhookRefused, address_problem, post, tls_context,
                                                url_problem)

INWARD = ["127.0.0.1", "127.8.9.10", "::1", "10.1.2.3", "172.16.0.9", "192.168.1.1", "169.254.169.254",
          "169.254.1.1", "fe80::1", "fc00::5", "fd00:ec2::254", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "100.64.0.1",
          "0.0.0.0", "::", "224.0.0.1", "240.0.0.1", "198.18.0.1", "100.100.100.200"]


@pytest.mark.parametrize("address", INWARD)
def test_inward_addresses_are_refused(address):
    assert address_problem(address) is not None
    assert url_problem(f"https://[{address}]/" if ":" in address else f"https://{address}/") is not None


def test_public_addresses_are_allowed():
    assert address_problem("93.184.216.34") is None and address_problem("2606:2800:220:1::1") is None


def test_the_test_setting_admits_loopback_and_nothing_else():
    assert address_problem("127.0.0.1", allow_loopback=True) is None
    assert address_problem("::1", allow_loopback=True) is None
    for address in ("10.0.0.1", "169.254.169.254", "192.168.0.1"):
        assert address_problem(address, allow_loopback=True) is not None


@pytest.mark.parametrize("url, reason", [
    ("http://partner.example/hook", "alleen https"), ("ftp://partner.example/", "alleen https"),
    ("https://user:pw@partner.example/", "wachtwoord"), ("https:///pad", "geen host"),
    ("https://localhost/hook", "deze machine"), ("https://api.localhost/hook", "deze machine"),
    ("https://partner.example/a#b", "fragment"), ("https://partner.example:99999/", "niet geldig"),
    ("https://partner.example/ a", "spaties"), ("", "1-2000"), ("https://p.example/" + "a" * 2000, "1-2000")])
def test_bad_urls_are_refused_with_the_reason(url, reason):
    assert reason in url_problem(url)


def test_a_name_that_resolves_inward_is_refused_before_connecting(monkeypatch):
    answers = {"partner.example": ["93.184.216.34", "10.0.0.7"], "rebind.example": ["169.254.169.254"]}
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, port, **kw: [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in answers[host]])
    monkeypatch.setattr(socket, "create_connection", lambda *a, **kw: pytest.fail("connected"))
    with pytest.raises(WebhookRefused, match="10.0.0.7 is een privéadres"):
        post("https://partner.example/hook", b"{}", {}, timeout=1, context=tls_context())
    with pytest.raises(WebhookRefused, match="metadata"):
        post("https://rebind.example/hook", b"{}", {}, timeout=1, context=tls_context())


def test_the_connection_goes_to_the_checked_address_with_the_name_for_tls(monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, port, **kw: [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port))])
    connected = []

    def fake_connection(address, timeout):
        connected.append(address)
        raise ConnectionRefusedError("refused")

    monkeypatch.setattr(socket, "create_connection", fake_connection)
    with pytest.raises(DeliveryFailed, match="refused"):
        post("https://partner.example:8443/hook", b"{}", {}, timeout=1, context=tls_context())
    assert connected == [("93.184.216.34", 8443)]


def test_a_connected_peer_that_is_inward_is_refused(monkeypatch):
    """Belt and braces: the address the socket really reached is checked too."""
    class Socket:
        def getpeername(self):
            return ("10.9.9.9", 443)

        def close(self):
            self.closed = True

    monkeypatch.setattr(socket, "getaddrinfo", lambda host, port, **kw: [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port))])
    monkeypatch.setattr(socket, "create_connection", lambda *a, **kw: Socket())
    with pytest.raises(WebhookRefused, match="privéadres"):
        webhook_transport.post("https://partner.example/", b"{}", {}, timeout=1, context=tls_context())


def test_signature_is_hmac_sha256_over_timestamp_and_body():
    import hashlib
    import hmac

    header = signature("whsec_x", 1_800_000_000, b'{"a":1}')
    assert header == "t=1800000000,v1=" + hmac.new(b"whsec_x", b'1800000000.{"a":1}', hashlib.sha256).hexdigest()
    assert verify("whsec_x", header, b'{"a":1}', 1_800_000_100)
    assert not verify("whsec_x", header, b'{"a":1}', 1_800_000_301)  # too old: a replay
    assert not verify("whsec_y", header, b'{"a":1}', 1_800_000_000)
    assert not verify("whsec_x", "rommel", b'{"a":1}', 1_800_000_000)


def test_backoff_doubles_with_jitter_up_to_an_hour():
    rng = random.Random(1)
    for attempt in range(1, 20):
        ceiling = min(3600, 15 * 2 ** (attempt - 1))
        waits = {backoff_seconds(attempt, rng) for _ in range(20)}
        assert all(ceiling / 2 <= w <= ceiling for w in waits) and len(waits) > 1


def test_the_local_receiver_setting_is_refused_outside_tests():
    with pytest.raises(ValueError, match="VROEG_WEBHOOK_TEST_LOCAL_RECEIVER is for tests only"):
        load_settings(environ={"VROEG_WEBHOOK_TEST_LOCAL_RECEIVER": "1"})
    assert not load_settings(environ={"VROEG_WEBHOOK_TEST_LOCAL_RECEIVER": "0"}).webhook_test_local_receiver
    assert load_settings(environ={"VROEG_WEBHOOK_TEST_LOCAL_RECEIVER": "1",
                                  "VROEG_TESTING": "1"}).webhook_test_local_receiver is True


def test_the_tls_context_is_made_once_per_version_of_the_ca_file(tmp_path):
    from tests.support.webhook_receiver import make_certificate

    assert tls_context() is tls_context()
    first_dir, second_dir = tmp_path / "a", tmp_path / "b"
    first_dir.mkdir(), second_dir.mkdir()
    ca_file, _ = make_certificate(first_dir)
    shared = tls_context(str(ca_file))
    assert tls_context(str(ca_file)) is shared and shared is not tls_context()
    other, _ = make_certificate(second_dir)
    ca_file.write_bytes(other.read_bytes() + b"\n")  # the administrator replaced the CA file: read it again
    assert tls_context(str(ca_file)) is not shared
    with pytest.raises(FileNotFoundError):
        tls_context(str(tmp_path / "missing.pem"))
    with pytest.raises(FileNotFoundError):  # every time, not cached
        tls_context(str(tmp_path / "missing.pem"))
