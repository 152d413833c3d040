"""A draft (or a deployed version) beside the running version: both simulated with the same inputs and the same
seed, so they meet the same signals and the same households; only the diagram differs."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from engine.models import ProcessVersion
from engine.modeling.errors import UnknownVersion

from ..intake import PROCESS_ID
from .figures import RunFigures
from .inputs import ReachRates, SignalProfile, reach_rates, signal_profile
from .parallel import run_pair, second_core
from .params import DEFAULT_SIGNALS_PER_MONTH, SimulationParams, check
from .run import run_bundle


@dataclass(frozen=True)
class Comparison:
    """The runs side by side (the subject first; the running version second, None when it is the subject or
    when nothing runs yet) and the inputs both used."""

    subject: RunFigures
    running: RunFigures | None
    profile: SignalProfile
    reach: ReachRates
    params: SimulationParams


def read_inputs(engine, params: SimulationParams) -> tuple[SignalProfile, ReachRates]:
    """The municipality's own rates from the live database (read only)."""
    with engine.uow() as uow:
        profile = signal_profile(uow.session, params.start, params.signals_per_month, DEFAULT_SIGNALS_PER_MONTH)
        return profile, reach_rates(uow.session)


def running_version(engine) -> tuple[int, dict] | None:
    """(id, files) of the running version of the vroegsignalering process (the newest deployed), or None."""
    with engine.uow() as uow:
        version = uow.session.scalars(select(ProcessVersion).where(ProcessVersion.process_id == PROCESS_ID)
                                      .order_by(ProcessVersion.version.desc()).limit(1)).first()
        return (version.id, dict(version.files)) if version else None


def version_files(engine, version_id: int) -> dict:
    with engine.uow() as uow:
        version = uow.session.get(ProcessVersion, version_id)
        if version is None:
            raise UnknownVersion(version_id)
        return dict(version.files)


def compare(engine, files: dict, label: str, params: SimulationParams, *, subject_version_id: int | None = None,
            progress=None, parallel: bool | None = None) -> Comparison:
    """Simulate `files` and, unless it is that very version, the running version; `progress(label)` before each
    and as each simulated month begins ("<label>: maand 3 van 12"). With `parallel` (default: when this process has
    a second core) the two runs go at once, the running version in a child process (parallel.py); the figures are
    the same either way."""
    check(params)
    profile, reach = read_inputs(engine, params)
    running = running_version(engine)
    runs = [(label, files)]
    if running is not None and running[0] != subject_version_id:
        runs.append((f"In gebruik (versie-id {running[0]})", running[1]))
    if len(runs) == 2 and (second_core() if parallel is None else parallel):
        both = f"{runs[0][0]} en {runs[1][0]}, tegelijk"
        if progress is not None:
            progress(both)
        figures = run_pair(engine.settings, runs[0], runs[1], params, profile, reach, on_month=_months(progress, both))
        return Comparison(figures[0], figures[1], profile, reach, params)
    figures = []
    for run_label, run_files in runs:
        if progress is not None:
            progress(run_label)
        figures.append(run_bundle(engine.settings, run_files, params, profile, reach, run_label,
                                  on_month=_months(progress, run_label)))
    return Comparison(figures[0], figures[1] if len(figures) > 1 else None, profile, reach, params)


def _months(progress, label: str):
    """An on_month callback that reports "<label>: maand n van m" (None without `progress`)."""
    if progress is None:
        return None
    return lambda month, months: progress(f"{label}: maand {month} van {months}")
