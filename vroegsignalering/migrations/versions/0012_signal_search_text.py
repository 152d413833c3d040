"""signals: folded search text of names and address (accent-insensitive search by counsellors and auditors, issue 16)

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-07 08:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0009'
branch_labels = None
depends_on = None

_SIGNALS = sa.table(
    'signals', sa.column('id', sa.Integer), sa.column('voornamen', sa.String), sa.column('voorletters', sa.String),
    sa.column('voorvoegsel', sa.String), sa.column('achternaam', sa.String), sa.column('straatnaam', sa.String),
    sa.column('huisnummer', sa.Integer), sa.column('huisletter', sa.String),
    sa.column('huisnummertoevoeging', sa.String), sa.column('postcode', sa.String),
    sa.column('plaatsnaam', sa.String), sa.column('zoeknaam', sa.String), sa.column('zoekadres', sa.String))


def upgrade():
    with op.batch_alter_table('signals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('zoeknaam', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('zoekadres', sa.String(length=300), nullable=True))
    from vroegsignalering.zoektekst import search_address, search_name

    connection = op.get_bind()
    rows = connection.execute(sa.select(_SIGNALS)).all()
    for row in rows:
        connection.execute(_SIGNALS.update().where(_SIGNALS.c.id == row.id).values(
            zoeknaam=search_name(row), zoekadres=search_address(row)))


def downgrade():
    with op.batch_alter_table('signals', schema=None) as batch_op:
        batch_op.drop_column('zoekadres')
        batch_op.drop_column('zoeknaam')
