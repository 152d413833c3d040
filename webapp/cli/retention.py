"""`vroeg retention run|hold|release`: the retention schedule with audited deletion (R28;
vroegsignalering.services.retention)."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import click

from vroegsignalering.retention import RetentionError
from vroegsignalering.services.retention import erase_on_request, place_hold, release_hold, run_retention

from webapp.cli.support import CommandFailed, cli_actor, pass_state


@click.group("retention")
def retention() -> None:
    """Remove personal data after the retention term; legal holds."""


@retention.command("run")
@click.option("--dry-run", is_flag=True, help="Only list the cases that are due; change nothing.")
@click.option("--now", "at", help="Run as at this instant (ISO-8601; without an offset: VROEG_TIMEZONE).")
@pass_state
def retention_run(state, dry_run: bool, at: str | None) -> None:
    """Remove the personal data of every closed case whose term has passed; print each case and the counts."""
    now = _moment(at, state.settings.timezone) if at is not None else None
    try:
        run = run_retention(state.engine, dry_run=dry_run, actor=cli_actor(), now=now)
    except RetentionError as exc:
        raise CommandFailed(f"Error: {exc}", 2) from None
    for item in run.due:
        verb = "would be removed" if dry_run else "removed"
        click.echo(f"zaak {item.case_id}: {verb} (rule {item.regel}, {item.termijn_maanden} months after "
                   f"{item.afgesloten_op.isoformat()}, due {item.vervalt_op.isoformat()})")
    for case_id in run.held:
        click.echo(f"zaak {case_id}: kept (legal hold)")
    done = len(run.due) if dry_run else len(run.deleted)
    click.echo(f"{done} cases {'due' if dry_run else 'removed'}, {len(run.held)} held, on {run.today.isoformat()}"
               + (" (dry run: nothing changed)" if dry_run else ""))


@retention.command("hold")
@click.argument("case_id", type=int)
@click.option("--reden", required=True, help="Why the case must be kept (e.g. an objection procedure).")
@pass_state
def retention_hold(state, case_id: int, reden: str) -> None:
    """Place a legal hold on one case: its data is kept whatever the schedule says."""
    try:
        place_hold(state.engine, case_id, reden, actor=cli_actor())
    except RetentionError as exc:
        raise CommandFailed(f"Error: {exc}", 1) from None
    click.echo(f"zaak {case_id}: legal hold placed")


@retention.command("release")
@click.argument("case_id", type=int)
@pass_state
def retention_release(state, case_id: int) -> None:
    """Lift a case's legal hold; the schedule applies again from the next run."""
    try:
        release_hold(state.engine, case_id, actor=cli_actor())
    except RetentionError as exc:
        raise CommandFailed(f"Error: {exc}", 1) from None
    click.echo(f"zaak {case_id}: legal hold lifted")


@retention.command("erase")
@click.argument("case_id", type=int)
@click.option("--reden", required=True, help="The request's reason or reference (recorded in the history).")
@pass_state
def retention_erase(state, case_id: int, reden: str) -> None:
    """Remove a closed case's personal data now, at the resident's request (AVG), through the audited deletion."""
    try:
        erase_on_request(state.engine, case_id, reden, actor=cli_actor())
    except RetentionError as exc:
        raise CommandFailed(f"Error: {exc}", 1) from None
    click.echo(f"zaak {case_id}: personal data removed on request")


def _moment(value: str, zone: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise CommandFailed(f"Error: --now: {value!r} is geen ISO-8601-tijdstip, bijvoorbeeld 2027-06-01T06:00", 2) \
            from None
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(zone))
