"""The application's schema (the engine's tables and the domain's) and its migrations with Alembic (`vroeg db upgrade`);
no create_all on production paths."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(db_engine, revision: str = "head") -> None:
    """Create or migrate the schema to the newest revision; safe to repeat."""
    config = alembic_config(db_engine.url.render_as_string(hide_password=False))
    with db_engine.connect() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        connection.commit()


def current_revision(db_engine) -> str | None:
    """The schema revision the database is at (None when never migrated)."""
    from alembic.runtime.migration import MigrationContext

    with db_engine.connect() as connection:
        heads = MigrationContext.configure(connection).get_current_heads()
    return ", ".join(heads) if heads else None
