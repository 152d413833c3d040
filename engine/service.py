"""The engine's composition root and facade: one place that opens units of work and commits them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from engine.history import access_log
from engine.identity import accounts
from engine.definitions import drafts
from engine.identity import web_sessions
from engine.history.audit import SYSTEM_CHAIN, append_event, case_chain, history, verify_chains
from engine.calendar import WorkingDayCalendar, expression_functions
from engine.runtime.cases import Runtime, complete_task, deliver_message, load_case, start_case
from engine.clock import Clock, FixedClock, ScaledClock, SystemClock
from engine.config import Settings
from engine.db import UnitOfWork, make_engine, make_session_factory, transactional
from engine.definitions.diagram_contract import DiagramContract
from engine.history.replay import replay
from engine.spiff import install_spiff_clock, make_script_engine, parse_bundle
from engine.definitions.validation import validate_bundle
from engine.runtime.timers import fire_due_timers
from engine.definitions.versions import SpecCache, deploy_bundle, read_bundle


@dataclass
class CaseRef:
    """What a caller needs back from a step, read inside the transaction."""

    id: int
    status: str


class Engine:
    """Vroeg's engine: deploys, cases, timers, history. Knows nothing of Flask."""

    def __init__(self, settings: Settings, clock: Clock | None = None, db_engine=None, *,
                 contract: DiagramContract | None = None, hooks: tuple = (), leading_deadline_kinds: tuple = (),
                 password_hasher=None, closed_days=None):
        """Whoever builds the engine gives it the domain's parts: step hooks (run inside every step's
        transaction), the diagram contract the deploy check enforces, the deadline kinds that make work late, the
        password hasher (argon2 at production cost when None), and `closed_days(session, gemeentecode)`: the dates a
        case's municipality is closed besides the national holidays and VROEG_EXTRA_CLOSED_DAYS (none when None).
        vroegsignalering.bootstrap does this."""
        install_spiff_clock()
        self.settings = settings
        self.clock = clock or (ScaledClock.parse(settings.test_clock) if settings.test_clock else SystemClock())
        self.db = db_engine or make_engine(settings.database_url)
        self.session_factory = make_session_factory(self.db)
        self.calendar = WorkingDayCalendar(settings.extra_closed_days, settings.timezone)
        self.closed_days = closed_days
        self.functions = expression_functions(self.calendar)
        self.function_names = tuple(sorted(self.functions))
        self.specs = SpecCache()
        self.password_hasher = password_hasher or accounts.PRODUCTION_HASHER
        self.hooks = tuple(hooks)
        # What the domain promises its diagrams (start data, message payloads) and its own deploy rules.
        self.contract = contract if contract is not None else DiagramContract()
        self.runtime = Runtime(self.clock, self.specs, make_script_engine(self.functions), settings.gemeentecode,
                               self.hooks, tuple(leading_deadline_kinds), self.calendar_for)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory)

    def _runtime_at(self, now: datetime | None) -> Runtime:
        """The runtime, or for a call that needs another time (`now`: an aware instant) one that reads that time:
        `vroeg timers fire --now`, a case started as of a past moment in a test. Same database and spec cache."""
        if now is None:
            return self.runtime
        return Runtime(FixedClock(now), self.specs, self.runtime.script_engine, self.settings.gemeentecode,
                       self.hooks, self.runtime.leading_deadline_kinds, self.calendar_for, self.runtime.workflows)

    def calendar_for(self, session, gemeentecode: str | None) -> WorkingDayCalendar:
        """The working-day calendar of a municipality, read in the caller's session: the installation's (national
        holidays, VROEG_EXTRA_CLOSED_DAYS) plus the municipality's own closed days from the builder's `closed_days`."""
        if self.closed_days is None or not gemeentecode:
            return self.calendar
        return self.calendar_with(self.closed_days(session, gemeentecode))

    def calendar_with(self, closed_days) -> WorkingDayCalendar:
        """The installation's calendar with these closed days besides (the installation's itself when none)."""
        own = tuple(closed_days)
        if not own:
            return self.calendar
        return WorkingDayCalendar((*self.calendar.extra_closed_days, *own), self.settings.timezone)

    def calendar_of(self, gemeentecode: str | None) -> WorkingDayCalendar:
        """The working-day calendar of a municipality (its own unit of work: for pages that count working days)."""
        with self.uow() as uow:
            return self.calendar_for(uow.session, gemeentecode)

    # --- process versions ---
    def read_bundle(self, paths=None, forms_path: Path | None = None) -> dict[str, str]:
        return read_bundle(paths or [self.settings.processes_path], forms_path or self.settings.forms_path)

    def validate(self, files: dict[str, str]) -> tuple[list, list[str]]:
        """The deploy check without deploying: (problems, executable process ids)."""
        problems = validate_bundle(files, self.functions, self.contract)
        if problems:
            return problems, []
        return [], sorted(parse_bundle(files, validate_xsd=False).get_process_ids())

    @transactional
    def deploy(self, files: dict[str, str], actor: str, gemeentecode: str | None = None) -> list[tuple[str, int]]:
        """Validate and deploy (shared, or as `gemeentecode`'s own variant); returns (process id, version) of each
        new version (empty when unchanged)."""
        with self.uow() as uow:
            created = deploy_bundle(uow.session, files, actor, self.clock.now(), self.functions, self.contract,
                                    gemeentecode)
            result = [(v.process_id, v.version) for v in created]
            uow.commit()
        return result

    # --- process drafts (the process owner's work in progress) ---
    def list_drafts(self) -> list:
        with self.uow() as uow:
            return drafts.list_drafts(uow.session)

    def draft(self, draft_id: int) -> "drafts.DraftInfo":
        """A draft with its files (raises UnknownDraft)."""
        with self.uow() as uow:
            return drafts.info(drafts.get_draft(uow.session, draft_id), with_files=True)

    @transactional
    def create_draft(self, name: str, files: dict, *, actor: str, base_version_id: int | None = None) -> int:
        with self.uow() as uow:
            draft = drafts.create_draft(uow.session, name, files, actor, self.clock.now(), base_version_id)
            draft_id = draft.id
            uow.commit()
        return draft_id

    @transactional
    def create_draft_from_version(self, version_id: int, *, actor: str) -> int:
        with self.uow() as uow:
            draft_id = drafts.create_from_version(uow.session, version_id, actor, self.clock.now()).id
            uow.commit()
        return draft_id

    @transactional
    def save_draft(self, draft_id: int, files: dict, row_version: int, *, actor: str, name: str | None = None) -> int:
        """Save the editor's files; returns the new row_version (raises StaleDraft when someone saved in between)."""
        with self.uow() as uow:
            draft = drafts.save_draft(uow.session, draft_id, files, row_version, actor, self.clock.now(), name)
            new_row_version = draft.row_version
            uow.commit()
        return new_row_version

    @transactional
    def delete_draft(self, draft_id: int) -> None:
        with self.uow() as uow:
            drafts.delete_draft(uow.session, draft_id)
            uow.commit()

    # --- staff accounts ---
    @transactional
    def add_user(self, username: str, role: str, password: str | None, *, actor: str,
                 volledige_naam: str | None = None, telefoon: str | None = None) -> None:
        """Create a staff account (raises AccountError naming what is wrong); recorded in the system history."""
        with self.uow() as uow:
            now = self.clock.now()
            accounts.add_user(uow.session, username, role, password, now, hasher=self.password_hasher,
                              volledige_naam=volledige_naam, telefoon=telefoon)
            append_event(uow.session, chain=SYSTEM_CHAIN, kind="account_aangemaakt", actor=actor, at=now,
                         data={"username": username, "role": role, "password": password is not None,
                               **{k: v for k, v in (("volledige_naam", volledige_naam), ("telefoon", telefoon)) if v}})
            uow.commit()

    @transactional
    def issue_token(self, username: str, *, actor: str) -> str:
        """A new API token for an active account, shown once; the issue is recorded, the token is not
        (accounts.issue gives its id and expiry too)."""
        return accounts.issue(self, username, actor=actor).token

    def purge_expired_sessions(self) -> int:
        """Delete the web sessions that ended by themselves (idle or past 8 hours): the worker's `sessies` job."""
        with self.uow() as uow:
            removed = web_sessions.purge(uow.session, self.clock.now(),
                                         timedelta(minutes=self.settings.session_idle_minutes))
            uow.commit()
        return removed

    def has_users(self) -> bool:
        with self.uow() as uow:
            return accounts.has_users(uow.session)

    def usernames(self) -> set[str]:
        with self.uow() as uow:
            return accounts.usernames(uow.session)

    # --- cases ---
    @transactional
    def start_case(self, process_id: str, data: dict, *, actor: str, correlation_key: str | None = None,
                   gemeentecode: str | None = None, now: datetime | None = None) -> CaseRef:
        with self.uow() as uow:
            case = start_case(self._runtime_at(now), uow.session, process_id, data, actor=actor,
                              correlation_key=correlation_key, gemeentecode=gemeentecode)
            ref = CaseRef(case.id, case.status)
            uow.commit()
        return ref

    @transactional
    def complete_task(self, task_id: str, data: dict, *, actor: str, check_dates: bool = False) -> CaseRef:
        """Complete a task; `check_dates` (pages and API) also refuses form dates that make no sense today."""
        with self.uow() as uow:
            case = complete_task(self.runtime, uow.session, task_id, data, actor=actor, check_dates=check_dates)
            ref = CaseRef(case.id, case.status)
            uow.commit()
        return ref

    @transactional
    def deliver_message(self, correlation_key: str, message: str, payload: dict, *, actor: str) -> list[CaseRef]:
        with self.uow() as uow:
            cases = deliver_message(self.runtime, uow.session, correlation_key, message, payload, actor=actor)
            refs = [CaseRef(c.id, c.status) for c in cases]
            uow.commit()
        return refs

    @transactional
    def reassign(self, user_task_ids, assignee: str | None, *, actor: str):
        """Give open tasks (row ids) to an active colleague whose role may do them, or back to the team queue
        (None); all or nothing (AssignmentError names each refused task). Returns assignment.Reassigned."""
        from engine.runtime import assignment

        with self.uow() as uow:
            result = assignment.reassign(uow.session, self.runtime, user_task_ids, assignee, actor=actor,
                                         now=self.clock.now())
            uow.commit()
        return result

    def fire_due_timers(self, batch_size: int | None = None, *, now: datetime | None = None) -> int:
        """Fire every timer due now (or at `now`); returns how many fired."""
        return fire_due_timers(self._runtime_at(now), self.session_factory,
                               batch_size or self.settings.timer_batch_size)

    def backfill_deadlines(self) -> int:
        """Deadline rows for running cases that have none yet (after `vroeg db upgrade`); returns how many."""
        from engine.runtime.backfill import backfill_deadlines

        return backfill_deadlines(self.runtime, self.session_factory)

    def backfill_positions(self) -> int:
        """Position and footprint for cases stored before they were kept (after `vroeg db upgrade`); how many."""
        from engine.runtime.backfill import backfill_positions

        return backfill_positions(self.runtime, self.session_factory)

    # --- history ---
    def verify(self, case_id: int | None = None):
        with self.uow() as uow:
            if case_id is not None:
                load_case(uow.session, case_id)
            return verify_chains(uow.session, case_chain(case_id) if case_id is not None else None)

    def history(self, case_id: int):
        with self.uow() as uow:
            load_case(uow.session, case_id)
            return history(uow.session, case_id)

    def replay(self, case_id: int, seq: int) -> dict:
        with self.uow() as uow:
            return replay(uow.session, case_id, seq)

    # --- access log (R29) ---
    def access_log_for_case(self, case_id: int, limit: int = 500):
        """Who opened this case, newest first (pages record openings with `access_log.record_access`)."""
        with self.uow() as uow:
            return access_log.for_case(uow.session, case_id, limit)

    def access_log_for_user(self, username: str, since=None, until=None):
        with self.uow() as uow:
            return access_log.for_user(uow.session, username, since, until)

    # --- process owners: version diff, heat map, case migration, import check (engine/modeling) ---
    def version_diff(self, version_a_id: int, version_b_id: int) -> list:
        """Elements added, removed and changed from version a to b: list of modeling.diff.ElementChange."""
        from engine.modeling.diff import diff_versions

        with self.uow() as uow:
            return diff_versions(uow.session, version_a_id, version_b_id)

    def heat_map(self, version_id: int) -> dict[str, dict]:
        """{element id: {"passed": n, "waiting": n}} over the cases on a version."""
        from engine.modeling.heatmap import heat_map

        with self.uow() as uow:
            return heat_map(uow.session, version_id)

    def migration_dry_run(self, from_version_id: int, to_version_id: int) -> list:
        """Per running case on the "from" version: MigrationCheck(case_id, can_move, reason); nothing is stored."""
        from engine.modeling.migration import dry_run

        with self.uow() as uow:
            return dry_run(self.runtime, uow.session, from_version_id, to_version_id)

    @transactional
    def migrate_cases(self, from_version_id: int, to_version_id: int, case_ids: list[int], *, actor: str) -> list:
        """Move the chosen cases to another version, all or none (MigrationRefused lists why per case)."""
        from engine.modeling.migration import migrate

        with self.uow() as uow:
            checks = migrate(self.runtime, uow.session, from_version_id, to_version_id, case_ids, actor=actor)
            uow.commit()
        return checks

    # --- cases whose automatic step failed (engine/runtime/failures.py) ---
    def failed_cases(self) -> list:
        """Running cases whose last automatic step failed: failures.FailedCase, longest failing first."""
        from engine.runtime.failures import failed_cases

        with self.uow() as uow:
            return failed_cases(uow.session, self.runtime)

    def retry_case(self, case_id: int, *, actor: str, to_version_id: int | None = None):
        """Run a failed case's step again now, first moving it to `to_version_id` if given; returns
        failures.RetryResult (failing again is recorded, not raised). Raises NotFailed, UnknownCase, and
        MigrationRefused when the case cannot move (then nothing changed)."""
        from engine.runtime.failures import retry

        with self.uow() as uow:
            result = retry(self.runtime, uow.session, case_id, actor=actor, to_version_id=to_version_id)
            uow.commit()
        return result

    def check_import(self, filename: str, text: str):
        """Can a .bpmn file from another tool be opened as a draft, and what blocks its deploy (never raises)."""
        from engine.modeling.bpmn_import import check_import

        return check_import(filename, text, self.functions, self.contract)
