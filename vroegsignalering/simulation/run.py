"""One simulation run: a bundle of diagram files deployed on a scratch SQLite database in a temporary directory
(never the live database), the seeded signals imported through the real intake with the clock moved day by day
(as `vroeg demo` does, demo.py), the counsellors' work of staffing.py, and the figures read back at the end."""
from __future__ import annotations

import contextlib
import dataclasses
import random
import tempfile
import time as timing
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from engine.clock import FixedClock
from engine.db import make_engine
from engine.definitions.forms import parse_form

from ..bootstrap import build_engine
from ..importer import NIEUW
from ..intake import PROCESS_ID
from ..models import Signaal
from ..schema import upgrade
from ..services.imports import import_signal
from ..services.partners import register_partner
from .arrivals import arrivals, month_starts
from .figures import RunFigures, open_work, read_figures
from .params import InvalidSimulation
from .staffing import new_case_work, work_day

ACTOR = "simulatie"


def run_bundle(settings, files: dict, params, profile, reach, label: str, directory: Path | None = None,
               on_month=None) -> RunFigures:
    """Deploy `files` on a scratch database and simulate `params` on it; the figures of the run. The database lives
    in `directory` (an empty folder the caller removes afterwards), else in a temporary folder of its own.
    `on_month(n, months)` as the run begins its n-th month."""
    started = timing.perf_counter()
    with contextlib.ExitStack() as stack:
        if directory is None:
            directory = Path(stack.enter_context(scratch_directory()))
        scratch = _scratch_settings(settings, directory)
        db = make_engine(scratch.database_url)
        try:
            upgrade(db)
            figures = _simulate(scratch, db, files, params, profile, reach, label, on_month)
        finally:
            db.dispose()
    return dataclasses.replace(figures, seconds=timing.perf_counter() - started)


def scratch_directory() -> tempfile.TemporaryDirectory:
    """A new temporary folder for one run's scratch database, removed when the context ends."""
    return tempfile.TemporaryDirectory(prefix="vroeg-simulatie-")


def _scratch_settings(settings, directory: Path):
    """The live settings (municipality, time zone, closed days, intake rules) on a database of its own; the
    bundled BRP fixture, never the real BRP."""
    return dataclasses.replace(settings, database_url=f"sqlite:///{directory / 'simulatie.db'}",
                               instance_path=directory, brp_url="", brp_api_key="", brp_fixture="")


def _simulate(settings, db, files: dict, params, profile, reach, label: str, on_month=None) -> RunFigures:
    zone = ZoneInfo(settings.timezone)
    clock = FixedClock(datetime.combine(params.start, time(8, 0), zone))
    engine = build_engine(settings, clock, db_engine=db)
    if PROCESS_ID not in {process_id for process_id, _ in engine.deploy(files, actor=ACTOR)}:
        raise InvalidSimulation(f"Alleen het proces '{PROCESS_ID}' kan gesimuleerd worden: deze bestanden hebben het "
                                "niet.")
    partners = {kind: register_partner(engine, f"Simulatie {kind}", kind, actor=ACTOR)[0] for kind in profile.mix}
    forms = {path[len("forms/"):-len(".json")]: parse_form(text, path) for path, text in files.items()
             if path.startswith("forms/") and path.endswith(".json")}
    working_day = engine.calendar.is_working_day
    schedule = arrivals(random.Random(params.seed), profile, params.start, params.months, working_day)
    starts = month_starts(params.start, params.months)
    end, month = starts[-1], 0
    cases, queues = {}, []
    day = params.start
    while day < end:
        if month < params.months and day >= starts[month]:
            month += 1
            if on_month is not None:
                on_month(month, params.months)
        clock.set(datetime.combine(day, time(8, 0), zone))
        engine.fire_due_timers()
        if working_day(day):
            for minute, arrival in enumerate(schedule.get(day, ())):
                clock.set(datetime.combine(day, time(9, 0), zone) + timedelta(seconds=minute))
                _receive(engine, partners[arrival.partner_type], arrival, cases, params.seed, day)
            clock.set(datetime.combine(day, time(14, 0), zone))
            work_day(engine, cases, params.staffing, reach, day, forms)
        if day.weekday() == 4:  # Friday evening: how much waits
            queues.append((day, *open_work(engine)))
        day += timedelta(days=1)
    clock.set(datetime.combine(end, time(8, 0), zone))
    engine.fire_due_timers()
    return read_figures(engine, label, params, queues, sum(1 for work in cases.values() if work.stuck))


def _receive(engine, partner, arrival, cases: dict, seed: int, day: date) -> None:
    result = import_signal(engine, partner, 1, arrival.record, f"partner:{partner.naam}")
    if result.result != NIEUW:
        return
    with engine.uow() as uow:
        case_id = uow.session.scalar(select(Signaal.case_id).where(Signaal.id == result.signal_id))
    if case_id is not None and case_id not in cases:
        cases[case_id] = new_case_work(seed, case_id, day, "telefoonnummer" in arrival.record["client"])

