"""Domain errors raised by the engine; only the web layer maps them to HTTP."""
from __future__ import annotations

from sqlalchemy.orm.exc import StaleDataError


class EngineError(Exception):
    """Base class of every error the engine raises on purpose."""


class InvalidDiagram(EngineError):
    """A bundle was refused; problems holds one entry per finding (file, element id, reason)."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


class UnknownProcess(EngineError):
    def __init__(self, process_id: str):
        self.process_id = process_id
        super().__init__(f"no deployed version of process {process_id!r}")


class UnknownCase(EngineError):
    def __init__(self, case_id):
        self.case_id = case_id
        super().__init__(f"no case {case_id}")


class UnknownTask(EngineError):
    def __init__(self, task_id):
        self.task_id = task_id
        super().__init__(f"no task {task_id}")


class TaskNotOpen(EngineError):
    """The task exists but is not waiting for a person (already done, cancelled, or not reached)."""

    def __init__(self, task_id, state: str):
        self.task_id, self.state = task_id, state
        super().__init__(f"task {task_id} is not open (state {state})")


class InvalidTaskData(EngineError):
    """Submitted form data failed validation; errors is a list of FieldError."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("; ".join(f"{e.field}: {e.reason}" for e in self.errors))


class NoWaitingReceiver(EngineError):
    """A message was delivered to a case that does not wait for it."""

    def __init__(self, case_id, message: str):
        self.case_id, self.message = case_id, message
        super().__init__(f"case {case_id} is not waiting for message {message!r}")


class StepFailed(EngineError):
    """A diagram step failed at run time (e.g. a refused expression); nothing was changed."""

    def __init__(self, element_id: str | None, reason: str):
        self.element_id, self.reason = element_id, reason
        super().__init__(f"{element_id or 'process'}: {reason}")


class DatabaseBusy(EngineError):
    """A transaction kept meeting deadlocks or serialisation failures and was given up after its retries
    (`db.transactional`); nothing was stored, the caller may try again shortly."""

    def __init__(self, attempts: int):
        self.attempts = attempts
        super().__init__(f"the database stayed busy (deadlock or serialisation failure) over {attempts} attempts")


class NotAllowed(EngineError):
    """The acting account may not do this (the message says why, in Dutch); nothing was changed."""

    def __init__(self, message: str, *, subject=None):
        self.subject = subject  # what was refused (e.g. the task), for the caller's answer
        super().__init__(message)


class ConcurrentChange(EngineError, StaleDataError):
    """Someone else changed the same row (a case, a draft) between our read and our write; nothing was stored and
    the caller may try again. The unit of work raises it in place of SQLAlchemy's StaleDataError (engine/db.py);
    it is still a StaleDataError, so a caller that catches that one keeps working until it catches this."""
