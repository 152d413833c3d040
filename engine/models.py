"""ORM models: process versions, cases with their queryable state, history events, staff accounts."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, BigInteger,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from engine.db import Base


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite stores naive UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        from datetime import timezone

        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        from datetime import timezone

        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class ProcessVersion(Base):
    """An immutable deployed version of one executable process, with every file it needs."""

    __tablename__ = "process_versions"
    __table_args__ = (UniqueConstraint("process_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    process_id: Mapped[str] = mapped_column(String(200), index=True)
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(String(300))
    content_hash: Mapped[str] = mapped_column(String(64))
    files: Mapped[dict] = mapped_column(JSON, deferred=True)  # {relative path: text}: loaded only to parse
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deployed_by: Mapped[str] = mapped_column(String(200))
    # a municipality's own variant (its new cases start on it); None: shared by every municipality
    gemeentecode: Mapped[str | None] = mapped_column(String(4))


class Case(Base):
    """A vroegsignaalzaak: one process instance, its serialized state and what the app queries."""

    __tablename__ = "cases"
    # The sweep asks for running cases by due time: one index answers it without touching waiting cases.
    __table_args__ = (Index("ix_cases_status_next_timer_at", "status", "next_timer_at"),
                      Index("ix_cases_last_error_since", "last_error_since"),
                      # the heat map and the migration dry run count a version's cases per position (covering)
                      Index("ix_cases_version_position", "process_version_id", "status", "position", "id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    gemeentecode: Mapped[str] = mapped_column(String(4), index=True)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_versions.id"), index=True)
    correlation_key: Mapped[str | None] = mapped_column(String(200), index=True)
    status: Mapped[str] = mapped_column(String(20))  # running | completed
    serializer_version: Mapped[str] = mapped_column(String(10))
    state: Mapped[dict] = mapped_column(JSON)  # the workflow without its spec
    next_timer_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)  # why the sweep's last step failed (Dutch), until one runs
    last_error_element: Mapped[str | None] = mapped_column(String(200))  # the element that step failed at
    last_error_since: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the first failure of this streak
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    row_version: Mapped[int] = mapped_column(Integer, nullable=False)
    # The work queue the application puts the case in (vroegsignalering: the werkvoorraad), copied onto its open
    # task rows (set_case_queue) so that counting open tasks per queue needs no join (bench/README.md, screens).
    queue: Mapped[str | None] = mapped_column(String(60))
    # Where the case stands (engine/runtime/workflow_view.py `position`), written with every state: a key and the
    # elements completed and active. Cases with the same key count alike, so the heat map and the migration dry run
    # read one case per key instead of every case. NULL: stored before 0017 and not backfilled (state removed).
    # A 64-bit integer, not the hex digest: the narrow index is what PostgreSQL's planner takes for the count (with
    # 33-byte text keys it preferred a parallel scan of the table at twice the time).
    position: Mapped[int | None] = mapped_column(BigInteger)
    footprint: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))

    process_version: Mapped[ProcessVersion] = relationship()
    tasks: Mapped[list["UserTask"]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="UserTask.id"
    )
    timers: Mapped[list["CaseTimer"]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseTimer.due_at"
    )

    __mapper_args__ = {"version_id_col": row_version}


class UserTask(Base):
    """A user task of a case: open ones form the worklist (read here, never from the workflow); done ones stay."""

    __tablename__ = "user_tasks"
    __table_args__ = (
        UniqueConstraint("task_id"),
        Index("ix_user_tasks_status_due", "status", "due_at"),
        Index("ix_user_tasks_status_role_due", "status", "role", "due_at"),
        Index("ix_user_tasks_status_assignee_due", "status", "assignee", "due_at"),
        Index("ix_user_tasks_case_status", "case_id", "status"),
        # the worklist reads open tasks in deadline order, for everyone, per role or per assignee
        Index("ix_user_tasks_status_deadline", "status", "deadline_at"),
        Index("ix_user_tasks_status_role_deadline", "status", "role", "deadline_at"),
        # ...and with the case id, the open cases of one counsellor from the index alone (the coordinator's view)
        Index("ix_user_tasks_status_assignee_deadline", "status", "assignee", "deadline_at", "case_id"),
        # open tasks per queue (and the unassigned ones) from the index alone: coordinator's counts, worklist filter
        Index("ix_user_tasks_status_queue_assignee", "status", "queue", "assignee"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    task_id: Mapped[str] = mapped_column(String(36))  # SpiffWorkflow task UUID
    element_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str | None] = mapped_column(String(300))
    form: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(200))
    assignee: Mapped[str | None] = mapped_column(String(200))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the earliest timer on the task's boundary
    # What the worklist sorts on: the due time of the case's leading open deadline (engine/runtime/deadlines.py), else
    # due_at; and the leading deadline row itself (open, or else the last one closed) for display.
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deadline_id: Mapped[int | None] = mapped_column(
        ForeignKey("case_deadlines.id", ondelete="SET NULL", name="fk_user_tasks_deadline_id"))
    status: Mapped[str] = mapped_column(String(20))  # open | done | cancelled
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by: Mapped[str | None] = mapped_column(String(200))
    queue: Mapped[str | None] = mapped_column(String(60))  # the case's queue (Case.queue), kept on every row

    case: Mapped[Case] = relationship(back_populates="tasks")
    deadline: Mapped["CaseDeadline | None"] = relationship()


class CaseTimer(Base):
    """A timer the case waits on, with its fixed due time (for display and for the sweep)."""

    __tablename__ = "case_timers"
    __table_args__ = (UniqueConstraint("case_id", "task_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[str] = mapped_column(String(36))
    element_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str | None] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(40))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship(back_populates="timers")


class CaseDeadline(Base):
    """A deadline of a case: a timer the diagram marks with the property `termijn` (its value is the kind), kept
    after the timer fired or was cancelled (engine/runtime/deadlines.py).

    status running: the timer waits (due_at follows any re-timing); passed: it fired, or was cancelled after
    due_at (passed_at: when the engine noted it); met: cancelled before due_at. closed_at: when it stopped counting
    (met; or, once passed, when the activity it guards ended or the case ended). Open means closed_at is null."""

    __tablename__ = "case_deadlines"
    __table_args__ = (
        UniqueConstraint("case_id", "task_id"),
        # the coordinator's list: open deadlines of a kind by due time
        Index("ix_case_deadlines_open_kind_due", "closed_at", "kind", "due_at", "case_id"),
        # a case's open deadlines (the coordinator's earliest per case), without reading the rows
        Index("ix_case_deadlines_case_open", "case_id", "closed_at", "kind", "due_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    task_id: Mapped[str] = mapped_column(String(36))  # the timer's SpiffWorkflow task UUID
    element_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str | None] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(40))  # the property's value, e.g. "wettelijk"
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20))  # running | passed | met
    passed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Event(Base):
    """One entry of the append-only history; chained per case (or per system chain) by SHA-256."""

    __tablename__ = "events"
    __table_args__ = (UniqueConstraint("chain", "seq"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    chain: Mapped[str] = mapped_column(String(50))  # "zaak:<id>" or "systeem"
    seq: Mapped[int] = mapped_column(Integer)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(50))
    actor: Mapped[str] = mapped_column(String(200))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    element_id: Mapped[str | None] = mapped_column(String(200))
    data: Mapped[dict] = mapped_column(JSON)
    snapshot: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))  # SQL NULL, so "is null" finds it
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # set when retention emptied data and snapshot (engine/history/redaction.py); not hashed
    content_removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ChainHead(Base):
    """The last event of each chain, so that deleting the newest event is detected too."""

    __tablename__ = "chain_heads"

    chain: Mapped[str] = mapped_column(String(50), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str | None] = mapped_column(String(64))


class User(Base):
    """A staff account."""

    __tablename__ = "users"
    __table_args__ = (Index("ix_users_oidc_subject", "oidc_subject", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    # NO_ROLE (''): signed in through single sign-on without a mapped role, waiting for an administrator; cannot sign in
    role: Mapped[str] = mapped_column(String(30))
    volledige_naam: Mapped[str | None] = mapped_column(String(200))  # shown to residents, e.g. in the plan van aanpak
    telefoon: Mapped[str | None] = mapped_column(String(40))
    oidc_subject: Mapped[str | None] = mapped_column(String(500))  # "issuer sub" of the identity provider's account
    password_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ApiToken(Base):
    """A bearer token, stored as its SHA-256 (tokens are 256-bit random, so a fast hash is enough).

    Refused from `expires_at` on (set for every token: the lifetime when issued, brought forward to the end of the
    grace period when the token is rotated) or once `revoked_at` is set."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User | None] = relationship(lazy="joined")


