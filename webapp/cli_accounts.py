"""`vroeg user add|token` and `vroeg demo`: staff accounts from the command line."""
from __future__ import annotations

import sys

import click
from engine.roles import ROLES
from engine.vroegsignalering.demo import load_demo

from .cli_support import cli_actor, deploy_if_present, pass_state, usage_error

# Demo only: `make run` creates these on an empty database. Never load the demo where real data lives.
DEMO_PASSWORD = "vroeg-demo-2026"
# (username, role): one account per role, and the counsellor for entrepreneurs that processes/werkvoorraad.dmn
# assigns their cases to (`toewijzing`)
DEMO_USERS = tuple((role, role) for role in ROLES) + (("ondernemersadviseur", "hulpverlener"),)


@click.group("user")
def user() -> None:
    """Staff accounts."""


@user.command("add")
@click.argument("username")
@click.option("--rol", "role", required=True, type=click.Choice(ROLES), help="The staff role.")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input; without it the account has no "
                   "password and signs in with tokens only.")
@pass_state
def add(state, username: str, role: str, password_stdin: bool) -> None:
    """Create a staff account USERNAME with role ROL."""
    password = _read_password() if password_stdin else None
    state.engine.add_user(username, role, password, actor=cli_actor())
    how = "with a password" if password else "without a password (token only: `vroeg user token`)"
    click.echo(f"user {username} added, role {role}, {how}")


@user.command("token")
@click.argument("username")
@pass_state
def token(state, username: str) -> None:
    """Issue a new API token for USERNAME; it is shown once, as the last line."""
    new_token = state.engine.issue_token(username, actor=cli_actor())
    click.echo(f"new API token for {username} (shown once; send it as 'Authorization: Bearer <token>'):")
    click.echo(new_token)


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Load nothing when the database has staff accounts (make run).")
@click.option("--datum", "anchor", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The last day of the simulated ten weeks (YYYY-MM-DD; default today). The same date gives the "
                   "same demo.")
@pass_state
def demo(state, if_empty: bool, anchor) -> None:
    """Load demo data: one staff account per role (password vroeg-demo-2026, DEMO ONLY), the processes, signal
    partners of every type and a few hundred signals with cases in every state (only on a database without signals).

    Running it again is harmless: existing accounts and unchanged processes are left alone.
    """
    engine = state.engine
    if if_empty and engine.has_users():
        click.echo("the database already has staff accounts: demo data not loaded")
        click.echo(f"demo accounts, if loaded before: {', '.join(u for u, _ in DEMO_USERS)} "
                   f"(password {DEMO_PASSWORD})")
        return
    existing = engine.usernames()
    created = set()
    for username, role in DEMO_USERS:
        if username not in existing:
            engine.add_user(username, role, DEMO_PASSWORD, actor="systeem")
            created.add(username)
    for line in deploy_if_present(engine):
        click.echo(line)
    _echo_accounts(created)
    for line in load_demo(engine, anchor.date() if anchor else None):  # partners, signals, cases in every state
        click.echo(line)


def _echo_accounts(created: set) -> None:
    click.echo(f"demo accounts (password {DEMO_PASSWORD} for each; demo only):")
    for username, role in DEMO_USERS:
        click.echo(f"  {username:<16} role {role:<16} {'created' if username in created else 'existed already'}")


def _read_password() -> str:
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise usage_error("--password-stdin: standard input holds no password")
    return line
