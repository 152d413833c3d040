"""`vroeg partner add|token|disable|enable`, `vroeg import signalen|schuldhulp|bezwaren` and `vroeg export ddas`:
signals in, registration out."""
from __future__ import annotations

import csv
import io
import json
import sys
from datetime import date
from pathlib import Path

import click

from vroegsignalering import ddas, importer
from vroegsignalering.services import ddas as services_ddas, imports
from vroegsignalering.partners import PARTNER_TYPES, PartnerError
from vroegsignalering.services.partners import find_partner, partner_token_expiry, register_partner, rotate_partner_token, set_partner_active

from webapp.cli.support import CommandFailed, cli_actor, pass_state, usage_error

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
_DATE = click.DateTime(formats=["%Y-%m-%d"])


class _PartnerType(click.ParamType):
    """A DDAS EnumSignaalpartner value, in any letter case; the error names every allowed type."""

    name = "TYPE"

    def convert(self, value, param, ctx):
        found = {kind.lower(): kind for kind in PARTNER_TYPES}.get(str(value).strip().lower())
        if found is None:
            self.fail(f"{value!r} is not a DDAS partner type; choose from: {', '.join(PARTNER_TYPES)}", param, ctx)
        return found


# --- partner ---
@click.group("partner")
def partner() -> None:
    """Signal partners (vastelastpartners) and their API tokens."""


@partner.command("add")
@click.option("--naam", required=True, help="The partner's name, unique.")
@click.option("--type", "partner_type", required=True, type=_PartnerType(),
              help="DDAS EnumSignaalpartner: " + ", ".join(PARTNER_TYPES) + ".")
@pass_state
def partner_add(state, naam: str, partner_type: str) -> None:
    """Register a signal partner; its API token is printed once, as the last line."""
    try:
        added, token = register_partner(state.engine, naam, partner_type, actor=cli_actor())
    except PartnerError as exc:
        raise usage_error(str(exc)) from None
    expires = _when(state, partner_token_expiry(state.engine, added.id))
    click.echo(f"partner {added.naam} added (id {added.id}, type {added.type}); API token, valid until {expires} "
               f"(shown once; send it as 'Authorization: Bearer <token>'):")
    click.echo(token)


def _when(state, moment) -> str:
    from zoneinfo import ZoneInfo

    return f"{moment.astimezone(ZoneInfo(state.settings.timezone)):%Y-%m-%d %H:%M %Z}"


@partner.command("token")
@click.argument("naam")
@click.option("--direct", "at_once", is_flag=True,
              help="Refuse the old token at once (it leaked) instead of after VROEG_TOKEN_GRACE_DAYS.")
@pass_state
def partner_token(state, naam: str, at_once: bool) -> None:
    """Give partner NAAM a new API token (shown once, as the last line); the old one keeps working for
    VROEG_TOKEN_GRACE_DAYS so the partner can switch, or stops at once with --direct."""
    try:
        rotated = rotate_partner_token(state.engine, naam, actor=cli_actor(), grace=not at_once)
    except PartnerError as exc:
        raise usage_error(str(exc)) from None
    old = (f"the old token works until {_when(state, rotated.old_valid_until)}" if rotated.old_valid_until
           else "the old token is refused from now on")
    click.echo(f"partner {rotated.partner.naam}: {old}")
    click.echo(f"new API token, valid until {_when(state, rotated.expires_at)} (shown once; send it as "
               f"'Authorization: Bearer <token>'):")
    click.echo(rotated.token)


@partner.command("disable")
@click.argument("naam")
@pass_state
def partner_disable(state, naam: str) -> None:
    """Disable partner NAAM: its tokens are refused (401) until `vroeg partner enable`."""
    _set_active(state, naam, False)


@partner.command("enable")
@click.argument("naam")
@pass_state
def partner_enable(state, naam: str) -> None:
    """Enable partner NAAM again (its current token works again, unless it expired)."""
    _set_active(state, naam, True)


def _set_active(state, naam: str, active: bool) -> None:
    try:
        changed = set_partner_active(state.engine, naam, active, actor=cli_actor())
    except PartnerError as exc:
        raise usage_error(str(exc)) from None
    click.echo(f"partner {changed.naam} {'enabled' if active else 'disabled'}")


# --- import ---
@click.group("import")
def import_group() -> None:
    """Bulk imports: signals from a partner, and the municipality's registries."""


