"""failed cases: the element a failing step stopped at and since when it fails (issue 9)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08 10:00:00
"""
from alembic import op
import sqlalchemy as sa
import engine.models


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_error_element', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('last_error_since', engine.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_cases_last_error_since', ['last_error_since'], unique=False)


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_last_error_since')
        batch_op.drop_column('last_error_since')
        batch_op.drop_column('last_error_element')
