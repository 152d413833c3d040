"""ix_user_tasks_status_assignee_deadline carries the case id: the coordinator's view of one counsellor's cases
reads that counsellor's open cases from the index alone (issue 12: the list made the set five times, each a table
read per open task of the counsellor; 41 -> ~16 ms at 100,000 open cases on SQLite)

Revision ID: 0019_assignee_case
Revises: 0017_schaal
Create Date: 2026-12-08 02:45:00
"""
from alembic import op


revision = '0019_assignee_case'
down_revision = '0017_schaal'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_user_tasks_status_assignee_deadline', table_name='user_tasks')
    op.create_index('ix_user_tasks_status_assignee_deadline', 'user_tasks',
                    ['status', 'assignee', 'deadline_at', 'case_id'], unique=False)


def downgrade():
    op.drop_index('ix_user_tasks_status_assignee_deadline', table_name='user_tasks')
    op.create_index('ix_user_tasks_status_assignee_deadline', 'user_tasks', ['status', 'assignee', 'deadline_at'],
                    unique=False)