class WebSession(Base):
    """A signed-in (or about to sign in) browser session, kept server-side so that it can be ended.

    The cookie holds a random id; only its SHA-256 is stored, so a copy of this table opens no session. `data` is
    the session's content (Flask's tagged JSON: the CSRF token, the user id, flash messages)."""

    __tablename__ = "web_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    data: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class LoginThrottleEntry(Base):
    """A failed login against a key (`user:<name>` or `ip:<address>`), or the start of a lockout of that key
    (`locked`): shared by every web process, so five failures lock a key whichever process saw them."""

    __tablename__ = "login_throttle"
    __table_args__ = (Index("ix_login_throttle_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(250))
    locked: Mapped[bool] = mapped_column(default=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class AccessLogEntry(Base):
    """R29: one opening of a case (or a document or history of it) by a staff member: who, when, what."""

    __tablename__ = "access_log"
    __table_args__ = (
        Index("ix_access_log_case_at", "case_id", "occurred_at"),
        Index("ix_access_log_username_at", "username", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    username: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(30))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(50))  # e.g. zaak_bekeken, plan_afgedrukt, geschiedenis_bekeken
    detail: Mapped[str | None] = mapped_column(String(300))


class ProcessDraft(Base):
    """A process owner's unsaved work: a whole bundle of files (BPMN, DMN, forms), not yet a deployed version."""

    __tablename__ = "process_drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    base_version_id: Mapped[int | None] = mapped_column(ForeignKey("process_versions.id"))
    files: Mapped[dict] = mapped_column(JSON)  # {relative path: text}
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(String(200))
    row_version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": row_version}
