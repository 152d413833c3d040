"""forwarding to another municipality: destinations (its Vroeg's partner API) and the outbox (issue 15)

Revision ID: 0016_doorsturen
Revises: 0013_perf
Create Date: 2026-12-07 13:45:00
"""
from alembic import op
import sqlalchemy as sa
import engine.models


revision = '0016_doorsturen'
down_revision = '0013_perf'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'doorstuurbestemmingen',
        sa.Column('gemeentecode', sa.String(length=4), nullable=False),
        sa.Column('url', sa.String(length=500), nullable=False),
        sa.Column('token', sa.String(length=200), nullable=False),
        sa.Column('automatisch', sa.Boolean(), nullable=False),
        sa.Column('gewijzigd_op', engine.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('gemeentecode'),
    )
    op.create_table(
        'doorstuurberichten',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('signal_id', sa.Integer(), nullable=False),
        sa.Column('gemeentecode', sa.String(length=4), nullable=False),
        sa.Column('pogingen', sa.Integer(), nullable=False),
        sa.Column('volgende_poging_op', engine.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column('laatste_fout', sa.Text(), nullable=True),
        sa.Column('bezig_tot', engine.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column('afgeleverd_op', engine.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column('aangemaakt_op', engine.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['signal_id'], ['signals.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_doorstuurberichten_case_id', 'doorstuurberichten', ['case_id'])
    op.create_index('ix_doorstuurberichten_waiting', 'doorstuurberichten', ['afgeleverd_op', 'volgende_poging_op'])


def downgrade():
    op.drop_index('ix_doorstuurberichten_waiting', table_name='doorstuurberichten')
    op.drop_index('ix_doorstuurberichten_case_id', table_name='doorstuurberichten')
    op.drop_table('doorstuurberichten')
    op.drop_table('doorstuurbestemmingen')
