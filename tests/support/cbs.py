"""CBS's side of the DDAS exchange API, for tests: a small PKI (root, intermediate, signing certificates for Vroeg
and for CBS), an OAuth2 token endpoint on 127.0.0.1 that issues client-credentials JWTs at the test clock and serves
its JWKS, and a client that signs its requests as DDAS-VS.yaml asks. No network beyond the loopback address."""
from __future__ import annotations

import base64
import json
import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from vroegsignalering.ddas_exchange import jades

CLIENT_ID, CLIENT_SECRET = "cbs-ddas", "geheim-van-cbs"


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "NL"), x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _certificate(subject: str, key, issuer_name: x509.Name, issuer_key, now: datetime, ca: bool) -> x509.Certificate:
    builder = (x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(issuer_name)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - timedelta(days=30)).not_valid_after(now + timedelta(days=365))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    return builder.sign(issuer_key, hashes.SHA256())


def _key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _pem(*certs: x509.Certificate) -> bytes:
    return b"".join(cert.public_bytes(serialization.Encoding.PEM) for cert in certs)


def _key_pem(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


class Pki:
    """A root ("Staat der Nederlanden" stand-in), an intermediate, and a signing certificate each for Vroeg and CBS;
    plus an unrelated root whose certificates must be refused."""

    def __init__(self, folder: Path, now: datetime):
        self.folder = folder
        root_key, inter_key = _key(), _key()
        self.root = _certificate("Test Staat der Nederlanden Root", root_key, _name("Test Staat der Nederlanden Root"),
                                 root_key, now, True)
        inter = _certificate("Test PKIoverheid Services CA", inter_key, self.root.subject, root_key, now, True)
        self.anchors = folder / "anchors.pem"
        self.anchors.write_bytes(_pem(self.root))
        self.vroeg_key, self.vroeg_cert = self._leaf("Gemeente Amsterdam DDAS ondertekening", inter, inter_key, now)
        self.cbs_key, self.cbs_cert = self._leaf("CBS DDAS ondertekening", inter, inter_key, now)
        other_key = _key()
        other_root = _certificate("Zelfgemaakte CA", other_key, _name("Zelfgemaakte CA"), other_key, now, True)
        self.stranger_key, self.stranger_cert = self._leaf("Onbekende partij", other_root, other_key, now)

    def _leaf(self, subject: str, inter: x509.Certificate, inter_key, now: datetime) -> tuple[Path, Path]:
        key = _key()
        cert = _certificate(subject, key, inter.subject, inter_key, now, False)
        slug = subject.split()[0].lower() + "-" + subject.split()[-1].lower()
        key_file, cert_file = self.folder / f"{slug}.key", self.folder / f"{slug}.pem"
        key_file.write_bytes(_key_pem(key))
        cert_file.write_bytes(_pem(cert, inter))
        return key_file, cert_file

    def cbs_signer(self) -> jades.Signer:
        return jades.load_signer(self.cbs_key, self.cbs_cert, "cbs-2026")

    def stranger_signer(self) -> jades.Signer:
        return jades.load_signer(self.stranger_key, self.stranger_cert, "onbekend")


class TokenServer:
    """OAuth2 client credentials (RFC 6749 4.4) on 127.0.0.1: POST /token with HTTP Basic client authentication and
    `grant_type=client_credentials&scope=...`; GET /jwks. Tokens last `lifetime` seconds from the test clock."""

    def __init__(self, clock, lifetime: int = 300):
        self.clock, self.lifetime = clock, lifetime
        self.key = RSAKey.generate_key(2048, parameters={"kid": "as-1", "use": "sig", "alg": "RS256"})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.issuer = self.url
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def issue(self, client_id: str = CLIENT_ID, scope: str = "read", **claims) -> str:
        now = int(self.clock.now().timestamp())
        payload = {"iss": self.issuer, "sub": client_id, "client_id": client_id, "aud": "vroeg-ddas", "iat": now,
                   "nbf": now, "exp": now + self.lifetime, "scope": scope, "jti": f"{client_id}-{now}", **claims}
        return jwt.encode({"alg": "RS256", "kid": "as-1", "typ": "at+jwt"}, payload, self.key)

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                if self.path != "/jwks":
                    return self._json(404, {"error": "not_found"})
                return self._json(200, KeySet([server.key]).as_dict(private=False))

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode("ascii")).items()}
                expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
                if self.path != "/token" or self.headers.get("Authorization") != expected:
                    return self._json(401, {"error": "invalid_client"})
                if form.get("grant_type") != "client_credentials":
                    return self._json(400, {"error": "unsupported_grant_type"})
                token = server.issue(scope=form.get("scope", "read"))
                return self._json(200, {"access_token": token, "token_type": "Bearer",
                                        "expires_in": server.lifetime})

            def _json(self, status: int, body: dict):
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        return Handler


def fetch_token(token_url: str, scope: str = "read") -> str:
    """What CBS does first: client credentials at the token endpoint."""
    import urllib.request

    request = urllib.request.Request(
        token_url, data=f"grant_type=client_credentials&scope={scope}".encode(), method="POST",
        headers={"Authorization": "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode(),
                 "Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=5) as answer:
        return json.loads(answer.read())["access_token"]


def post_gegevens(web, body: dict | bytes, *, token: str | None, signer: jades.Signer | None, **headers):
    """POST /ddas/v1/gegevens as CBS: the body's bytes signed (Digest + nlgov-adr-payload-sig) unless signer is None."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
    sent = {"Content-Type": "application/json"}
    if token:
        sent["Authorization"] = f"Bearer {token}"
    if signer is not None:
        sent.update(signer.headers(raw))
    sent.update(headers)
    return web.post("/ddas/v1/gegevens", data=raw, headers=sent)


def api_settings(pki: Pki, tokens: TokenServer, **more) -> dict:
    """The VROEG_DDAS_* settings for this PKI and token server."""
    return {"ddas_oauth_issuer": tokens.issuer, "ddas_oauth_jwks": f"{tokens.url}/jwks",
            "ddas_oauth_audience": "vroeg-ddas", "ddas_signing_key": str(pki.vroeg_key),
            "ddas_signing_cert": str(pki.vroeg_cert), "ddas_trust_anchors": str(pki.anchors), **more}
