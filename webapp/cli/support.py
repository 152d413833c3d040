"""What every `vroeg` command shares: settings and the engine built once per invocation, clean failures,
logging, and deploying a bundle."""
from __future__ import annotations

import getpass
import logging
import sys
from pathlib import Path

import click

from vroegsignalering.settings import Settings, load_settings
from engine.service import Engine
from vroegsignalering.bootstrap import build_engine
from vroegsignalering.services.processes import deploy_files

SYSTEM_ACTOR = "systeem"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class CommandFailed(Exception):
    """Stop a command: each line goes to stderr as it is, then exit with exit_code (1 problems, 2 bad usage)."""

    def __init__(self, lines, exit_code: int = 1):
        self.lines = [lines] if isinstance(lines, str) else list(lines)
        self.exit_code = exit_code
        super().__init__("; ".join(self.lines))


def usage_error(message: str) -> CommandFailed:
    return CommandFailed(f"Error: {message}", 2)


class CliState:
    """The settings and the engine of one invocation, each built on first use and closed at the end.
    engine_options go to the Engine (the tests pass a cheap password hasher)."""

    def __init__(self, **engine_options):
        self._settings: Settings | None = None
        self._engine: Engine | None = None
        self._engine_options = engine_options

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            try:
                self._settings = load_settings()
            except ValueError as exc:
                raise usage_error(f"configuration: {exc}") from None
        return self._settings

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = build_engine(self.settings, **self._engine_options)
        return self._engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.db.dispose()
            self._engine = None


pass_state = click.make_pass_decorator(CliState, ensure=True)


def cli_actor() -> str:
    """Who ran a command, for the history: the operating-system user."""
    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):
        return "cli"


def configure_logging(level: int = logging.INFO) -> None:
    """Log to stderr with timestamps, unless logging is configured already (a test runner, an embedding app).

    SpiffWorkflow logs every task's state change at INFO (`spiff.task`, `spiff.workflow`, `spiff.data`): some 140
    lines per signal, which flooded the logs of `vroeg serve` and `vroeg worker` in bench/scale_out.py and cost
    each step the records' formatting and the BSN filter. Only its warnings and errors are kept."""
    logging.getLogger("spiff").setLevel(max(level, logging.WARNING))
    root = logging.getLogger()
    if root.handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    root.addHandler(handler)
    root.setLevel(level)


def deploy_report(engine: Engine, paths=None, forms_path: Path | None = None, actor: str = SYSTEM_ACTOR,
                  gemeentecode: str | None = None) -> list[str]:
    """Deploy what changed (shared, or as one municipality's variant); one line per new version. InvalidDiagram
    (nothing stored) propagates."""
    created = deploy_files(engine, paths, forms_path, actor=actor, gemeentecode=gemeentecode)
    if not created:
        return ["unchanged: nothing deployed"]
    return [f"process {process_id}: version {version} deployed" for process_id, version in created]


def deploy_if_present(engine: Engine, actor: str = SYSTEM_ACTOR) -> list[str]:
    """Deploy the configured processes directory when it holds diagrams (serve, demo); refused raises."""
    path = Path(engine.settings.processes_path)
    if not path.is_dir() or not any(p.suffix in (".bpmn", ".dmn") for p in path.rglob("*")):
        return [f"no BPMN/DMN files in {path}: nothing deployed"]
    return deploy_report(engine, actor=actor)
