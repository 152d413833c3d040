"""Staff screens' read models at 100,000 open cases: server time of each query function the pages call, p50/p95.

The cases are bulk inserts (SQLAlchemy Core, thousands of rows per statement), not engine runs: a case row (with a
small stand-in state: no screen here reads the workflow), its vroegsignaalzaak (queue, priority, crisis 1 in 20,
postcode), one open user task (20 counsellors, a quarter unassigned; deadline from 20 days ago to 40 days ahead),
its statutory deadline row, one signal (partner type, BSN, name, address) and one history event with a snapshot;
each case stands at one of 300 positions (cases.position and footprint, what the heat map reads; the snapshot
agrees). After the screens, the heat map is computed once as it was before 0017 (every case's newest snapshot
decoded) for the side-by-side figure, and must give the same numbers (exit 1 otherwise). Then each screen's query is run `--requests` times after two warm-ups, in this
process, each call its own unit of work as the page's: the worklist with each filter, the coordinator's view (watch
list and one queue), the audit search (by name and by BSN), the heat map and the monitor dashboard (the month of
NOW and its 12-month trend: every seeded signal was received in those months). Target: every p95 < 50 ms.

    .venv/bin/python bench/bench_screens.py [--cases 100000] [--requests 30] [--database-url postgresql://…/bench]
"""
from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import _benchlib as lib  # first: puts the repository root on sys.path
from sqlalchemy import func, insert, select, text

from engine.clock import FixedClock
from engine.definitions.versions import require_latest_version
from engine.gc_tuning import collect_less_often
from engine.models import Case, CaseDeadline, ChainHead, Event, UserTask
from engine.modeling.heatmap import heat_map
from vroegsignalering.bootstrap import build_engine
from vroegsignalering.models import Partner, Signaal, Vroegsignaalzaak
from vroegsignalering.monitor import period_of
from vroegsignalering.queries.audit_search import CaseSearch, search_cases
from vroegsignalering.queries.coordinator import coordinator_overview
from vroegsignalering.queries.monitor import read_dashboard
from vroegsignalering.queries.worklist import worklist_page
from vroegsignalering.services.partners import register_partner
from vroegsignalering.settings import load_settings
from vroegsignalering.zoektekst import search_address, search_name

