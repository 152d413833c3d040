"""cases.queue and user_tasks.queue: the case's work queue (werkvoorraad) on its task rows, so that the coordinator's
open tasks per queue and the worklist's queue filter are counted from one index, without joining every open task to
its case (issue 12: ~0.5-0.9 s at 100,000 open cases)

Revision ID: 0013_perf
Revises: 0010
Create Date: 2026-12-07 12:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0013_perf'
down_revision = '0014_soorten'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('queue', sa.String(length=60), nullable=True))
    with op.batch_alter_table('user_tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('queue', sa.String(length=60), nullable=True))
        batch_op.create_index('ix_user_tasks_status_queue_assignee', ['status', 'queue', 'assignee'], unique=False)
    op.execute("UPDATE cases SET queue = (SELECT z.werkvoorraad FROM vroegsignaalzaken z WHERE z.case_id = cases.id)")
    op.execute("UPDATE user_tasks SET queue = (SELECT c.queue FROM cases c WHERE c.id = user_tasks.case_id)")


def downgrade():
    # In place (ALTER TABLE ... DROP COLUMN, SQLite 3.35+): a batch rebuild of cases drops a table that tasks, timers
    # and signals refer to, which SQLite refuses once rows exist.
    op.drop_index('ix_user_tasks_status_queue_assignee', table_name='user_tasks')
    op.drop_column('user_tasks', 'queue')
    op.drop_column('cases', 'queue')
