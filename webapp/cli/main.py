"""The `vroeg` command line (docs/CONTRACT.md). Settings come from VROEG_* environment variables.

Exit codes: 0 ok, 1 the work found problems (or failed), 2 bad usage. Errors go to stderr, one line per problem.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import click

from engine import log_privacy
from engine.gc_tuning import collect_less_often
from engine.identity.accounts import AccountError
from engine.config import is_loopback
from engine.errors import EngineError, InvalidDiagram, UnknownCase, UnknownProcess
from vroegsignalering.gemeenten import GemeenteError
from vroegsignalering.services.gemeenten import ensure_first_gemeente
from vroegsignalering.services.database import (backfill_deadlines, backfill_positions, database_problem,
                                                upgrade_schema)

from webapp.cli.accounts import demo, user
from webapp.cli.audit import audit
from webapp.cli.avg import avg
from webapp.cli.doorsturen import doorsturen
from webapp.cli.gemeenten import gemeente
from webapp.cli.modeling import MODELING_COMMANDS
from webapp.cli.simulation import simulate
from webapp.cli.processes import processes
from webapp.cli.retention import retention
from webapp.cli.signals import export, import_group, partner
from webapp.cli.webhooks import webhook
from webapp.cli.support import CliState, CommandFailed, configure_logging, deploy_if_present, pass_state, usage_error

SERVE_THREADS = 8
_USAGE_ERRORS = (AccountError, GemeenteError, UnknownCase, UnknownProcess, FileNotFoundError)


class _VroegGroup(click.Group):
    """Turns the engine's domain errors into one stderr line each and the contract's exit codes."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CommandFailed as exc:
            _fail(ctx, exc.lines, exc.exit_code)
        except InvalidDiagram as exc:
            _fail(ctx, [str(problem) for problem in exc.problems], 1)
        except _USAGE_ERRORS as exc:
            _fail(ctx, [f"Error: {exc}"], 2)
        except EngineError as exc:
            _fail(ctx, [f"Error: {exc}"], 1)
        except Exception as exc:  # a database error gets one line and exit 1; anything else stays a crash
            message = database_problem(exc)
            if message is None:
                raise
            _fail(ctx, [f"Error: database: {message}"], 1)


def _fail(ctx: click.Context, lines: list[str], exit_code: int) -> None:
    for line in lines:
        click.echo(line, err=True)
    ctx.exit(exit_code)


@click.group(cls=_VroegGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="vroeg", prog_name="vroeg")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Vroeg: signals in, a BPMN process per household, feedback out.

    Configuration: VROEG_DATABASE_URL, VROEG_SECRET_KEY, VROEG_GEMEENTECODE, VROEG_TIMEZONE (and
    VROEG_INSTANCE_PATH, VROEG_PROCESSES_PATH, VROEG_FORMS_PATH). Exit codes: 0 ok, 1 problems found, 2 bad usage.
    """
    log_privacy.install()  # no BSN in any log record of a command or the worker
    collect_less_often()  # engine/gc_tuning.py: a step's short-lived objects, collected less often
    state = ctx.ensure_object(CliState)
    ctx.call_on_close(state.close)


for _command in MODELING_COMMANDS:  # vroeg processes diff | migrate | check-import
    processes.add_command(_command)
processes.add_command(simulate)  # vroeg processes simulate
main.add_command(processes)
main.add_command(user)
main.add_command(gemeente)
main.add_command(doorsturen)
main.add_command(demo)
partner.add_command(webhook)  # vroeg partner webhook set | remove | list | redeliver
main.add_command(partner)
main.add_command(import_group)
main.add_command(export)
main.add_command(audit)
main.add_command(retention)
main.add_command(avg)


# --- db ---
@main.group()
def db() -> None:
    """The database schema."""


@db.command("upgrade")
@pass_state
def db_upgrade(state: CliState) -> None:
    """Create or migrate the schema to the newest revision (Alembic); safe to repeat."""
    upgraded = upgrade_schema(state.settings)
    click.echo(f"database {upgraded.database}: at revision {upgraded.revision}")
    ensure_first_gemeente(state.engine)  # a fresh install's first municipality: VROEG_GEMEENTECODE
    backfilled = backfill_deadlines(state.engine)
    if backfilled:
        click.echo(f"deadline rows derived for {backfilled} running case{'' if backfilled == 1 else 's'}")
    positioned = backfill_positions(state.engine)
    if positioned:
        click.echo(f"positions derived for {positioned} case{'' if positioned == 1 else 's'} (heat map, migration)")


# --- serve and worker ---
@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@pass_state
def serve(state: CliState, host: str, port: int) -> None:
    """Serve the web app with waitress, after deploying processes/ when it changed.

    The schema is not migrated here: run `vroeg db upgrade` first.
    """
    from waitress import serve as waitress_serve

    from webapp import create_app  # imported here: only this command needs Flask and the web app

    configure_logging()
    engine = state.engine
    for line in deploy_if_present(engine):
        click.echo(line)
    app = create_app(engine=engine, config={"cookie_secure": serve_cookie_secure(host)})
    shown_host = f"[{host}]" if ":" in host else host
    click.echo(f"Vroeg: http://{shown_host}:{port}/ (Ctrl-C stops)")
    waitress_serve(app, host=host, port=port, threads=SERVE_THREADS)


def serve_cookie_secure(host: str) -> bool:
    """The session cookie's Secure flag for `vroeg serve --host HOST`: VROEG_COOKIE_SECURE=true or false wins (behind
    a TLS-terminating proxy on 127.0.0.1 it must be true); `auto` (the default) means Secure except on a loopback
    address, where `make run` serves plain http and a Secure cookie would not be sent back, so login would fail."""
    from webapp.web.security import cookie_secure_setting

    try:
        configured = cookie_secure_setting()
    except ValueError as exc:
        raise usage_error(f"configuration: {exc}") from None
    return (not is_loopback(host)) if configured is None else configured


@main.command()
@click.option("--once", is_flag=True, help="Run every job once, print what each did, and exit.")
@pass_state
def worker(state: CliState, once: bool) -> None:
    """Fire due timers, end idle sessions, make the daily audit checkpoint and run retention once a day.

    Any number of workers may run at once; SIGTERM or SIGINT stops after the running job.
    """
    from webapp.cli import worker as jobs

    configure_logging()
    if once:
        for line in jobs.run_once(state.engine):
            click.echo(line)
        return
    jobs.run_forever(state.engine)


# --- timers ---
class _Moment(click.ParamType):
    """An ISO-8601 date-time; a naive value is read in VROEG_TIMEZONE later."""

    name = "ISO-8601"

    def convert(self, value, param, ctx):
        if isinstance(value, datetime):
            return value
        try:
            return datetime.fromisoformat(value.strip())
        except ValueError:
            self.fail(f"{value!r} is not an ISO-8601 date-time, e.g. 2026-12-24T09:00 or 2026-12-24T09:00+01:00",
                      param, ctx)


@main.group()
def timers() -> None:
    """Process timers."""


@timers.command("fire")
@click.option("--now", "at", type=_Moment(),
              help="Fire what is due at this instant (ISO-8601; without an offset: VROEG_TIMEZONE).")
@pass_state
def timers_fire(state: CliState, at: datetime | None) -> None:
    """Fire every timer due now (or at --now) once, and print how many fired."""
    if at is not None and at.tzinfo is None:
        at = at.replace(tzinfo=ZoneInfo(state.settings.timezone))
    click.echo(f"{state.engine.fire_due_timers(now=at)} timers fired")


if __name__ == "__main__":
    main(prog_name="vroeg")