NOW = lib.local(2026, 11, 27, 9, 0)
COUNSELLORS = tuple(f"hulpverlener{i:02d}" for i in range(20))
QUEUES = ("algemeen", "jongeren", "ondernemers", "wijk-noord", "wijk-west", "wijk-zuid")
KINDS = ("Huur", "Energie", "Water", "Zorg")
NAMES = ("Jansen", "de Vries", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos")
CHUNK = 5000
POSITIONS = 300  # distinct positions of the cases (the heat map reads one footprint per position)
_NAMELESS = {"voorletters": None, "voorvoegsel": None, "straatnaam": None, "huisletter": None,
             "huisnummertoevoeging": None, "plaatsnaam": None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000, help="open cases (default 100,000)")
    parser.add_argument("--requests", type=int, default=30, help="timed calls per screen (default 30)")
    parser.add_argument("--database-url", help="postgresql://…/bench (wiped); default a new SQLite file")
    parser.add_argument("--keep", type=Path, help="SQLite: make the database in this directory and keep it")
    parser.add_argument("--seeded", help="measure again on a database seeded before (its URL): no seeding")
    args = parser.parse_args()
    collect_less_often()  # as every `vroeg` command does, `vroeg serve` included (engine/gc_tuning.py)
    with tempfile.TemporaryDirectory(prefix="vroeg-bench-") as tmp:
        workdir = args.keep or Path(tmp)
        url = args.seeded or lib.fresh_database(args.database_url, workdir)
        if args.seeded:  # brought to the current schema (a migration's backfill included), as `vroeg db upgrade`
            lib.upgrade_to_head(url)
        settings = load_settings({"database_url": url, "instance_path": workdir / "instance", "testing": True,
                                  "processes_path": lib.ROOT / "processes", "forms_path": lib.ROOT / "forms"},
                                 environ={})
        engine = build_engine(settings, FixedClock(NOW))
        engine.deploy(engine.read_bundle(), actor="bench")
        print(f"bench_screens: {args.cases} open cases; {lib.describe(url)}", flush=True)
        started = time.perf_counter()
        if args.seeded:
            with engine.uow() as uow:
                version_id = require_latest_version(uow.session, "vroegsignalering").id
        else:
            version_id = seed(engine, args.cases)
            print(f"  seeded in {time.perf_counter() - started:.1f} s (bulk inserts)", flush=True)
        check(engine, args.cases)
        results = [(name, measure(fn, args.requests)) for name, fn in screens(engine, version_id)]
        print(f"  {'screen':42s} {'p50 ms':>8s} {'p95 ms':>8s} {'max ms':>8s} {'cpu p50':>8s} {'cpu p95':>8s}")
        for name, (wall, cpu) in results:
            flag = "" if pct(wall, 95) < 50 else "   p95 over 50 ms"
            print(f"  {name:42s} {pct(wall, 50):8.1f} {pct(wall, 95):8.1f} {max(wall):8.1f} {pct(cpu, 50):8.1f} "
                  f"{pct(cpu, 95):8.1f}{flag}")
        heat_before(engine, version_id)
        engine.db.dispose()


def seed(engine, n: int) -> int:
    """n open cases with their rows, in chunks of bulk INSERTs; returns the process version id."""
    rnd = random.Random(7)
    partners = [register_partner(engine, f"Bench {kind}", kind, actor="bench")[0].id for kind in KINDS]
    with engine.uow() as uow:
        version_id = require_latest_version(uow.session, "vroegsignalering").id
    utc = NOW.astimezone(lib.AMS)
    footprints = _footprints(rnd)
    for start in range(0, n, CHUNK):
        ids = range(start + 1, min(n, start + CHUNK) + 1)
        rows = {t: [] for t in ("cases", "zaken", "tasks", "deadlines", "signals", "events", "heads")}
        for i in ids:
            due = utc + timedelta(days=rnd.uniform(-20, 40))
            crisis = rnd.random() < 0.05
            postcode = f"{1000 + rnd.randrange(100)}{rnd.choice('ABCDEFGH')}{rnd.choice('ABCDEFGH')}"
            queue = rnd.choice(QUEUES)
            rows["cases"].append(dict(id=i, gemeentecode="0363", process_version_id=version_id,
                                      correlation_key=f"hh-{i}", status="running", serializer_version="1",
                                      state={"bench": True}, created_at=due - timedelta(days=60),
                                      updated_at=due - timedelta(days=60), row_version=1, **_queue(queue)))
            rows["zaken"].append(dict(case_id=i, household_key=f"hh-{i}", open=True, crisis=crisis,
                                      prioriteit=rnd.randrange(1, 5), werkvoorraad=queue, postcode=postcode))
            rows["deadlines"].append(dict(id=i, case_id=i, task_id=str(uuid.UUID(int=i)), element_id="termijn_wet",
                                          name="Wettelijke termijn", kind="wettelijk", due_at=due,
                                          status="passed" if due < utc else "running",
                                          passed_at=due if due < utc else None))
            rows["tasks"].append(dict(case_id=i, task_id=str(uuid.UUID(int=n + i)), element_id="contactpoging",
                                      name="Contact opnemen", form="contactpoging", role="hulpverlener",
                                      assignee=None if rnd.random() < 0.25 else rnd.choice(COUNSELLORS),
                                      due_at=due, deadline_at=due, deadline_id=i, status="open",
                                      created_at=due - timedelta(days=60), **_queue(queue)))
            rows["signals"].append(dict(
                partner_id=rnd.choice(partners), externe_referentie=f"S-{i}", gemeentecode="0363",
                soort="betalingsachterstand", bedrag=rnd.randrange(100, 3000),
                signaaldatum=(due - timedelta(days=60)).date(),
                crisissignaal=crisis, warme_overdracht=False, bsn=f"{100000000 + i}", voornamen="Anna",
                achternaam=f"{rnd.choice(NAMES)}{i % 997}", postcode=postcode, huisnummer=1 + i % 300,
                household_key=f"hh-{i}", status="Nog niet opgepakt", received_at=due - timedelta(days=60),
                case_id=i))
            rows["signals"][-1].update(zoeknaam=search_name(SimpleNamespace(**_NAMELESS, **rows["signals"][-1])),
                                       zoekadres=search_address(SimpleNamespace(**_NAMELESS, **rows["signals"][-1])))
            footprint = rnd.choice(footprints)
            rows["cases"][-1].update(_position(footprint))
            snapshot = {"completed": {e: 1 for e in footprint["completed"]}, "active": footprint["active"],
                        "data": {}, "timers": [], "due": {}, "finished": False}
            rows["events"].append(dict(chain=f"zaak:{i}", seq=1, case_id=i, kind="zaak_gestart", actor="bench",
                                       occurred_at=due - timedelta(days=60), data={}, snapshot=snapshot,
                                       prev_hash=None, hash="0" * 64))
            rows["heads"].append(dict(chain=f"zaak:{i}", seq=1, hash="0" * 64))
        with engine.db.begin() as conn:
            for table, key in ((Case, "cases"), (Vroegsignaalzaak, "zaken"), (CaseDeadline, "deadlines"),
                               (UserTask, "tasks"), (Signaal, "signals"), (Event, "events"), (ChainHead, "heads")):
                conn.execute(insert(table.__table__), rows[key])
    if engine.db.dialect.name == "postgresql":
        with engine.db.begin() as conn:
            conn.execute(text(f"SELECT setval('cases_id_seq', {n})"))
            conn.execute(text(f"SELECT setval('case_deadlines_id_seq', {n})"))
        with engine.db.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))  # what autovacuum does soon after a bulk load
    return version_id


