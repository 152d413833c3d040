"""`vroeg gemeente add|list`: the municipalities of a regional installation (R37)."""
from __future__ import annotations

import click

from vroegsignalering.services.gemeenten import add_gemeente, list_gemeenten

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
