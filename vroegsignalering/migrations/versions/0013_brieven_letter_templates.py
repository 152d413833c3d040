"""letter templates per municipality, versioned (issue 16: letters and cards)

Revision ID: 0013_brieven
Revises: 0010
Create Date: 2026-12-07 12:00:00
"""
from alembic import op
import sqlalchemy as sa
import engine.models


revision = '0013_brieven'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'brief_sjablonen',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('gemeentecode', sa.String(length=4), nullable=False),
        sa.Column('sleutel', sa.String(length=40), nullable=False),
        sa.Column('versie', sa.Integer(), nullable=False),
        sa.Column('titel', sa.String(length=200), nullable=False),
        sa.Column('tekst', sa.Text(), nullable=False),
        sa.Column('gewijzigd_door', sa.String(length=200), nullable=False),
        sa.Column('gewijzigd_op', engine.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('gemeentecode', 'sleutel', 'versie', name='uq_brief_sjablonen_versie'),
    )


def downgrade():
    op.drop_table('brief_sjablonen')
