"""Workflows of recently stepped cases, kept in memory so that a case's next step need not rebuild its workflow
from the stored state (load_state is a sixth to a third of a step; bench/README.md).

The rules that keep it safe:
- A workflow belongs to one step at a time: `take` removes it, and only the step's commit puts it back (a step
  that fails or rolls back leaves nothing behind; the next step of that case rebuilds the workflow from the state).
- It is used only when the stored state read in the new step's own transaction equals, value for value, the state
  it was written as, on the same process version. Any other writer (another process, a migration, a restored
  database, a rolled-back savepoint) makes the states differ, and the entry is dropped. Comparing the two dicts
  takes a fraction of a millisecond; rebuilding takes several.
- At most `size` workflows are kept (least recently stepped go first), and at most `size` wait per transaction
  for their commit: a workflow is some 150 KB in memory.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

from sqlalchemy import event

DEFAULT_SIZE = 256
_PENDING = "engine.workflow_cache"  # session.info key: this cache's workflows waiting for the commit


class WorkflowCache:
    def __init__(self, size: int = DEFAULT_SIZE):
        self.size = size
        self._entries: OrderedDict = OrderedDict()  # case id -> (process version id, state, workflow)
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def take(self, case):
        """The workflow of `case` as its stored state describes it, or None (then: load_state). Removes it."""
        with self._lock:
            entry = self._entries.pop(case.id, None)
        if entry is not None and entry[0] == case.process_version_id and entry[1] == case.state:
            self.hits += 1
            return entry[2]
        self.misses += 1
        return None

    def keep_after_commit(self, session, case, workflow, state: dict) -> None:
        """Keep `workflow` for the case's next step once this session's transaction commits. `state`: the dict it
        was stored as (dump_state of this very workflow), not whatever `case.state` holds by then: a hook may
        have written another state since (a reassignment does), and then the two must not match."""
        if self.size <= 0:
            return
        pending = session.info.get(_PENDING)
        if pending is None:
            pending = session.info[_PENDING] = OrderedDict()
            event.listen(session, "after_commit", self._committed)
        pending.pop(case.id, None)
        pending[case.id] = (case.process_version_id, state, workflow)
        if len(pending) > self.size:
            pending.popitem(last=False)

    def _committed(self, session) -> None:
        pending = session.info.pop(_PENDING, None)
        if not pending:
            return
        with self._lock:
            for case_id, entry in pending.items():
                self._entries.pop(case_id, None)
                self._entries[case_id] = entry
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
