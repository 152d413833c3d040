"""closed days per municipality (issue 14): deadlines in working days follow the case's municipality

Revision ID: 0017_kalender
Revises: 0016_doorsturen
Create Date: 2026-12-07 15:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0017_kalender'
down_revision = '0016_doorsturen'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'gemeente_sluitingsdagen',
        sa.Column('gemeentecode', sa.String(length=4), nullable=False),
        sa.Column('datum', sa.Date(), nullable=False),
        sa.Column('omschrijving', sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(['gemeentecode'], ['gemeenten.code'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('gemeentecode', 'datum'),
    )


def downgrade():
    op.drop_table('gemeente_sluitingsdagen')
