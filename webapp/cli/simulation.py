"""`vroeg processes simulate`: a what-if run of a draft or a deployed version beside the running version.

Added to the `processes` group by webapp/cli/main.py. Prints the figures as a table (Dutch, like the page); exit 2
for an unknown draft or version or a parameter out of range."""
from __future__ import annotations

import click

from engine.definitions.drafts import UnknownDraft
from engine.modeling.errors import UnknownVersion
from vroegsignalering.services import simulation

from webapp.cli.support import pass_state, usage_error


@click.command("simulate")
@click.option("--concept", "draft_id", type=int, help="Simulate this draft (id, as in the modeler's address).")
@click.option("--versie", "version_id", type=int, help="Simulate this deployed version (version id).")
@click.option("--maanden", "months", type=int, default=12, show_default=True, help="Length of the period.")
@click.option("--signalen-per-maand", "signals_per_month", type=int,
              help="Signals a month on average (default: the municipality's own history, else 240).")
@click.option("--hulpverleners", "counsellors", type=int, default=2, show_default=True, help="Counsellors.")
@click.option("--uren", "hours", type=float, default=36, show_default=True, help="Contract hours per week each.")
@click.option("--start", type=click.DateTime(formats=["%Y-%m-%d"]), help="First day (default: today).")
@click.option("--seed", type=int, default=2026, show_default=True, help="The same seed gives the same result.")
@pass_state
def simulate(state, draft_id, version_id, months, signals_per_month, counsellors, hours, start, seed) -> None:
    """Run a draft (--concept) or version (--versie) over a simulated period on a scratch database, beside the
    running version, and print the figures: deadlines kept, escalations, end results, queues."""
    if (draft_id is None) == (version_id is None):
        raise usage_error("give exactly one of --concept ID and --versie ID")
    engine = state.engine
    progress = lambda label: click.echo(f"simuleren: {label} …", err=True)  # noqa: E731
    try:
        params = simulation.parameters(engine, months=months, signals_per_month=signals_per_month,
                                       counsellors=counsellors, hours_per_week=hours, seed=seed,
                                       start=start.date() if start else None)
        if draft_id is not None:
            comparison = simulation.simulate_draft(engine, draft_id, params, progress=progress)
        else:
            comparison = simulation.simulate_version(engine, version_id, params, progress=progress)
    except (UnknownDraft, UnknownVersion, simulation.InvalidSimulation) as exc:
        raise usage_error(str(exc)) from None
    for line in simulation.as_text(comparison):
        click.echo(line)