def _footprints(rnd: random.Random) -> list[dict]:
    """POSITIONS distinct places a case can stand: elements completed (a path through 40 elements) and active."""
    elements = [f"element_{k:02d}" for k in range(40)]
    found = []
    for k in range(POSITIONS):
        done = rnd.randrange(2, 38)
        found.append({"completed": sorted(rnd.sample(elements[:done], max(1, done - rnd.randrange(3)))),
                      "active": sorted({elements[done], rnd.choice(elements[done:])}), "key": k * 7919 - 10**12})
    return found


def _position(footprint: dict) -> dict:
    """The case's position and footprint, where the schema has them (measuring an older one: not)."""
    if "position" not in Case.__table__.c:
        return {}
    return {"position": footprint["key"], "footprint": {"completed": footprint["completed"],
                                                        "active": footprint["active"]}}


def _queue(queue: str) -> dict:
    """The case's queue on its case and task rows, where the schema has it (measuring an older one: not)."""
    return {"queue": queue} if "queue" in UserTask.__table__.c else {}


def check(engine, n: int) -> None:
    with engine.uow() as uow:
        open_tasks = uow.session.scalar(select(func.count()).select_from(UserTask).where(UserTask.status == "open"))
        partners = uow.session.scalar(select(func.count()).select_from(Partner))
    if open_tasks != n or partners != len(KINDS):
        raise lib.BenchFailure(f"seeded {open_tasks} open tasks and {partners} partners, expected {n} and 4")


def _filters(**given):
    values = dict(weergave="alle", werkvoorraad="", crisis=False, te_laat=False, partnertype="", postcode_van="",
                  postcode_tot="", toegewezen="", pagina=1)
    values.update(given)
    return SimpleNamespace(**values)


