"""The suite's engines share compiled SQL and its apps compiled templates (tests/support/compiled.py), and each
still reads its own database and renders its own data."""
from __future__ import annotations

from flask import Flask, render_template_string
from sqlalchemy import text

from engine.db import make_engine


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
