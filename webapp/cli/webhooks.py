"""`vroeg partner webhook set|remove|list|redeliver`: partners' webhooks for pushed feedback (R20), as an
administrator manages them from the command line (the partner itself uses PUT /api/v1/terugmeldingen/webhook)."""
from __future__ import annotations

import click

from vroegsignalering.partners import PartnerError
from vroegsignalering.queries.webhooks import all_webhooks
from vroegsignalering.services.webhooks import (WebhookError, partner_id_by_name, redeliver, register_webhook,
                                                remove_webhook)

from webapp.cli.support import cli_actor, pass_state, usage_error


@click.group("webhook")
def webhook() -> None:
    """Partners' webhooks: feedback pushed by `vroeg worker` (README "Terugmeldingen per webhook")."""


@webhook.command("set")
@click.argument("naam")
@click.argument("url")
@pass_state
def webhook_set(state, naam: str, url: str) -> None:
    """Push partner NAAM's new feedback to URL (https, public address); the signing secret is the last line."""
    try:
        registered = register_webhook(state.engine, _partner(state, naam), url, actor=cli_actor())
    except WebhookError as exc:
        raise usage_error(str(exc)) from None
    click.echo(f"partner {naam}: feedback from number {registered.vanaf} on goes to {registered.url}; signing "
               f"secret (shown once; Vroeg-Signature is HMAC-SHA256 with it):")
    click.echo(registered.geheim)


@webhook.command("remove")
@click.argument("naam")
@pass_state
def webhook_remove(state, naam: str) -> None:
    """Stop pushing to partner NAAM (it can still pull GET /api/v1/terugmeldingen)."""
    if not remove_webhook(state.engine, _partner(state, naam), actor=cli_actor()):
        raise usage_error(f"partner {naam!r} has no webhook")
    click.echo(f"partner {naam}: webhook removed")


@webhook.command("list")
@pass_state
def webhook_list(state) -> None:
    """One line per webhook: partner, status, last number delivered, waiting, URL, last error."""
    for hook in all_webhooks(state.engine):
        error = f"  ({hook.laatste_fout})" if hook.laatste_fout else ""
        click.echo(f"{hook.partner}: {hook.status}, delivered up to {hook.afgeleverd_tot}, {hook.wachtend} waiting, "
                   f"{hook.url}{error}")


@webhook.command("redeliver")
@click.argument("naam")
@pass_state
def webhook_redeliver(state, naam: str) -> None:
    """Deliver partner NAAM's waiting feedback again now (after a dead letter), from where it stopped."""
    if not redeliver(state.engine, _partner(state, naam), actor=cli_actor()):
        raise usage_error(f"partner {naam!r} has no webhook")
    click.echo(f"partner {naam}: delivery starts again at the next worker run")


def _partner(state, naam: str) -> int:
    try:
        return partner_id_by_name(state.engine, naam)
    except PartnerError as exc:
        raise usage_error(str(exc)) from None
