"""partner webhooks: pushed feedback (R20, issue 15)

Revision ID: 0013_webhooks
Revises: 0010
Create Date: 2026-12-07 12:00:00
"""
from alembic import op
import sqlalchemy as sa
import engine.models


revision = '0013_webhooks'
down_revision = '0013_beheer'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'partner_webhooks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('partner_id', sa.Integer(), nullable=False),
        sa.Column('url', sa.String(length=2000), nullable=False),
        sa.Column('geheim', sa.String(length=100), nullable=False),
        sa.Column('afgeleverd_tot', sa.Integer(), nullable=False),
        sa.Column('pogingen', sa.Integer(), nullable=False),
        sa.Column('eerste_fout_op', engine.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column('volgende_poging_op', engine.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column('laatste_fout', sa.Text(), nullable=True),
        sa.Column('dood_sinds', engine.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column('bezig_tot', engine.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column('afgeleverd_op', engine.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column('aangemaakt_op', engine.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['partner_id'], ['partners.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('partner_id'),
    )


def downgrade():
    op.drop_table('partner_webhooks')
