"""Posting feedback to a partner's webhook without server-side request forgery (R20).

A webhook URL is chosen by a partner, so the worker must never be talked into calling this machine or the network
behind it. Only https. The name is resolved once; every address it resolves to must be public (no loopback,
private, link-local, cloud metadata, multicast, reserved or otherwise non-global range), and the connection goes to
that checked address, with the name as TLS server name (SNI, certificate check) and Host header: a name that resolves
inward, or later starts to (DNS rebinding), is refused. The connected peer is checked once more. Redirects are
never followed (a 3xx is a failed delivery).

`allow_loopback` (the test-only setting VROEG_WEBHOOK_TEST_LOCAL_RECEIVER) admits this machine's loopback addresses
and nothing else, so the tests can run a receiver of their own."""
from __future__ import annotations

import http.client
import ipaddress
import os
import socket
import ssl
import threading
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2000
MAX_RESPONSE_BYTES = 64 * 1024
METADATA_ADDRESSES = frozenset(ipaddress.ip_address(a) for a in (
    "169.254.169.254", "169.254.170.2", "100.100.100.200", "fd00:ec2::254"))
LOOPBACK_NAMES = ("localhost", "localhost.localdomain")


class WebhookRefused(ValueError):
    """The URL or the address it leads to may not be called (the message says why, in Dutch)."""


class DeliveryFailed(Exception):
    """The receiver did not accept the delivery (network error, timeout, TLS, or a non-2xx answer)."""


def address_problem(address: str, allow_loopback: bool = False) -> str | None:
    """Why the worker may not connect to this IP address, or None."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return None if allow_loopback else f"{ip} is een loopbackadres"
    if ip in METADATA_ADDRESSES:
        return f"{ip} is een metadata-adres"
    if ip.is_link_local:
        return f"{ip} is een link-local adres"
    if ip.is_private:
        return f"{ip} is een privéadres"
    if ip.is_multicast or ip.is_unspecified or ip.is_reserved or not ip.is_global:
        return f"{ip} is geen openbaar adres"
    return None


def url_problem(url: str, allow_loopback: bool = False) -> str | None:
    """Why this webhook URL is refused before any lookup (scheme, form, a literal address), or None."""
    if not isinstance(url, str) or not url or len(url) > MAX_URL_LENGTH:
        return f"de URL moet 1-{MAX_URL_LENGTH} tekens zijn"
    try:
        parts = urlsplit(url)
        host, _port = parts.hostname, parts.port
    except ValueError:
        return "de URL is niet geldig"
    if parts.scheme != "https":
        return "alleen https is toegestaan"
    if not host:
        return "de URL heeft geen host"
    if parts.username is not None or parts.password is not None:
        return "een gebruikersnaam of wachtwoord in de URL is niet toegestaan"
    if parts.fragment:
        return "een fragment (#...) in de URL is niet toegestaan"
    if any(c.isspace() or ord(c) < 32 for c in url):
        return "de URL bevat spaties of stuurtekens"
    try:
        return address_problem(host, allow_loopback)
    except ValueError:
        pass  # a name, not an address: checked after resolving
    if (host in LOOPBACK_NAMES or host.endswith(".localhost")) and not allow_loopback:
        return f"{host} is deze machine"
    return None


def resolve(host: str, port: int, allow_loopback: bool = False) -> list[str]:
    """The addresses of `host`, each checked; WebhookRefused when any of them may not be called."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise DeliveryFailed(f"naam {host} niet gevonden: {exc}") from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    for address in addresses:
        problem = address_problem(address, allow_loopback)
        if problem:
            raise WebhookRefused(f"{host} wijst naar een verboden adres: {problem}")
    return addresses


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to an address checked in advance, with the URL's name for SNI, certificate check and Host."""

    def __init__(self, host: str, port: int, addresses: list[str], allow_loopback: bool, **kwargs):
        super().__init__(host, port, **kwargs)
        self._addresses, self._allow_loopback = addresses, allow_loopback

    def connect(self) -> None:
        last: OSError | None = None
        for address in self._addresses:
            try:
                sock = socket.create_connection((address, self.port), self.timeout)
            except OSError as exc:
                last = exc
                continue
            peer = sock.getpeername()[0]
            problem = address_problem(peer, self._allow_loopback)
            if problem:
                sock.close()
                raise WebhookRefused(f"verbonden met {problem}")
            self.sock = self._context.wrap_socket(sock, server_hostname=self.host)
            return
        raise last or OSError("geen adres om mee te verbinden")


def tls_context(ca_file: str = "") -> ssl.SSLContext:
    """The system's trusted certificates, plus those in `ca_file` (VROEG_WEBHOOK_CA_FILE) when given.

    Made once per process and version of the CA file (its modification time and size), and shared: loading the
    system's store takes 10-50 ms, and the worker's three delivery jobs each ask for it every 10 seconds, with or
    without anything to deliver. A context is safe to share between threads. A CA file that cannot be read raises
    here every time, as before; the system's store is read again only by a restart."""
    key = (ca_file, _file_version(ca_file) if ca_file else None)
    with _CONTEXTS_LOCK:
        context = _CONTEXTS.get(key)
    if context is not None:
        return context
    context = ssl.create_default_context()
    if ca_file:
        context.load_verify_locations(cafile=ca_file)
    with _CONTEXTS_LOCK:
        if len(_CONTEXTS) >= _MAX_CONTEXTS:  # old versions of a CA file, or many test receivers: start afresh
            _CONTEXTS.clear()
        return _CONTEXTS.setdefault(key, context)


_CONTEXTS: dict[tuple, ssl.SSLContext] = {}
_CONTEXTS_LOCK = threading.Lock()
_MAX_CONTEXTS = 8


def _file_version(path: str) -> tuple | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None  # load_verify_locations says what is wrong with it
    return stat.st_mtime_ns, stat.st_size


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float, context: ssl.SSLContext,
         allow_loopback: bool = False) -> int:
    """POST `body` to `url`; the 2xx status on success. WebhookRefused when the URL or its address is not allowed,
    DeliveryFailed for everything the receiver can be blamed for."""
    problem = url_problem(url, allow_loopback)
    if problem:
        raise WebhookRefused(problem)
    parts = urlsplit(url)
    port = parts.port or 443
    addresses = resolve(parts.hostname, port, allow_loopback)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection = _PinnedHTTPSConnection(parts.hostname, port, addresses, allow_loopback, timeout=timeout,
                                        context=context)
    try:
        connection.request("POST", path, body=body, headers={**headers, "Content-Length": str(len(body))})
        response = connection.getresponse()
        response.read(MAX_RESPONSE_BYTES)
    except WebhookRefused:
        raise
    except (OSError, http.client.HTTPException) as exc:  # timeouts, refused connections, TLS errors
        raise DeliveryFailed(f"{type(exc).__name__}: {exc}"[:300]) from None
    finally:
        connection.close()
    if 300 <= response.status < 400:
        raise DeliveryFailed(f"HTTP {response.status}: doorverwijzingen worden niet gevolgd")
    if not 200 <= response.status < 300:
        raise DeliveryFailed(f"HTTP {response.status}")
    return response.status
