"""retention (R28): events whose content was removed, legal holds, the record of each removal (issue 13)

Revision ID: 0010
Revises: 0012 (0012 came onto main first; 0010 keeps its number)
Create Date: 2026-12-07 09:00:00
"""
from alembic import op
import sqlalchemy as sa
import engine.models


revision = '0010'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_removed_at', engine.models.UTCDateTime(timezone=True), nullable=True))
    op.create_table(
        'bewaarblokkades',
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('reden', sa.Text(), nullable=False),
        sa.Column('geplaatst_door', sa.String(length=200), nullable=False),
        sa.Column('geplaatst_op', engine.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id']),
        sa.PrimaryKeyConstraint('case_id'),
    )
    op.create_table(
        'verwijderingen',
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('regel', sa.String(length=40), nullable=False),
        sa.Column('termijn_maanden', sa.Integer(), nullable=False),
        sa.Column('afgesloten_op', sa.Date(), nullable=True),
        sa.Column('verwijderd_op', engine.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('door', sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id']),
        sa.PrimaryKeyConstraint('case_id'),
    )
    with op.batch_alter_table('verwijderingen', schema=None) as batch_op:
        batch_op.create_index('ix_verwijderingen_verwijderd_op', ['verwijderd_op'], unique=False)


def downgrade():
    with op.batch_alter_table('verwijderingen', schema=None) as batch_op:
        batch_op.drop_index('ix_verwijderingen_verwijderd_op')
    op.drop_table('verwijderingen')
    op.drop_table('bewaarblokkades')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('content_removed_at')
