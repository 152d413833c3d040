"""`vroeg user add|set|token|password|disable|enable` and `vroeg demo`: staff accounts from the command line."""
from __future__ import annotations

import sys
from datetime import datetime
from zoneinfo import ZoneInfo

import click
from engine.identity import accounts
from engine.roles import ROLES
from vroegsignalering.demo import ZAANSTAD, ZAANSTAD_COUNSELLOR, demo_gemeenten, load_demo
from vroegsignalering.services.gemeenten import add_staff, set_staff_gemeenten

from webapp.cli.support import cli_actor, deploy_if_present, pass_state, usage_error

# Demo only: `make run` creates these on an empty database. Never load the demo where real data lives.
DEMO_PASSWORD = "vroeg-demo-2026"
# (username, role): one account per role, and the counsellor for entrepreneurs that processes/werkvoorraad.dmn
# assigns their cases to (`toewijzing`)
DEMO_USERS = tuple((role, role) for role in ROLES) + (("ondernemersadviseur", "hulpverlener"),)
# full name and phone number as residents read them in the plan van aanpak (made up; 020 555 01xx is not in use)
DEMO_PROFILES = {
    "hulpverlener": {"volledige_naam": "Sanne Visser", "telefoon": "020 555 0101"},
    "ondernemersadviseur": {"volledige_naam": "Mehmet Yılmaz", "telefoon": "020 555 0102"},
    "coordinator": {"volledige_naam": "Els de Groot", "telefoon": "020 555 0103"},
    "proceseigenaar": {"volledige_naam": "Pieter Bakker"}, "auditor": {"volledige_naam": "Fenna Mulder"},
    "beheerder": {"volledige_naam": "Ruud Jansen"}, "beleidsmedewerker": {"volledige_naam": "Noor El Idrissi"},
    "hulpverlener.zaanstad": {"volledige_naam": "Daan Koster", "telefoon": "075 555 0101"},
    "coordinator.zaanstad": {"volledige_naam": "Iris van Dam", "telefoon": "075 555 0102"},
}
# (username, role, municipality): the demo's second municipality has staff of its own (R37); the ones above work for
# the first (VROEG_GEMEENTECODE)
DEMO_REGION_USERS = ((ZAANSTAD_COUNSELLOR, "hulpverlener", ZAANSTAD["code"]),
                     ("coordinator.zaanstad", "coordinator", ZAANSTAD["code"]))
# the demo's accounts that work for both municipalities: the administrator manages both (their pages, staff and
# closed days on /beheer)
DEMO_BOTH = ("beheerder",)


def demo_codes(engine, username: str, gemeente: list) -> list[str]:
    """The municipalities a demo account works for (none: the first one)."""
    if username in DEMO_BOTH:
        return [engine.settings.gemeentecode, ZAANSTAD["code"]]
    return list(gemeente)


@click.group("user")
def user() -> None:
    """Staff accounts."""


@user.command("add")
@click.argument("username")
@click.option("--rol", "role", required=True, type=click.Choice(ROLES), help="The staff role.")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input; without it the account has no "
                   "password and signs in with tokens only.")
@click.option("--naam", "volledige_naam", help="Full name, shown to residents (e.g. in the plan van aanpak).")
@click.option("--telefoon", help="Phone number at which residents reach this person.")
@click.option("--gemeente", "gemeenten", metavar="CODE", multiple=True,
              help="A municipality the user works for (repeat for several; default: the first municipality). "
                   "They see only these municipalities' cases.")
@pass_state
def add(state, username: str, role: str, password_stdin: bool, volledige_naam: str | None, telefoon: str | None,
        gemeenten: tuple[str, ...]) -> None:
    """Create a staff account USERNAME with role ROL, working for the municipalities given."""
    password = _read_password() if password_stdin else None
    codes = add_staff(state.engine, username, role, password, gemeenten, actor=cli_actor(),
                      volledige_naam=volledige_naam, telefoon=telefoon)
    how = "with a password" if password else "without a password (token only: `vroeg user token`)"
    click.echo(f"user {username} added, role {role}, gemeente {', '.join(codes)}, {how}")


