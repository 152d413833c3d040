"""A partner's webhook receiver for the tests: HTTPS on 127.0.0.1 with a self-signed certificate for `localhost`
(trusted through VROEG_WEBHOOK_CA_FILE), in a thread. Each request takes the next behaviour of `plan` ("ok",
"500", "slow:SECONDS", "hang:SECONDS" = answer only after the sender gave up), then "ok" for ever; every request
is kept with its answer, so a test can see duplicates, order and signatures."""
from __future__ import annotations

import datetime as dt
import ipaddress
import json
import ssl
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


@dataclass(frozen=True)
class Request:
    headers: dict
    body: bytes
    status: int
    at: float  # time.monotonic() when it arrived
    wall: float  # time.time() when it arrived (lag against the message's datum)

    @property
    def message(self) -> dict:
        return json.loads(self.body)


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost and 127.0.0.1; (certificate file, key file)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(hours=1))
            .not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = directory / "receiver-cert.pem", directory / "receiver-key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


class Receiver:
    """Start with `with Receiver(tmp_path) as receiver:`; `receiver.url`, `receiver.ca_file`."""

    def __init__(self, directory: Path, plan: list[str] | None = None):
        self.ca_file, key_file = make_certificate(directory)
        self.plan = list(plan or [])
        self.requests: list[Request] = []
        self.lock = threading.Lock()
        self.arrived = threading.Event()  # set when the first request arrives
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.ca_file, key_file)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.url = f"https://localhost:{self.server.server_address[1]}/vroeg/terugmeldingen"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)

    def __enter__(self) -> "Receiver":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)

    def next_behaviour(self) -> str:
        with self.lock:
            return self.plan.pop(0) if self.plan else "ok"

    def accepted(self) -> list[dict]:
        """The messages answered with 2xx, in arrival order (duplicates included)."""
        with self.lock:
            return [r.message for r in self.requests if 200 <= r.status < 300]


def _handler(receiver: Receiver):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            arrived, wall = time.monotonic(), time.time()
            behaviour = receiver.next_behaviour()
            receiver.arrived.set()
            status = {"500": 500, "302": 302}.get(behaviour, 200)
            with receiver.lock:  # in arrival order: a slow answer must not let a later request pass it
                receiver.requests.append(Request(dict(self.headers), body, status, arrived, wall))
            if behaviour.startswith(("slow:", "hang:")):
                time.sleep(float(behaviour.split(":", 1)[1]))
            try:
                self.send_response(status)
                if status == 302:
                    self.send_header("Location", "https://127.0.0.1:1/elders")
                self.send_header("Content-Length", "0")
                self.end_headers()
            except OSError:
                pass  # the sender gave up (a hang)

        def log_message(self, *args):
            pass

    return Handler
