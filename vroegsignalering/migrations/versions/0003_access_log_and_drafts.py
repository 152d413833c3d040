"""access log (R29) and process drafts (R30)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 03:40:00
"""
from alembic import op
import sqlalchemy as sa
import engine.models


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'access_log',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('occurred_at', engine.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('username', sa.String(length=100), nullable=False),
        sa.Column('role', sa.String(length=30), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('action', sa.String(length=50), nullable=False),
        sa.Column('detail', sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.create_index('ix_access_log_case_at', ['case_id', 'occurred_at'], unique=False)
        batch_op.create_index('ix_access_log_username_at', ['username', 'occurred_at'], unique=False)

    op.create_table(
        'process_drafts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('base_version_id', sa.Integer(), nullable=True),
        sa.Column('files', sa.JSON(), nullable=False),
        sa.Column('created_at', engine.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('created_by', sa.String(length=200), nullable=False),
        sa.Column('updated_at', engine.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_by', sa.String(length=200), nullable=False),
        sa.Column('row_version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['base_version_id'], ['process_versions.id']),
        sa.PrimaryKeyConstraint('id'),
    )


def downgrade():
    op.drop_table('process_drafts')
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.drop_index('ix_access_log_username_at')
        batch_op.drop_index('ix_access_log_case_at')
    op.drop_table('access_log')
