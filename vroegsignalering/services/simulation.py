"""The what-if simulation for process owners (vroegsignalering/simulation/): a draft or a deployed version beside
the running version. Reads the live database (the municipality's rates, the files to run) and writes nothing to it:
every run has a scratch database of its own.

The page runs a simulation as a small job in a thread of the web process (`start_job`, `job`): at most one at a
time per process, the last few kept in memory for the page that refreshes until it is done. A restart forgets them;
the command line runs in the foreground."""
from __future__ import annotations

import itertools
import logging
import threading
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from engine.definitions.drafts import UnknownDraft

from ..simulation.compare import Comparison, compare, version_files
from ..simulation.params import InvalidSimulation, SimulationParams, Staffing, check
from ..simulation.report import as_text

__all__ = ("InvalidSimulation", "as_text", "parameters", "simulate_draft", "simulate_version", "start_job", "job",
           "SimulationBusy")
log = logging.getLogger(__name__)
KEEP_JOBS = 20


def parameters(engine, *, months: int = 12, signals_per_month: int | None = None, counsellors: int = 2,
               hours_per_week: float = 36, seed: int = 2026, start: date | None = None) -> SimulationParams:
    """Checked parameters (InvalidSimulation names what is out of range); the period starts today by default."""
    start = start or engine.calendar.local_date(engine.clock.now())
    return check(SimulationParams(start, months, signals_per_month,
                                  Staffing(counsellors=counsellors, hours_per_week=hours_per_week), seed))


def simulate_draft(engine, draft_id: int, params: SimulationParams, progress=None,
                   parallel: bool | None = None) -> Comparison:
    """The draft beside the running version (raises UnknownDraft; InvalidDiagram when the draft is refused).
    `parallel`: both at once in two processes (None: when there is a second core; see simulation/parallel.py)."""
    draft = engine.draft(draft_id)
    return compare(engine, draft.files, f"Concept {draft.name}", params, progress=progress, parallel=parallel)


def simulate_version(engine, version_id: int, params: SimulationParams, progress=None,
                     parallel: bool | None = None) -> Comparison:
    """A deployed version beside the running one (alone when it is the running one; raises UnknownVersion)."""
    return compare(engine, version_files(engine, version_id), f"Versie-id {version_id}", params,
                   subject_version_id=version_id, progress=progress, parallel=parallel)


# --- jobs for the page ---------------------------------------------------------------------------------------------

class SimulationBusy(Exception):
    """Another simulation runs in this process; the message is for the process owner."""


@dataclass
class Job:
    id: str
    draft_id: int
    params: SimulationParams
    started_by: str
    started_at: datetime
    status: str = "bezig"  # bezig | klaar | mislukt
    step: str = ""
    result: Comparison | None = None
    error: str | None = None
    order: int = field(default=0)


_jobs: dict[str, Job] = {}
_lock = threading.Lock()
_counter = itertools.count(1)


def start_job(engine, draft_id: int, params: SimulationParams, *, actor: str) -> str:
    """Start simulating the draft in a thread; the job's id. Raises UnknownDraft, SimulationBusy."""
    engine.draft(draft_id)  # an unknown draft is refused now, not in the thread
    with _lock:
        if any(j.status == "bezig" for j in _jobs.values()):
            raise SimulationBusy("Er loopt al een simulatie. Wacht tot die klaar is en probeer het dan opnieuw.")
        job = Job(uuid.uuid4().hex[:12], draft_id, params, actor, engine.clock.now(), order=next(_counter))
        _jobs[job.id] = job
        for old in sorted(_jobs.values(), key=lambda j: j.order)[:-KEEP_JOBS]:
            del _jobs[old.id]
    threading.Thread(target=_run, args=(engine, job), name=f"simulatie-{job.id}", daemon=True).start()
    return job.id


def job(job_id: str, draft_id: int) -> Job | None:
    """The job, when it exists and belongs to this draft."""
    found = _jobs.get(job_id)
    return found if found is not None and found.draft_id == draft_id else None


def _run(engine, job: Job) -> None:
    def progress(label: str) -> None:
        job.step = label

    try:
        job.result = simulate_draft(engine, job.draft_id, job.params, progress=progress)
        job.status = "klaar"
    except UnknownDraft:
        job.status, job.error = "mislukt", "Het concept bestaat niet meer."
    except Exception as exc:  # noqa: BLE001 - the page must say it failed, the log has the details
        error_id = uuid.uuid4().hex[:12]
        log.exception("simulatie %s mislukt, foutnummer %s", job.id, error_id)
        job.status = "mislukt"
        job.error = _reason(exc, error_id)


def _reason(exc: Exception, error_id: str) -> str:
    from engine.errors import InvalidDiagram

    if isinstance(exc, InvalidSimulation):
        return str(exc)
    if isinstance(exc, InvalidDiagram):
        return "Het concept kan niet in gebruik worden genomen, dus ook niet gesimuleerd: " + "; ".join(
            str(problem) for problem in exc.problems[:5])
    return f"De simulatie is mislukt (foutnummer {error_id})."
