"""The suite's engines share compiled SQL and its apps compiled templates (tests/support/compiled.py), and each
still reads its own database and renders its own data."""
from __future__ import annotations

import pytest
from flask import Flask, render_template_string
from sqlalchemy import text

from engine.db import make_engine
from tests.conftest import ON_POSTGRES, POSTGRES_URL


def test_two_sqlite_engines_share_compiled_statements_and_keep_their_own_data(tmp_path):
    one, two = make_engine(f"sqlite:///{tmp_path / 'one.db'}"), make_engine(f"sqlite:///{tmp_path / 'two.db'}")
    try:
        assert one.dialect is two.dialect and one._compiled_cache is two._compiled_cache
        for db, value in ((one, 1), (two, 2)):
            with db.begin() as conn:
                conn.execute(text("CREATE TABLE t (x INTEGER)"))
                conn.execute(text("INSERT INTO t (x) VALUES (:x)"), {"x": value})
        with one.connect() as conn:
            assert conn.execute(text("SELECT x FROM t")).scalar() == 1
        with two.connect() as conn:
            result = conn.execute(text("SELECT x FROM t"))
            assert result.scalar() == 2
            assert result.context.cache_hit == two.dialect.CACHE_HIT  # compiled by the first engine
    finally:
        one.dispose()
        two.dispose()


def test_apps_share_compiled_templates_and_render_their_own_values():
    first, second = Flask("first"), Flask("second")
    assert first.jinja_env.bytecode_cache is second.jinja_env.bytecode_cache is not None
    with first.app_context():
        assert render_template_string("{{ n + 1 }}", n=1) == "2"
    with second.app_context():
        assert render_template_string("{{ n + 1 }}", n=41) == "42"


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL engines only: SQLite opens a file, not a server process")
def test_a_postgres_database_gets_one_engine_that_outlives_a_tests_dispose():
    first = make_engine(POSTGRES_URL)
    with first.connect() as conn:
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()
    first.dispose()
    second = make_engine(POSTGRES_URL)
    assert second is first
    with second.connect() as conn:
        assert conn.execute(text("SELECT pg_backend_pid()")).scalar() == pid  # the same connection, kept open
    own = make_engine(POSTGRES_URL, pool_size=2)
    assert own is not first  # a test's own pool stays its own
    own.dispose()
