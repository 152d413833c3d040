"""`vroeg processes validate|deploy`: check a BPMN/DMN bundle the way a deploy would, and deploy it."""
from __future__ import annotations

from pathlib import Path

import click

from vroegsignalering.gemeenten import GemeenteError
from vroegsignalering.services.processes import validate_files

from webapp.cli.support import CommandFailed, cli_actor, deploy_report, pass_state

_FORMS_OPTION = click.option(
    "--forms", "forms_path", type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Directory of form definitions the diagrams name (default: VROEG_FORMS_PATH, forms/).")


@click.group("processes")
def processes() -> None:
    """BPMN/DMN process bundles: check and deploy."""


@processes.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@_FORMS_OPTION
@pass_state
def validate(state, paths, forms_path) -> None:
    """Check BPMN/DMN files (files or directories) and the forms they name, as a deploy would.

    Prints one line per problem, `FILE: ELEMENT-ID: reason`, and exits 1 when there is any.
    """
    problems, process_ids = validate_files(state.engine, list(paths), forms_path)
    if problems:
        raise CommandFailed([str(problem) for problem in problems], 1)
    click.echo(f"OK: {len(process_ids)} processes ({', '.join(process_ids)})")


@processes.command("deploy")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@_FORMS_OPTION
@click.option("--gemeente", "gemeentecode", metavar="CODE",
              help="Deploy as this municipality's own variant: its new cases start on it (default: shared).")
@pass_state
def deploy(state, paths, forms_path, gemeentecode) -> None:
    """Validate, then store a new version of each process that changed (default: VROEG_PROCESSES_PATH).

    Identical processes are left alone; a refused bundle prints its problems, stores nothing and exits 1. With
    --gemeente the versions are that municipality's variant; other municipalities keep the shared one.
    """
    try:
        lines = deploy_report(state.engine, list(paths) or None, forms_path, actor=cli_actor(),
                              gemeentecode=gemeentecode)
    except GemeenteError as error:
        raise CommandFailed([str(error)], 2) from None
    for line in lines:
        click.echo(line)