@user.command("gemeente")
@click.argument("username")
@click.option("--gemeente", "gemeenten", metavar="CODE", multiple=True, required=True,
              help="A municipality the user works for (repeat for several).")
@pass_state
def set_gemeenten(state, username: str, gemeenten: tuple[str, ...]) -> None:
    """Set the municipalities USERNAME works for (replacing the ones before)."""
    codes = set_staff_gemeenten(state.engine, username, gemeenten, actor=cli_actor())
    click.echo(f"user {username} works for gemeente {', '.join(codes)}")


@user.command("token")
@click.argument("username")
@click.option("--rotate", is_flag=True,
              help="Issue a new token; the user's other valid tokens keep working for VROEG_TOKEN_GRACE_DAYS more.")
@click.option("--revoke", "revoke", metavar="ID|all",
              help="Revoke the token with this number (see --list), or all tokens of the user; nothing new is "
                   "issued.")
@click.option("--list", "show", is_flag=True, help="List the user's tokens (number, issued, valid until, state).")
@pass_state
def token(state, username: str, rotate: bool, revoke: str | None, show: bool) -> None:
    """Issue a new API token for USERNAME (shown once, as the last line; it expires after VROEG_TOKEN_LIFETIME_DAYS),
    or rotate, revoke or list the user's tokens. Every change is recorded in the system history."""
    if sum((rotate, revoke is not None, show)) > 1:
        raise usage_error("use only one of --rotate, --revoke and --list")
    engine = state.engine
    if show:
        _list_tokens(engine, username)
    elif revoke is not None:
        revoked = accounts.revoke(engine, username, _token_id(revoke), actor=cli_actor())
        click.echo(f"{len(revoked)} token(s) of {username} revoked" + (f": {_numbers(revoked)}" if revoked else ""))
    elif rotate:
        issued, old, until = accounts.rotate(engine, username, actor=cli_actor())
        if old:
            click.echo(f"token(s) {_numbers(old)} of {username} stay valid until {_when(engine, until)}")
        _echo_issued(engine, issued)
    else:
        _echo_issued(engine, accounts.issue(engine, username, actor=cli_actor()))


def _echo_issued(engine, issued: accounts.IssuedToken) -> None:
    click.echo(f"new API token {issued.id} for {issued.username}, valid until {_when(engine, issued.expires_at)} "
               f"(shown once; send it as 'Authorization: Bearer <token>'):")
    click.echo(issued.token)


def _list_tokens(engine, username: str) -> None:
    tokens = accounts.list_tokens(engine, username)
    if not tokens:
        click.echo(f"{username} has no tokens")
    now = engine.clock.now()
    for info in tokens:
        until = _when(engine, info.expires_at) if info.expires_at else "-"
        click.echo(f"token {info.id}: issued {_when(engine, info.created_at)}, valid until {until}, "
                   f"{info.state(now)}")


def _token_id(value: str) -> int | None:
    if value.strip().lower() == "all":
        return None
    try:
        return int(value)
    except ValueError:
        raise usage_error(f"--revoke takes a token number (see --list) or 'all', got {value!r}") from None


def _numbers(ids) -> str:
    return ", ".join(str(i) for i in ids)


def _when(engine, moment: datetime) -> str:
    return f"{moment.astimezone(ZoneInfo(engine.settings.timezone)):%Y-%m-%d %H:%M %Z}"


