"""`vroeg doorsturen set|remove|list`: where signals for residents of municipalities outside this installation go
(issue 15; README "Doorsturen naar een andere gemeente")."""
from __future__ import annotations

import sys

import click

from vroegsignalering.services.doorsturen import DestinationError, configure, listed, unconfigure

from webapp.cli.support import cli_actor, pass_state, usage_error


@click.group("doorsturen")
def doorsturen() -> None:
    """Forwarding signals to another municipality's Vroeg (posted by `vroeg worker`), else a file for secure mail."""


@doorsturen.command("set")
@click.argument("code")
@click.argument("url")
@click.option("--token-stdin", is_flag=True, required=True,
              help="Read the partner token the other municipality issued from standard input (never an argument).")
@click.option("--automatisch", is_flag=True,
              help="Forward as soon as the BRP places a new signal's client in CODE, not only from the task.")
@pass_state
def doorsturen_set(state, code: str, url: str, token_stdin: bool, automatisch: bool) -> None:
    """Forward signals for municipality CODE to the Vroeg partner API at URL (https://.../api/v1)."""
    token = sys.stdin.readline().strip() if token_stdin else ""
    try:
        destination = configure(state.engine, code, url, token, actor=cli_actor(), automatisch=automatisch)
    except DestinationError as exc:
        raise usage_error(str(exc)) from None
    when = "automatically" if destination.automatisch else "from the counsellor's task"
    click.echo(f"gemeente {destination.gemeentecode}: signals are forwarded to {destination.url}/signalen ({when})")


@doorsturen.command("remove")
@click.argument("code")
@pass_state
def doorsturen_remove(state, code: str) -> None:
    """Forward signals for municipality CODE by file for secure mail from now on."""
    if not unconfigure(state.engine, code, actor=cli_actor()):
        raise usage_error(f"gemeente {code!r} has no forwarding destination")
    click.echo(f"gemeente {code}: forwarding destination removed (a file for secure mail from now on)")


@doorsturen.command("list")
@pass_state
def doorsturen_list(state) -> None:
    """One line per destination: municipality code, URL (never the token), and whether it is automatic."""
    for destination in listed(state.engine):
        automatic = " (automatisch)" if destination.automatisch else ""
        click.echo(f"{destination.gemeentecode}: {destination.url}{automatic}")
