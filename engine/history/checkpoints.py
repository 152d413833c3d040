"""Signed checkpoints: tamper evidence that does not depend on the database.

The hash chains (engine/history/audit.py) show any change to one event, but someone who can write to the database can
rewrite a whole chain consistently (recompute every hash, update the head). A checkpoint closes that gap: it lists
the head (seq and hash) of every chain, signed with an Ed25519 key kept outside the database, and is written as a
JSON file that an auditor keeps a copy of. Later, `verify_checkpoint` proves that every event up to the checkpoint
is unchanged: the signature holds, and each chain still verifies up to the checkpointed event, which still has the
checkpointed hash. A consistent rewrite changes that hash (the hashes chain back to the first event), so it shows.

The key file (VROEG_AUDIT_KEY, default instance/audit_ed25519.pem) is PKCS#8 PEM, created 0600 on first use or by
`vroeg audit keygen`; its public key (printed by `vroeg audit public-key`, written beside it as .pub) is what an
auditor verifies with. The signature covers the canonical JSON (audit.canonical_json) of every member of the file
except `signature`.

The worker makes one a day (`daily_checkpoint`); `vroeg audit checkpoint` makes one at any time. Each is recorded
in the system history (kind `checkpoint_gemaakt`, with the file name and the SHA-256 of what was signed).
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.history.audit import SYSTEM_CHAIN, append_event, canonical_json, content_problem, removal_records
from engine.config import create_private_file
from engine.errors import EngineError
from engine.models import ChainHead, Event

FORMAT = "vroeg-checkpoint/1"
CHECKPOINT_KIND = "checkpoint_gemaakt"
DAILY = timedelta(days=1)


class CheckpointError(EngineError):
    """A key or checkpoint file that cannot be used (the message says what is wrong)."""


# --- keys -----------------------------------------------------------------------------------------------------------

def public_key_path(key_path: Path) -> Path:
    return key_path.with_name(key_path.name + ".pub")


def generate_key(key_path: Path) -> Ed25519PrivateKey:
    """A new signing key in `key_path` (0600, never overwriting one) and its public key beside it (.pub)."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    key_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        create_private_file(key_path, pem)
    except FileExistsError:
        raise CheckpointError(f"{key_path} exists already; a signing key is never overwritten") from None
    public = public_key_path(key_path)
    public.unlink(missing_ok=True)
    public.write_text(public_pem(key.public_key()))
    return key


