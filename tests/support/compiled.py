"""The suite makes a database engine and a Flask app per test (~2,000 of each per run); production makes one per
process. What each of them compiles (or, for PostgreSQL, opens) again from nothing, a process can do once:

- SQL. SQLAlchemy keeps compiled statements in a cache per engine, keyed by the engine's dialect object, so each
  test's new engine compiled every statement it ran (~10% of the suite's time). Here every engine of one kind of
  database gets the first such engine's dialect object and its statement cache (a larger one: the whole suite's
  statements). Engines of one kind differ in their pool, listeners and URL, none of which the dialect or a compiled
  statement holds.
- Connections (PostgreSQL): one engine per database, kept open across tests (`_postgres_engine`).
- Templates. Each app's Jinja environment compiled each template it rendered. Jinja's own bytecode cache
  (`bytecode_cache`, keyed by template name and checked against the source) is shared by every app.

Test-only speed-ups: nothing here changes what a statement or a page does. If a library's internals move, the
patch is skipped and the suite is only slower."""
from __future__ import annotations

from flask import Flask
from jinja2 import BytecodeCache
from sqlalchemy import util

import engine.db

_SQL_CACHE_SIZE = 20_000


def share_compiled_sql() -> None:
    original = engine.db.create_engine
    if getattr(original, "shared", False):
        return
    kinds: dict = {}
    postgres: dict = {}

    def create_engine(url, **options):
        if str(url).startswith("postgresql") and set(options) <= _PLAIN_POSTGRES:
            return _postgres_engine(postgres, original, str(url), options)
        made = original(url, **options)
        if not hasattr(made, "_compiled_cache") or made._compiled_cache is None:
            return made
        key = (type(made.dialect), made.url.drivername)
        if key not in kinds:
            kinds[key] = (made.dialect, util.LRUCache(_SQL_CACHE_SIZE))
        made.dialect, made._compiled_cache = kinds[key]
        return made

    create_engine.shared = True
    engine.db.create_engine = create_engine


# What make_engine passes for PostgreSQL by itself; an engine made with more (a pool size) is the test's own.
_PLAIN_POSTGRES = {"pool_pre_ping", "future", "hide_parameters"}


def _postgres_engine(engines: dict, original, url: str, options: dict):
    """One engine per PostgreSQL database and process, kept open across tests: each test's engine would open new
    connections, and a new PostgreSQL connection costs a server process and its catalogue lookups (~7 ms here, a few
    per test). A test's `dispose()` leaves the shared pool open; a database dropped in between (the suite's side
    databases) costs only a reconnect, which pool_pre_ping makes. Server-side prepared statements are off, since
    a migration test changes tables under connections that outlive it."""
    if url not in engines:
        made = original(url, **options, connect_args={"prepare_threshold": None})
        made.dispose = lambda *args, **kwargs: None
        engines[url] = made
    return engines[url]


class _MemoryBytecodeCache(BytecodeCache):
    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


def share_compiled_templates() -> None:
    if "bytecode_cache" not in Flask.jinja_options:
        Flask.jinja_options = {**Flask.jinja_options, "bytecode_cache": _MemoryBytecodeCache()}
