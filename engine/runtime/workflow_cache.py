"""Workflows kept in memory between steps, for an engine that is the only one writing its database (the what-if
simulation's scratch database): a case's next step takes up the workflow its last step left, instead of rebuilding
it from the stored state, as long as the stored state is still exactly what that step wrote.

Off unless the builder of the engine switches it on (`Engine(..., workflow_cache=WorkflowCache())`). Safe by
construction: an entry is taken out when a step uses it and put back only after the step stored its state, so a
step that fails leaves nothing behind; and it is used only when the case row's state (as read in this transaction)
equals the state stored with it, so a rolled-back step, another writer or a change by another route (a reassignment,
a migration) means a plain rebuild."""
from __future__ import annotations

from collections import OrderedDict

DEFAULT_SIZE = 400  # cases kept: the most recently stepped ones (a workflow in memory is ~0.3 MB)


class WorkflowCache:
    def __init__(self, size: int = DEFAULT_SIZE):
        self.size = size
        self._entries: OrderedDict = OrderedDict()  # case id -> (version id, stored state, workflow)
        self.hits = self.misses = 0

    def take(self, case):
        """The case's workflow as its last step left it, or None (then rebuild it from case.state)."""
        entry = self._entries.pop(case.id, None)
        if entry is not None and entry[0] == case.process_version_id and entry[1] == case.state:
            self.hits += 1
            return entry[2]
        self.misses += 1
        return None

    def keep(self, case, workflow) -> None:
        """Remember the workflow a step just stored as case.state."""
        self._entries[case.id] = (case.process_version_id, case.state, workflow)
        self._entries.move_to_end(case.id)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)