def load_private_key(key_path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(Path(key_path).read_bytes(), password=None)
    except FileNotFoundError:
        raise CheckpointError(f"no signing key at {key_path}: run `vroeg audit keygen` (or set VROEG_AUDIT_KEY)") \
            from None
    except (ValueError, TypeError) as exc:
        raise CheckpointError(f"{key_path} is not an unencrypted PEM private key: {exc}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise CheckpointError(f"{key_path} holds no Ed25519 key")
    return key


def signing_key(key_path: Path) -> tuple[Ed25519PrivateKey, bool]:
    """The key in `key_path`, made there first when there is none: (key, whether it was created now)."""
    if Path(key_path).exists():
        return load_private_key(key_path), False
    try:
        return generate_key(Path(key_path)), True
    except CheckpointError:  # another process made it a moment ago
        return load_private_key(key_path), False


def load_public_key(path: Path) -> Ed25519PublicKey:
    """An Ed25519 public key from a PEM file (a public key, or the private key it belongs to)."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise CheckpointError(f"no key file {path}") from None
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError:
        try:
            key = serialization.load_pem_private_key(data, password=None).public_key()
        except (ValueError, TypeError) as exc:
            raise CheckpointError(f"{path} is not a PEM Ed25519 key: {exc}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise CheckpointError(f"{path} holds no Ed25519 key")
    return key


def public_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def key_id(key: Ed25519PublicKey) -> str:
    """A short fingerprint of a public key: the first 16 hex digits of the SHA-256 of its raw bytes."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


# --- making a checkpoint --------------------------------------------------------------------------------------------

def chain_heads(session: Session) -> dict[str, dict]:
    """{chain: {"seq", "hash"}} of every chain with events, as one consistent read of `chain_heads`."""
    heads = session.execute(select(ChainHead.chain, ChainHead.seq, ChainHead.hash).where(ChainHead.seq > 0)
                            .order_by(ChainHead.chain)).all()
    return {chain: {"seq": seq, "hash": digest} for chain, seq, digest in heads}


def sign(body: dict, key: Ed25519PrivateKey) -> dict:
    """The checkpoint: `body` with the key's fingerprint and the signature over both."""
    signed = {**body, "key_id": key_id(key.public_key())}
    signature = key.sign(canonical_json(signed).encode("utf-8"))
    return {**signed, "signature": base64.b64encode(signature).decode("ascii")}


def signed_digest(checkpoint: dict) -> str:
    """SHA-256 of what the signature covers (recorded in the history, so the file and the history point to each
    other)."""
    unsigned = {k: v for k, v in checkpoint.items() if k != "signature"}
    return hashlib.sha256(canonical_json(unsigned).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Checkpoint:
    content: dict
    path: Path
    key_created: bool

    @property
    def chains(self) -> int:
        return len(self.content["chains"])

    def text(self) -> str:
        return json.dumps(self.content, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def make_checkpoint(engine, *, actor: str, only_if_older_than: timedelta | None = None) -> Checkpoint | None:
    """Sign the heads of all chains, write the checkpoint file and record it in the system history, in one
    transaction. With `only_if_older_than`: nothing (None) when the last checkpoint is more recent than that."""
    settings = engine.settings
    with engine.uow() as uow:
        session = uow.session
        session.get(ChainHead, SYSTEM_CHAIN, with_for_update=True)  # one checkpoint at a time, across workers
        now = engine.clock.now()
        if only_if_older_than is not None:
            last = last_checkpoint_at(session)
            if last is not None and now - last < only_if_older_than:
                return None
        key, created = signing_key(settings.audit_key_path)
        body = {"format": FORMAT, "created_at": now.astimezone(timezone.utc).isoformat(),
                "gemeentecode": settings.gemeentecode, "chains": chain_heads(session)}
        content = sign(body, key)
        path = _write(settings.audit_checkpoint_path, now, content)
        append_event(session, chain=SYSTEM_CHAIN, kind=CHECKPOINT_KIND, actor=actor, at=now,
                     data={"bestand": path.name, "ketens": len(body["chains"]), "sleutel": content["key_id"],
                           "sha256": signed_digest(content)})
        uow.commit()
    return Checkpoint(content, path, created)


def daily_checkpoint(engine) -> int:
    """The worker's job: a checkpoint when the last one is a day old (or there is none); 1 when made, else 0."""
    return 0 if make_checkpoint(engine, actor="systeem", only_if_older_than=DAILY) is None else 1


def last_checkpoint_at(session: Session) -> datetime | None:
    return session.scalar(select(Event.occurred_at).where(Event.chain == SYSTEM_CHAIN, Event.kind == CHECKPOINT_KIND)
                          .order_by(Event.seq.desc()).limit(1))


def _write(folder: Path, now: datetime, content: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = now.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    text = json.dumps(content, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    for number in range(1000):
        path = folder / (f"checkpoint-{stamp}.json" if number == 0 else f"checkpoint-{stamp}-{number}.json")
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_text(text, encoding="utf-8")
        try:
            os.link(temporary, path)  # never replaces an earlier checkpoint
            return path
        except FileExistsError:
            continue
        finally:
            temporary.unlink(missing_ok=True)
    raise CheckpointError(f"{folder}: no free file name for a checkpoint at {stamp}")


# --- verifying against a checkpoint ---------------------------------------------------------------------------------

def read_checkpoint(path: Path) -> dict:
    try:
        content = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CheckpointError(f"no checkpoint file {path}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise CheckpointError(f"{path} is not a JSON checkpoint: {exc}") from None
    if not isinstance(content, dict) or content.get("format") != FORMAT:
        raise CheckpointError(f"{path} is not a Vroeg checkpoint (format {FORMAT})")
    chains = content.get("chains")
    if not isinstance(chains, dict) or not all(
            isinstance(h, dict) and isinstance(h.get("seq"), int) and isinstance(h.get("hash"), str)
            for h in chains.values()):
        raise CheckpointError(f"{path}: 'chains' must map each chain to its seq and hash")
    return content


def check_signature(content: dict, public_key: Ed25519PublicKey) -> None:
    """CheckpointError unless `content` is signed by this key and unchanged since."""
    try:
        signature = base64.b64decode(str(content.get("signature", "")), validate=True)
    except (ValueError, binascii.Error):
        raise CheckpointError("the checkpoint's signature is not base64") from None
    unsigned = {k: v for k, v in content.items() if k != "signature"}
    try:
        public_key.verify(signature, canonical_json(unsigned).encode("utf-8"))
    except InvalidSignature:
        raise CheckpointError(
            "the checkpoint's signature is not valid: the file was changed after signing, or was signed with "
            f"another key (file names key {content.get('key_id')}, verifying with {key_id(public_key)})") from None


@dataclass(frozen=True)
class Difference:
    chain: str
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"{self.chain} #{self.seq}: {self.reason}"


def compare(session: Session, checkpointed: dict[str, dict]) -> tuple[int, list[Difference]]:
    """Check every checkpointed chain up to its checkpointed event: (events checked, the first difference of each
    chain that differs, in chain order)."""
    differences: dict[str, Difference] = {}
    state: dict[str, tuple[int, str | None]] = {}  # chain -> (next expected seq, previous hash)
    checked, removed = 0, removal_records(session)
    query = select(Event).order_by(Event.chain, Event.seq).execution_options(yield_per=1000)
    for event in session.scalars(query):
        head = checkpointed.get(event.chain)
        if head is None or event.seq > head["seq"] or event.chain in differences:
            continue
        checked += 1
        expected, previous = state.get(event.chain, (1, None))
        reason = _differs(event, expected, previous, head, removed)
        if reason:
            differences[event.chain] = Difference(event.chain, event.seq, reason)
        state[event.chain] = (event.seq + 1, event.hash)
    for chain, head in checkpointed.items():
        if chain in differences:
            continue
        reached = state.get(chain, (1, None))[0] - 1
        if reached < head["seq"]:
            differences[chain] = Difference(chain, reached + 1, f"events #{reached + 1} to #{head['seq']} are gone "
                                                                f"(the checkpoint has {head['seq']})")
    return checked, [differences[chain] for chain in sorted(differences)]


def _differs(event: Event, expected: int, previous: str | None, head: dict, removed: dict) -> str | None:
    if event.seq != expected:
        return f"event #{expected} is gone (the chain jumps to #{event.seq})"
    if event.prev_hash != previous:
        return "does not link to the event before it: an earlier event was changed, removed or inserted"
    problem = content_problem(event, removed)
    if problem:
        return problem
    if event.seq == head["seq"] and event.hash != head["hash"]:
        return ("differs from the checkpoint (its hash was " + head["hash"][:16] + "…): the chain was rewritten "
                "up to here since the checkpoint")
    return None


@dataclass(frozen=True)
class CheckpointResult:
    created_at: str
    key_id: str
    chains: int
    events_checked: int
    differences: list[Difference]


def verify_checkpoint(engine, content: dict, public_key: Ed25519PublicKey) -> CheckpointResult:
    """Signature first (CheckpointError), then every checkpointed chain against the database."""
    check_signature(content, public_key)
    with engine.uow() as uow:
        checked, differences = compare(uow.session, content["chains"])
    return CheckpointResult(content.get("created_at", "?"), content.get("key_id", "?"), len(content["chains"]),
                            checked, differences)
