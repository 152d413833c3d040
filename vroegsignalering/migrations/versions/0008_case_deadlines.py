"""deadline rows per case, and the leading deadline on each user task

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 10:00:00

`case_deadlines` holds the timers a diagram marks with the property `termijn` (engine/runtime/deadlines.py), kept after
they fired or were cancelled. `user_tasks.deadline_at` is what the worklist sorts on, with three indexes in the
shapes the worklist asks (everyone, per role, per assignee); `ix_case_deadlines_open_kind_due` answers
the coordinator's open deadlines of a kind by due time, `ix_case_deadlines_case_open` a case's open deadlines, and
`ix_vszaken_crisis_open` the open crisis cases.

Existing rows: open tasks get `deadline_at = due_at` here (the worklist keeps sorting them as before). Deadline
rows need the parsed diagrams, so they are not made here: `vroeg db upgrade` runs the engine's backfill afterwards
(`Engine.backfill_deadlines`), which derives them for running cases on versions that declare deadline timers.
"""
from alembic import op
import sqlalchemy as sa
import engine.models


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'case_deadlines',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('task_id', sa.String(length=36), nullable=False),
        sa.Column('element_id', sa.String(length=200), nullable=False),
        sa.Column('name', sa.String(length=300), nullable=True),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('due_at', engine.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('passed_at', engine.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column('closed_at', engine.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('case_id', 'task_id'),
    )
    with op.batch_alter_table('case_deadlines', schema=None) as batch_op:
        batch_op.create_index('ix_case_deadlines_open_kind_due', ['closed_at', 'kind', 'due_at', 'case_id'],
                              unique=False)
        batch_op.create_index('ix_case_deadlines_case_open', ['case_id', 'closed_at', 'kind', 'due_at'], unique=False)
    with op.batch_alter_table('vroegsignaalzaken', schema=None) as batch_op:
        batch_op.create_index('ix_vszaken_crisis_open', ['crisis', 'open'], unique=False)

    with op.batch_alter_table('user_tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deadline_at', engine.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('deadline_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_user_tasks_deadline_id', 'case_deadlines', ['deadline_id'], ['id'],
                                    ondelete='SET NULL')
        batch_op.create_index('ix_user_tasks_status_deadline', ['status', 'deadline_at'], unique=False)
        batch_op.create_index('ix_user_tasks_status_role_deadline', ['status', 'role', 'deadline_at'], unique=False)
        batch_op.create_index('ix_user_tasks_status_assignee_deadline', ['status', 'assignee', 'deadline_at'],
                              unique=False)
    op.execute("UPDATE user_tasks SET deadline_at = due_at WHERE status = 'open'")


def downgrade():
    with op.batch_alter_table('user_tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_user_tasks_status_assignee_deadline')
        batch_op.drop_index('ix_user_tasks_status_role_deadline')
        batch_op.drop_index('ix_user_tasks_status_deadline')
        batch_op.drop_constraint('fk_user_tasks_deadline_id', type_='foreignkey')
        batch_op.drop_column('deadline_id')
        batch_op.drop_column('deadline_at')
    with op.batch_alter_table('vroegsignaalzaken', schema=None) as batch_op:
        batch_op.drop_index('ix_vszaken_crisis_open')
    with op.batch_alter_table('case_deadlines', schema=None) as batch_op:
        batch_op.drop_index('ix_case_deadlines_case_open')
        batch_op.drop_index('ix_case_deadlines_open_kind_due')
    op.drop_table('case_deadlines')