@import_group.command("signalen")
@click.argument("file", type=_FILE)
@click.option("--partner", "partner_name", required=True, help="The name of the partner that sent the file.")
@pass_state
def import_signalen(state, file: Path, partner_name: str) -> None:
    """Import signals from FILE (.csv or .json) for partner NAAM: one line per row (nieuw, al ontvangen,
    geweigerd with the reasons); rejected rows do not stop the rest; exit 1 when any row was rejected."""
    engine = state.engine
    try:
        sender = find_partner(engine, partner_name)
    except PartnerError as exc:
        raise usage_error(str(exc)) from None
    records = _read(file)
    actor = f"{cli_actor()} (import {file.name} van {sender.naam})"
    with click.progressbar(length=len(records), label=f"import {file.name}", file=sys.stderr) as bar:
        results = imports.import_signals(engine, sender, records, actor=actor, on_row=lambda _r: bar.update(1))
    imports.record_import(engine, sender, file.name, results, actor=actor)
    for result in results:
        click.echo(str(result))
    rejected = sum(r.result == importer.GEWEIGERD for r in results)
    summary = (f"{len(results)} rows: {sum(r.result == importer.NIEUW for r in results)} nieuw, "
               f"{sum(r.result == importer.AL_ONTVANGEN for r in results)} al ontvangen, {rejected} geweigerd")
    click.echo(summary)
    if rejected:
        raise CommandFailed(f"{rejected} row(s) rejected: see the report above", 1)


def _read(file: Path) -> list:
    try:
        return importer.read_signal_file(file)
    except importer.ImportFileError as exc:
        raise CommandFailed(f"Error: {exc}", 2 if file.suffix.lower() not in importer.SUFFIXES else 1) from None
    except OSError as exc:
        raise CommandFailed(f"Error: {file.name}: cannot be read ({exc.strerror or exc})", 1) from None


@import_group.command("schuldhulp")
@click.argument("file", type=_FILE)
@pass_state
def import_schuldhulp(state, file: Path) -> None:
    """Replace the debt-help register with FILE (CSV: bsn, hulpverlener, startdatum, einddatum); all or nothing."""
    _import_registry(state, "schuldhulp", file)


@import_group.command("bezwaren")
@click.argument("file", type=_FILE)
@pass_state
def import_bezwaren(state, file: Path) -> None:
    """Replace the objection register with FILE (CSV: bsn, datum, toelichting); all or nothing."""
    _import_registry(state, "bezwaren", file)


def _import_registry(state, registry: str, file: Path) -> None:
    from vroegsignalering.registries import RegistryImportError
    from vroegsignalering.services.intake import import_registry

    rows = _registry_rows(file)
    try:
        count = import_registry(state.engine, registry, rows, actor=cli_actor())
    except RegistryImportError as exc:
        raise CommandFailed([f"{file.name}: {error}" for error in exc.errors]
                            + [f"{len(exc.errors)} problem(s): nothing imported"], 1) from None
    click.echo(f"register {registry}: {count} rows imported (the register was replaced)")


def _registry_rows(file: Path) -> list[dict]:
    if file.suffix.lower() != ".csv":
        raise usage_error(f"{file.name}: use a .csv file")
    try:
        text = file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CommandFailed(f"Error: {file.name}: not UTF-8 text", 1) from None
    first = text.splitlines()[0] if text.strip() else ""
    reader = csv.DictReader(io.StringIO(text), delimiter=max((";", ",", "\t"), key=first.count))
    return [{(k or "").strip(): (v or "").strip() for k, v in row.items() if (v or "").strip()} for row in reader]


# --- export ---
@click.group("export")
def export() -> None:
    """Registration out."""


@export.command("ddas")
@click.option("--van", required=True, type=_DATE, help="First day of the period (YYYY-MM-DD).")
@click.option("--tot", required=True, type=_DATE, help="Last day of the period, included (YYYY-MM-DD).")
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Write the delivery to this file (default: standard output).")
@click.option("--gemeente", "gemeentecode", metavar="CODE",
              help="Only this municipality's signals and cases (default: every municipality, one levering each).")
@pass_state
def export_ddas(state, van, tot, out: Path | None, gemeentecode: str | None) -> None:
    """The DDAS v0.9 delivery (Uitwisselmodel) for the signals received and the cases closed from VAN to TOT."""
    start, end = van.date(), tot.date()
    if end < start:
        raise usage_error(f"--tot {end} lies before --van {start}")
    for name in ddas.missing_settings(state.settings):
        click.echo(f"warning: setting {name} (VROEG_{name.upper()}) is not set", err=True)
    delivery = services_ddas.export_ddas(state.engine, start, end, actor=cli_actor(), gemeentecode=gemeentecode)
    text = json.dumps(delivery, ensure_ascii=False, indent=2) + "\n"
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
    _summary(delivery, start, end, out)


def _summary(delivery: dict, start: date, end: date, out: Path | None) -> None:
    signals = sum(len(lv["vroegsignalen"]) for lv in delivery["leveringen"])
    cases = sum(len(lv["vroegsignaalzaken"]) for lv in delivery["leveringen"])
    where = f" -> {out}" if out else ""
    click.echo(f"DDAS {start}..{end}: {signals} vroegsignalen, {cases} vroegsignaalzaken{where}", err=True)
