"""`vroeg audit verify|checkpoint|keygen|public-key`: the hash chains, and signed checkpoints kept outside the
database (engine/history/checkpoints.py)."""
from __future__ import annotations

from pathlib import Path

import click

from engine.history import checkpoints
from engine.history.checkpoints import CheckpointError

from webapp.cli.support import CommandFailed, cli_actor, pass_state, usage_error

_FILE = click.Path(dir_okay=False, path_type=Path)


@click.group("audit")
def audit() -> None:
    """The hash-chained history and its signed checkpoints."""


@audit.command("verify")
@click.option("--zaak", "case_id", type=int, help="Check only this case's chain.")
@click.option("--checkpoint", "checkpoint_file", type=_FILE,
              help="Also prove that every event up to this signed checkpoint is unchanged.")
@click.option("--public-key", "public_key_file", type=_FILE,
              help="The auditor's copy of the public key (PEM); default: the key of VROEG_AUDIT_KEY.")
@pass_state
def audit_verify(state, case_id: int | None, checkpoint_file: Path | None, public_key_file: Path | None) -> None:
    """Verify the hash chains; exit 1 naming the first broken event of each broken chain.

    With --checkpoint: the checkpoint's signature must hold, and every chain in it must still verify up to its
    checkpointed event, which must still have the checkpointed hash; exit 1 naming each chain that differs (a chain
    rewritten consistently in the database passes the plain check but not this one)."""
    if public_key_file is not None and checkpoint_file is None:
        raise usage_error("--public-key goes with --checkpoint")
    lines, failed = [], False
    if checkpoint_file is not None:
        failed, lines = _verify_checkpoint(state, checkpoint_file, public_key_file)
    checked, breaks = state.engine.verify(case_id)
    if breaks or failed:
        raise CommandFailed(lines + [f"BROKEN: {chain_break}" for chain_break in breaks]
                            + [f"{len(breaks)} broken chain(s); {checked} events checked"], 1)
    for line in lines:
        click.echo(line)
    click.echo(f"OK: {checked} events checked")


def _verify_checkpoint(state, checkpoint_file: Path, public_key_file: Path | None) -> tuple[bool, list[str]]:
    try:
        public_key = checkpoints.load_public_key(public_key_file or state.settings.audit_key_path)
        content = checkpoints.read_checkpoint(checkpoint_file)
    except CheckpointError as exc:
        raise usage_error(str(exc)) from None
    try:
        result = checkpoints.verify_checkpoint(state.engine, content, public_key)
    except CheckpointError as exc:
        return True, [f"CHECKPOINT {checkpoint_file.name}: {exc}"]
    if result.differences:
        return True, ([f"DIFFERS FROM CHECKPOINT: {difference}" for difference in result.differences]
                      + [f"{len(result.differences)} of {result.chains} chain(s) differ from the checkpoint of "
                         f"{result.created_at}"])
    return False, [f"OK: checkpoint of {result.created_at} (key {result.key_id}): signature valid, {result.chains} "
                   f"chain(s), {result.events_checked} events up to it unchanged"]


@audit.command("checkpoint")
@pass_state
def audit_checkpoint(state) -> None:
    """Sign the heads of all chains with the key of VROEG_AUDIT_KEY (made on first use) and write the checkpoint
    to VROEG_AUDIT_CHECKPOINTS and to standard output; the checkpoint is recorded in the system history. Give an
    auditor a copy of the file and of the public key (`vroeg audit public-key`)."""
    try:
        made = checkpoints.make_checkpoint(state.engine, actor=cli_actor())
    except CheckpointError as exc:
        raise CommandFailed(f"Error: {exc}", 1) from None
    if made.key_created:
        click.echo(f"new signing key {state.settings.audit_key_path} (public key: "
                   f"{checkpoints.public_key_path(state.settings.audit_key_path)})", err=True)
    click.echo(made.text(), nl=False)
    click.echo(f"checkpoint of {made.chains} chain(s) signed with key {made.content['key_id']}: {made.path}",
               err=True)


@audit.command("keygen")
@pass_state
def audit_keygen(state) -> None:
    """Create the checkpoint signing key at VROEG_AUDIT_KEY (mode 0600; never overwrites one) and print its public
    key, which is also written beside it as .pub."""
    path = state.settings.audit_key_path
    try:
        key = checkpoints.generate_key(path)
    except CheckpointError as exc:
        raise usage_error(str(exc)) from None
    click.echo(checkpoints.public_pem(key.public_key()), nl=False)
    click.echo(f"signing key {path} created (key {checkpoints.key_id(key.public_key())}); public key also in "
               f"{checkpoints.public_key_path(path)}", err=True)


@audit.command("public-key")
@pass_state
def audit_public_key(state) -> None:
    """Print the public key of the checkpoint signing key (PEM), for auditors."""
    try:
        key = checkpoints.load_public_key(state.settings.audit_key_path)
    except CheckpointError as exc:
        raise usage_error(str(exc)) from None
    click.echo(checkpoints.public_pem(key), nl=False)
