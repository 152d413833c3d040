"""cases.position and cases.footprint: where each case stands (a key, and the elements completed and active), written
with every state, so that the heat map and the migration dry run count a version's cases per position from one
covering index and read one case per position (issue 12: the heat map decoded every case's newest snapshot, ~1.8 s
at 100,000 cases; the dry run loaded every running case)

The values need the parsed diagrams, so they are not derived here: `vroeg db upgrade` runs the engine's backfill
afterwards (`Engine.backfill_positions`); until then, and for cases whose state retention removed, the heat map
reads the newest snapshot as before and the dry run checks the case itself.

Revision ID: 0017_schaal
Revises: 0017_kalender
Create Date: 2026-12-07 15:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0017_schaal'
down_revision = '0017_kalender'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('position', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('footprint', sa.JSON(), nullable=True))
        batch_op.create_index('ix_cases_version_position', ['process_version_id', 'status', 'position', 'id'],
                              unique=False)


def downgrade():
    # In place (ALTER TABLE ... DROP COLUMN, SQLite 3.35+): a batch rebuild of cases drops a table that tasks, timers
    # and signals refer to, which SQLite refuses once rows exist.
    op.drop_index('ix_cases_version_position', table_name='cases')
    op.drop_column('cases', 'footprint')
    op.drop_column('cases', 'position')
