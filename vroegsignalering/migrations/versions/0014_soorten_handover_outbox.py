"""handover outbox: handover dossiers posted to the debt-help system (R24, issue 15)

Revision ID: 0014_soorten
Revises: 0013_ddas12
Create Date: 2026-12-07 13:10:00
"""
from alembic import op
import sqlalchemy as sa
import engine.models


revision = '0014_soorten'
down_revision = '0013_regio'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'overdrachtsberichten',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('pogingen', sa.Integer(), nullable=False),
        sa.Column('volgende_poging_op', engine.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column('laatste_fout', sa.Text(), nullable=True),
        sa.Column('bezig_tot', engine.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column('afgeleverd_op', engine.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column('aangemaakt_op', engine.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_overdrachtsberichten_case_id', 'overdrachtsberichten', ['case_id'])
    op.create_index('ix_overdrachtsberichten_waiting', 'overdrachtsberichten', ['afgeleverd_op', 'volgende_poging_op'])


def downgrade():
    op.drop_index('ix_overdrachtsberichten_waiting', table_name='overdrachtsberichten')
    op.drop_index('ix_overdrachtsberichten_case_id', table_name='overdrachtsberichten')
    op.drop_table('overdrachtsberichten')
