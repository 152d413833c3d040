"""`vroeg avg correct`: the resident's right to rectification (vroegsignalering.services.avg.correct_signal)."""
from __future__ import annotations

import click

from vroegsignalering.correction import CorrectionError
from vroegsignalering.services.avg import correct_signal

from webapp.cli.support import CommandFailed, cli_actor, pass_state


@click.group("avg")
def avg() -> None:
    """The resident's rights (AVG): correction. Access: /audit/inzage; deletion: vroeg retention erase."""


@avg.command("correct")
@click.argument("signal_id", type=int)
@click.option("--zet", "settings", multiple=True, metavar="VELD=WAARDE",
              help="The right value of one field (repeat for more; an empty value clears the field).")
@click.option("--reden", required=True, help="The request's reason or reference (recorded in the history).")
@pass_state
def avg_correct(state, signal_id: int, settings: tuple[str, ...], reden: str) -> None:
    """Correct a signal's name, date of birth, address or contact details; the old values stay in the history."""
    bad = [item for item in settings if "=" not in item]
    if bad:
        raise CommandFailed([f"Error: --zet {item!r}: schrijf VELD=WAARDE" for item in bad], 2)
    changes = dict(item.split("=", 1) for item in settings)
    try:
        changed = correct_signal(state.engine, signal_id, changes, reden, actor=cli_actor())
    except CorrectionError as exc:
        raise CommandFailed([f"Error: {problem}" for problem in exc.problems], 1) from None
    for name, change in changed.items():
        click.echo(f"{name}: {change['oud']!r} -> {change['nieuw']!r}")
    click.echo(f"signaal {signal_id}: {len(changed)} field(s) corrected")