def screens(engine, version_id: int):
    """(name, a call doing what the page's request does in the database)."""
    counsellor = SimpleNamespace(username=COUNSELLORS[3], role="hulpverlener")
    coordinator = SimpleNamespace(username="coordinator", role="coordinator")

    def worklist(user, **given):
        return lambda: worklist_page(engine, _filters(**given), user, NOW)

    def coordination(**given):
        return lambda: coordinator_overview(engine, now=NOW, watch_until=NOW + timedelta(days=7), **given)

    def search(**given):
        return lambda: search_cases(engine, CaseSearch(**given))

    def heat():
        with engine.uow() as uow:
            return heat_map(uow.session, version_id)

    def dashboard():
        van, tot = period_of("maand", NOW.date())
        return read_dashboard(engine, van, tot, tot)

    yield "worklist 'mijn' (counsellor)", worklist(counsellor, weergave="mijn")
    yield "worklist 'alle' (counsellor)", worklist(counsellor)
    yield "worklist 'alle' (coordinator)", worklist(coordinator)
    yield "worklist 'alle' page 5", worklist(coordinator, pagina=5)
    yield "worklist werkvoorraad=jongeren", worklist(coordinator, werkvoorraad="jongeren")
    yield "worklist crisis", worklist(coordinator, crisis=True)
    yield "worklist te laat", worklist(coordinator, te_laat=True)
    yield "worklist partnertype=Water", worklist(coordinator, partnertype="Water")
    yield "worklist postcode 1010-1020", worklist(coordinator, postcode_van="1010", postcode_tot="1020")
    yield "worklist toegewezen=niemand", worklist(coordinator, toegewezen="niemand")
    yield "coordinator view (watch list)", coordination()
    yield "coordinator view werkvoorraad=jongeren", coordination(werkvoorraad="jongeren")
    yield "coordinator view behandelaar", coordination(behandelaar=COUNSELLORS[3])
    yield "audit search naam", search(naam="Jansen5")
    yield "audit search bsn", search(bsn="100004242")
    yield "heat map (process version)", heat
    yield "dashboard (month + 12-month trend)", dashboard


def heat_before(engine, version_id: int) -> None:
    """The heat map as it was read before positions were kept (every case's newest snapshot), once: its time beside
    the table's, and the same numbers or exit 1."""
    from collections import Counter

    from sqlalchemy import and_

    started, started_cpu = time.perf_counter(), time.process_time()
    cases = select(Case.id).where(Case.process_version_id == version_id)
    newest = (select(Event.case_id, func.max(Event.seq).label("seq"))
              .where(Event.case_id.in_(cases), Event.chain.like("zaak:%"), Event.snapshot.is_not(None))
              .group_by(Event.case_id).subquery())
    passed, waiting = Counter(), Counter()
    with engine.uow() as uow:
        for snapshot, status in uow.session.execute(
                select(Event.snapshot, Case.status)
                .join(newest, and_(Event.case_id == newest.c.case_id, Event.seq == newest.c.seq))
                .join(Case, Case.id == Event.case_id).where(Event.chain.like("zaak:%"))):
            passed.update((snapshot or {}).get("completed", {}).keys())
            if status == "running":
                waiting.update(set((snapshot or {}).get("active", [])))
    wall, cpu = (time.perf_counter() - started) * 1000, (time.process_time() - started_cpu) * 1000
    print(f"  {'heat map as before (every newest snapshot)':42s} {wall:8.1f} ms wall, {cpu:8.1f} ms CPU (one call)")
    before = {e: {"passed": passed[e], "waiting": waiting[e]} for e in sorted(set(passed) | set(waiting))}
    with engine.uow() as uow:
        now = heat_map(uow.session, version_id)
    if now != before:
        raise lib.BenchFailure("the heat map per position differs from the one read from the snapshots")


def measure(fn, requests: int) -> tuple[list[float], list[float]]:
    """(wall ms, this process's CPU ms) per call: on a busy machine the CPU time shows what the call costs when
    other processes inflate the wall time (on PostgreSQL the server's own work is not in it)."""
    for _ in range(2):
        fn()
    wall, cpu = [], []
    for _ in range(requests):
        started, started_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return wall, cpu


def pct(values: list[float], p: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))] if p < 100 else ordered[-1]


if __name__ == "__main__":
    main()
