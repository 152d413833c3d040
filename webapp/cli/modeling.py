"""`vroeg processes diff|migrate|check-import`: compare versions, move running cases, check a foreign .bpmn file.

Added to the `processes` group by webapp/cli/main.py (MODELING_COMMANDS). Output is Dutch, like the reasons the engine
gives; exit 1 when the work found problems, 2 on bad usage.
"""
from __future__ import annotations

from pathlib import Path

import click

from engine.modeling.bpmn_import import decode_xml
from engine.modeling.errors import UnknownVersion
from vroegsignalering.queries import process_versions
from vroegsignalering.services import processes

from webapp.cli.support import CommandFailed, cli_actor, pass_state, usage_error


@click.command("diff")
@click.argument("version_a", type=int)
@click.argument("version_b", type=int)
@pass_state
def diff(state, version_a: int, version_b: int) -> None:
    """Elements added, removed and changed from version id A to version id B (BPMN, DMN and forms).

    One line per element: `FILE: ELEMENT-ID (type 'name'): change: details`.
    """
    try:
        changes = process_versions.version_diff(state.engine, version_a, version_b)
    except UnknownVersion as exc:
        raise usage_error(str(exc)) from None
    for change in changes:
        name = f" '{change.name}'" if change.name else ""
        details = f": {'; '.join(change.details)}" if change.details else ""
        click.echo(f"{change.file}: {change.element_id or '-'} ({change.element_type}{name}): {change.change}"
                   f"{details}")
    click.echo(f"{len(changes)} verschil(len)" if changes else "geen verschillen")


@click.command("migrate")
@click.option("--from", "from_version", type=int, required=True, help="Version id the cases are on now.")
@click.option("--to", "to_version", type=int, required=True, help="Version id to move them to.")
@click.option("--zaak", "case_ids", type=int, multiple=True,
              help="Move only this case (repeatable); default: every case the dry run says can move.")
@click.option("--dry-run", is_flag=True, help="Only say per running case whether it can move and why not.")
@pass_state
def migrate(state, from_version: int, to_version: int, case_ids: tuple, dry_run: bool) -> None:
    """Move running cases from one version of a process to another, all or none; each move is in the case's history.

    Exits 1 (and moves nothing) when a chosen case cannot move.
    """
    engine = state.engine
    try:
        checks = process_versions.migration_dry_run(engine, from_version, to_version)
    except UnknownVersion as exc:
        raise usage_error(str(exc)) from None
    if dry_run:
        for check in checks:
            click.echo(f"zaak {check.case_id}: {'kan mee' if check.can_move else 'kan niet mee'}: {check.reason}")
        movable = sum(check.can_move for check in checks)
        click.echo(f"{movable} van de {len(checks)} lopende zaken kunnen mee")
        return
    chosen = list(case_ids) or [check.case_id for check in checks if check.can_move]
    if not chosen:
        raise CommandFailed("geen zaken om te verplaatsen (zie --dry-run)", 1)
    for result in processes.migrate_cases(engine, from_version, to_version, chosen, actor=cli_actor()):
        click.echo(f"zaak {result.case_id}: {result.reason}")


@click.command("check-import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_state
def check_import(state, path: Path) -> None:
    """Check a .bpmn file made with another tool: can it be opened as a draft, and what blocks a deploy.

    One line per problem (BLOKKEERT or WAARSCHUWING, element, reason); exits 1 unless it could be deployed as is.
    """
    result = processes.check_import(state.engine, path.name, decode_xml(path.read_bytes()))
    lines = [f"{'BLOKKEERT' if p.blocking else 'WAARSCHUWING'}: {p.element_id or '-'} ({p.element_type}): {p.reason}"
             for p in result.problems]
    if not result.accepted:
        raise CommandFailed(lines + [f"{path.name}: geweigerd"], 1)
    summary = f"{path.name}: geaccepteerd als concept; processen: {', '.join(result.process_ids)}"
    if not result.deployable:
        raise CommandFailed(lines + [f"{summary}; nog niet te deployen"], 1)
    for line in lines:
        click.echo(line)
    click.echo(f"{summary}; kan gedeployed worden")


MODELING_COMMANDS = (diff, migrate, check_import)
