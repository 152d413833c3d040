"""JAdES payload signing as the DDAS exchange API asks (DDAS-VS.yaml, Geonovum ADR "signing-jades"):

    Digest: SHA-256=<base64 of the SHA-256 of the exact body bytes>
    nlgov-adr-payload-sig: BASE64URL(protected header)..BASE64URL(signature)

The protected header is {"alg": "PS256", "b64": false, "crit": ["sigD", "b64"], "kid", "x5c", "x5t#S256",
"sigD": {"mId": "http://uri.etsi.org/19182/HttpHeaders", "pars": ["digest"]}}. With the HttpHeaders mechanism of
ETSI TS 119 182-1 the (unencoded, RFC 7797) JWS payload is the signed header line `digest: <Digest value>`, so the
signature covers the body through its digest. JOSE work is done by joserfc; certificates by cryptography.

A received signature is trusted when the signature verifies with the key of the first x5c certificate, the chain
leads to a configured trust anchor (PKIoverheid in production), every certificate is valid at `now`, and the
Digest header matches the body. Revocation (OCSP/CRL) is not checked here: see README, "DDAS en CBS"."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey
from joserfc.registry import HeaderParameter

ALG = "PS256"
SIGD = {"mId": "http://uri.etsi.org/19182/HttpHeaders", "pars": ["digest"]}
HEADER = "nlgov-adr-payload-sig"


class BadSignature(ValueError):
    """Why a Digest or nlgov-adr-payload-sig is not accepted (Dutch, for the problem document); `header` names it."""

    def __init__(self, detail: str, header: str = "nlgov-adr-payload-sig"):
        super().__init__(detail)
        self.header = header


class _Registry(jws.JWSRegistry):
    max_header_length = 64 * 1024  # the x5c chain travels in the protected header


def _registry() -> jws.JWSRegistry:
    return _Registry(header_registry={"sigD": HeaderParameter("Signed data (JAdES)", _is_sigd)}, algorithms=[ALG])


def _is_sigd(value) -> None:
    if not isinstance(value, dict):
        raise ValueError("must be an object")


def digest(body: bytes) -> str:
    """The Digest header value for `body`."""
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode("ascii")


def _signing_input(digest_value: str) -> bytes:
    return f"digest: {digest_value}".encode("ascii")


@dataclass(frozen=True)
class Signer:
    """A private key and its certificate chain (signing certificate first)."""

    key: RSAKey
    chain: tuple[x509.Certificate, ...]
    kid: str

    def headers(self, body: bytes) -> dict[str, str]:
        """Digest and nlgov-adr-payload-sig for `body`."""
        value = digest(body)
        der = [cert.public_bytes(serialization.Encoding.DER) for cert in self.chain]
        protected = {"alg": ALG, "b64": False, "crit": ["sigD", "b64"], "kid": self.kid,
                     "x5c": [base64.b64encode(item).decode("ascii") for item in der],
                     "x5t#S256": _b64url(hashlib.sha256(der[0]).digest()), "sigD": SIGD}
        compact = jws.serialize_compact(protected, _signing_input(value), self.key, registry=_registry())
        header_segment, _, signature = compact.split(".")
        return {"Digest": value, HEADER: f"{header_segment}..{signature}"}


def load_signer(key_file: str | Path, cert_file: str | Path, kid: str = "") -> Signer:
    """A Signer from a PEM private key (RSA) and a PEM file with the chain, signing certificate first."""
    key = RSAKey.import_key(Path(key_file).read_bytes())
    chain = tuple(x509.load_pem_x509_certificates(Path(cert_file).read_bytes()))
    if not chain:
        raise ValueError(f"{cert_file}: no certificate")
    if key.as_dict(private=False)["n"] != _public_key(chain[0]).as_dict()["n"]:
        raise ValueError(f"{key_file} is not the key of the first certificate in {cert_file}")
    thumbprint = _b64url(hashlib.sha256(chain[0].public_bytes(serialization.Encoding.DER)).digest())
    return Signer(key, chain, kid or thumbprint)


def load_anchors(file: str | Path) -> tuple[x509.Certificate, ...]:
    """Trusted root (or intermediate) certificates from a PEM file."""
    return tuple(x509.load_pem_x509_certificates(Path(file).read_bytes()))


def verify(body: bytes, digest_header: str | None, signature: str | None, anchors, now: datetime) -> x509.Certificate:
    """The signing certificate of a correctly signed `body`; raises BadSignature naming what is wrong."""
    if not digest_header:
        raise BadSignature("De header Digest ontbreekt.", "Digest")
    if not hmac.compare_digest(digest_header.encode("ascii", "replace"), digest(body).encode("ascii")):
        raise BadSignature("De header Digest past niet bij de inhoud van het verzoek.", "Digest")
    if not signature:
        raise BadSignature(f"De header {HEADER} ontbreekt.")
    header_segment, _, rest = signature.partition("..")
    if not header_segment or not rest or "." in rest:
        raise BadSignature(f"{HEADER} is geen detached JWS (header..handtekening).")
    try:
        protected = json.loads(base64.urlsafe_b64decode(header_segment + "=" * (-len(header_segment) % 4)))
    except ValueError:
        raise BadSignature(f"De protected header van {HEADER} is geen JSON.") from None
    _check_profile(protected)
    chain = _chain(protected["x5c"])
    _check_chain(chain, anchors, now)
    try:
        jws.deserialize_compact(signature, _public_key(chain[0]), registry=_registry(),
                                payload=_signing_input(digest_header))
    except (JoseError, ValueError):
        raise BadSignature(f"De handtekening in {HEADER} klopt niet.") from None
    return chain[0]


def _check_profile(protected) -> None:
    if not isinstance(protected, dict):
        raise BadSignature(f"De protected header van {HEADER} is geen object.")
    wrong = [name for name, ok in (
        ("alg", protected.get("alg") == ALG), ("b64", protected.get("b64") is False),
        ("crit", isinstance(protected.get("crit"), list) and {"sigD", "b64"} <= set(protected["crit"])),
        ("sigD", protected.get("sigD") == SIGD),
        ("x5c", isinstance(protected.get("x5c"), list) and bool(protected["x5c"]))) if not ok]
    if wrong:
        raise BadSignature(f"De protected header volgt het DDAS-profiel niet: {', '.join(wrong)}.")


def _chain(values: list) -> list[x509.Certificate]:
    try:
        return [x509.load_der_x509_certificate(base64.b64decode(value, validate=True)) for value in values]
    except (ValueError, TypeError):
        raise BadSignature("x5c bevat een certificaat dat niet te lezen is.") from None


def _check_chain(chain: list[x509.Certificate], anchors, now: datetime) -> None:
    for cert in chain:
        if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
            raise BadSignature(f"Certificaat {cert.subject.rfc4514_string()} is niet geldig op dit moment.")
    for cert, issuer in zip(chain, chain[1:]):
        if not _issued_by(cert, issuer):
            raise BadSignature("De certificaatketen in x5c hangt niet aan elkaar.")
    last = chain[-1]
    if not any(_same(last, anchor) or _issued_by(last, anchor) for anchor in anchors):
        raise BadSignature("De certificaatketen leidt niet naar een vertrouwd stamcertificaat.")


def _public_key(cert: x509.Certificate) -> RSAKey:
    try:
        return RSAKey.import_key(cert.public_key().public_bytes(serialization.Encoding.PEM,
                                                                serialization.PublicFormat.SubjectPublicKeyInfo))
    except (JoseError, ValueError):
        raise BadSignature("Het ondertekeningscertificaat heeft geen RSA-sleutel.") from None


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
        return True
    except (ValueError, TypeError, InvalidSignature):
        return False


def _same(cert: x509.Certificate, other: x509.Certificate) -> bool:
    return cert.public_bytes(serialization.Encoding.DER) == other.public_bytes(serialization.Encoding.DER)


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")
