"""Two runs at once: the draft and the running version are independent (each has its own scratch database and the
same seeded inputs), so on a machine with a second core one of them runs in a child process while this process runs
the other; the figures are the same as one after the other, in about half the wall time.

The child is started with `spawn` (a fresh interpreter: never a fork of a web process with threads and open
database connections) and gets only plain data: settings, files, parameters, rates. A child that fails hands back
its error; one that dies is reported as such. When this process's own run fails, the child is stopped at once, and
its scratch folder (made here) removed."""
from __future__ import annotations

import multiprocessing
import os
import pickle
from pathlib import Path

from engine.gc_tuning import collect_less_often

from .run import run_bundle, scratch_directory

SPAWN = multiprocessing.get_context("spawn")


class ChildFailed(RuntimeError):
    """The run in the child process ended without figures."""


def second_core() -> bool:
    """Is there a core for a second run beside this one? (The CPUs this process may use, not the machine's.)"""
    try:
        return len(os.sched_getaffinity(0)) > 1
    except AttributeError:  # not every platform has affinity
        return (os.cpu_count() or 1) > 1


def run_pair(settings, first: tuple, second: tuple, params, profile, reach, on_month=None) -> tuple:
    """(figures of `first`, figures of `second`), each a (label, files): `second` in a child process. The child's
    scratch folder is made and removed here: a child stopped half-way (our own run failed, or it was killed)
    cannot clean up after itself. `on_month(n, months)`: as this process's run begins its n-th month (the two
    runs go at about the same pace)."""
    with scratch_directory() as theirs_directory:
        receiver, sender = SPAWN.Pipe(duplex=False)
        child = SPAWN.Process(target=_child, args=(sender, settings, second, params, profile, reach,
                                                  Path(theirs_directory)), name="vroeg-simulatie", daemon=True)
        child.start()
        sender.close()  # the child holds the sending end now; EOF here when it dies
        try:
            ours = run_bundle(settings, first[1], params, profile, reach, first[0], on_month=on_month)
            theirs = _result(receiver)
        finally:
            receiver.close()
            if child.is_alive():
                child.terminate()
            child.join()
    return ours, theirs


def _result(receiver):
    try:
        outcome, value = receiver.recv()
    except EOFError:
        raise ChildFailed("de tweede simulatie stopte zonder uitkomst") from None
    if outcome == "error":
        raise value
    return value


def _child(sender, settings, run: tuple, params, profile, reach, directory: Path) -> None:
    collect_less_often()  # as the `vroeg` command does for its process
    label, files = run
    try:
        sender.send(("ok", run_bundle(settings, files, params, profile, reach, label, directory)))
    except Exception as exc:  # noqa: BLE001 - handed to the parent, which raises it
        sender.send(("error", exc if _travels(exc) else ChildFailed(f"{type(exc).__name__}: {exc}")))
    finally:
        sender.close()


def _travels(exc: Exception) -> bool:
    """Does the error survive the way to the parent (pickled here, rebuilt there)?"""
    try:
        pickle.loads(pickle.dumps(exc))
        return True
    except Exception:  # noqa: BLE001 - any failure means: send its text instead
        return False