@user.command("set")
@click.argument("username")
@click.option("--rol", "role", type=click.Choice(ROLES), help="A new role (e.g. for an account from single sign-on).")
@click.option("--naam", "volledige_naam", help="Full name, shown to residents; '' clears it.")
@click.option("--telefoon", help="Phone number for residents; '' clears it.")
@pass_state
def set_profile(state, username: str, role: str | None, volledige_naam: str | None, telefoon: str | None) -> None:
    """Change the role, full name or phone number of USERNAME; each change is in the system history."""
    from vroegsignalering.services.beheer_accounts import AccountChange, change_profile

    if role is None and volledige_naam is None and telefoon is None:
        raise usage_error("give at least one of --rol, --naam and --telefoon")
    changes = change_profile(state.engine, username, AccountChange(role, volledige_naam, telefoon),
                             actor=cli_actor())
    click.echo(f"user {username}: " + (", ".join(f"{k} changed" for k in changes) or "nothing changed"))


@user.command("password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, required=True,
              help="Read the new password from the first line of standard input.")
@pass_state
def password(state, username: str, password_stdin: bool) -> None:
    """Set a new password for USERNAME; every web session of the user ends (signed out everywhere)."""
    ended = accounts.change_password(state.engine, username, _read_password(), actor=cli_actor())
    click.echo(f"password of {username} changed; {ended} web session(s) ended")


@user.command("disable")
@click.argument("username")
@pass_state
def disable(state, username: str) -> None:
    """Disable USERNAME: no login, its tokens are refused, every web session ends."""
    ended = accounts.set_account_active(state.engine, username, False, actor=cli_actor())
    click.echo(f"user {username} disabled; {ended} web session(s) ended")


@user.command("enable")
@click.argument("username")
@pass_state
def enable(state, username: str) -> None:
    """Enable USERNAME again (tokens that have not expired or been revoked work again)."""
    accounts.set_account_active(state.engine, username, True, actor=cli_actor())
    click.echo(f"user {username} enabled")


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Load nothing when the database has staff accounts (make run).")
@click.option("--datum", "anchor", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The last day of the simulated ten weeks (YYYY-MM-DD; default today). The same date gives the "
                   "same demo.")
@click.option("--huishoudens", "households", type=click.IntRange(0, 10_000), default=None,
              help="How many households at random besides the fixed examples (default: all, about 180). The fixed "
                   "examples bring every state and end result with any number.")
@pass_state
def demo(state, if_empty: bool, anchor, households) -> None:
    """Load demo data: one staff account per role (password vroeg-demo-2026, DEMO ONLY), the processes, signal
    partners of every type and a few hundred signals with cases in every state (only on a database without signals).

    Running it again is harmless: existing accounts and unchanged processes are left alone.
    """
    engine = state.engine
    if if_empty and engine.has_users():
        click.echo("the database already has staff accounts: demo data not loaded")
        click.echo(f"demo accounts, if loaded before: {', '.join(u for u, *_ in DEMO_USERS + DEMO_REGION_USERS)} "
                   f"(password {DEMO_PASSWORD})")
        return
    existing = engine.usernames()
    created = set()
    region_lines = demo_gemeenten(engine)
    for username, role, *gemeente in DEMO_USERS + DEMO_REGION_USERS:
        if username not in existing:
            add_staff(engine, username, role, DEMO_PASSWORD, demo_codes(engine, username, gemeente), actor="systeem",
                      **DEMO_PROFILES.get(username, {}))
            created.add(username)
    for line in region_lines:
        click.echo(line)
    for line in deploy_if_present(engine):
        click.echo(line)
    _echo_accounts(engine, created)
    for line in load_demo(engine, anchor.date() if anchor else None, households):  # partners, signals, cases in every state
        click.echo(line)


def _echo_accounts(engine, created: set) -> None:
    click.echo(f"demo accounts (password {DEMO_PASSWORD} for each; demo only):")
    for username, role, *gemeente in DEMO_USERS + DEMO_REGION_USERS:
        where = f"gemeente {', '.join(demo_codes(engine, username, gemeente)) or engine.settings.gemeentecode}"
        click.echo(f"  {username:<22} role {role:<17} {where:<15} "
                   f"{'created' if username in created else 'existed already'}")


def _read_password() -> str:
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise usage_error("--password-stdin: standard input holds no password")
    return line
