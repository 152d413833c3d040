"""`vroeg gemeente add|list|sluitingsdag`: the municipalities of a regional installation (R37) and their closed
days."""
from __future__ import annotations

import click

from vroegsignalering.services.gemeenten import (
    add_gemeente, add_sluitingsdag, list_gemeenten, remove_sluitingsdag, sluitingsdagen,
)

from webapp.cli.support import cli_actor, pass_state


@click.group("gemeente")
def gemeente() -> None:
    """The municipalities this installation serves (the first one: VROEG_GEMEENTECODE)."""


@gemeente.command("add")
@click.argument("code")
@click.option("--naam", required=True, help="The municipality's name, e.g. 'Gemeente Zaanstad'.")
@click.option("--adres", "contact_adres", help="Postal address for letters to residents.")
@click.option("--telefoon", "contact_telefoon", help="Telephone number for residents.")
@click.option("--email", "contact_email", help="E-mail address for residents.")
@click.option("--website", "contact_website", help="Website for residents.")
@click.option("--minimum-bedrag", "minimum_bedrag",
              help="Its own minimum amount, as VROEG_MINIMUM_BEDRAG ('50' or 'Huur=100,*=25'; default: that setting).")
@click.option("--bewaartermijnen", help="Its own retention terms in months, as VROEG_BEWAARTERMIJNEN "
                                        "('niet_opgepakt=6,zonder_hulp=12,hulp=18'; default: that setting).")
@click.option("--ddas-leverancier", "ddas_leverancier",
              help="Its DDAS supplier code (default: VROEG_GEGEVENSLEVERANCIER_CODE).")
@pass_state
def add(state, code: str, naam: str, **details) -> None:
    """Add the municipality with CBS code CODE (four digits); its staff are added with `vroeg user add --gemeente`."""
    added = add_gemeente(state.engine, code, naam, actor=cli_actor(),
                         **{name: value for name, value in details.items() if value})
    click.echo(f"gemeente {added.code} added: {added.naam}")


@gemeente.command("list")
@pass_state
def list_(state) -> None:
    """List the municipalities: code and name, one a line."""
    for found in list_gemeenten(state.engine):
        click.echo(f"{found.code}  {found.naam}")


@gemeente.group("sluitingsdag")
def sluitingsdag() -> None:
    """A municipality's closed days besides the national holidays: deadlines in working days of its cases skip
    them (a deadline already set stays as it was)."""


@sluitingsdag.command("add")
@click.argument("code")
@click.argument("datum")
@click.option("--omschrijving", help="Why it is closed, e.g. 'Tussen kerst en oud en nieuw'.")
@pass_state
def sluitingsdag_add(state, code: str, datum: str, omschrijving: str | None) -> None:
    """Close municipality CODE on DATUM (YYYY-MM-DD or DD-MM-YYYY); recorded in the system history."""
    added = add_sluitingsdag(state.engine, code, datum, omschrijving, actor=cli_actor())
    click.echo(f"gemeente {code} closed on {added.datum.isoformat()}")


@sluitingsdag.command("remove")
@click.argument("code")
@click.argument("datum")
@pass_state
def sluitingsdag_remove(state, code: str, datum: str) -> None:
    """Open municipality CODE again on DATUM; recorded in the system history."""
    removed = remove_sluitingsdag(state.engine, code, datum, actor=cli_actor())
    click.echo(f"gemeente {code} open again on {removed.datum.isoformat()}")


@sluitingsdag.command("list")
@click.argument("code")
@pass_state
def sluitingsdag_list(state, code: str) -> None:
    """List municipality CODE's closed days: date and description, one a line."""
    for day in sluitingsdagen(state.engine, code):
        click.echo(f"{day.datum.isoformat()}  {day.omschrijving}" if day.omschrijving else day.datum.isoformat())
