"""several municipalities (R37, issue 14): the municipalities served and which staff work for which

Existing installations: every municipality code already on a case or signal becomes a municipality (named
"Gemeente <code>" until an administrator names it), and every existing account works for all of them, so nobody
loses sight of a case. A fresh install gets its first municipality (VROEG_GEMEENTECODE) from `vroeg db upgrade`
or at first use (vroegsignalering/gemeenten.py).

Revision ID: 0013_regio
Revises: 0010
Create Date: 2026-12-07 12:10:00
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa
import engine.models


revision = '0013_regio'
down_revision = '0013_ddas12'
branch_labels = None
depends_on = None


def upgrade():
    gemeenten = op.create_table(
        'gemeenten',
        sa.Column('code', sa.String(length=4), nullable=False),
        sa.Column('naam', sa.String(length=200), nullable=False),
        sa.Column('contact_adres', sa.String(length=300), nullable=True),
        sa.Column('contact_telefoon', sa.String(length=30), nullable=True),
        sa.Column('contact_email', sa.String(length=254), nullable=True),
        sa.Column('contact_website', sa.String(length=254), nullable=True),
        sa.Column('minimum_bedrag', sa.String(length=200), nullable=True),
        sa.Column('bewaartermijnen', sa.String(length=200), nullable=True),
        sa.Column('ddas_leverancier', sa.String(length=100), nullable=True),
        sa.Column('created_at', engine.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('code'),
    )
    op.create_table(
        'user_gemeenten',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('gemeentecode', sa.String(length=4), nullable=False),
        sa.ForeignKeyConstraint(['gemeentecode'], ['gemeenten.code']),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'gemeentecode'),
    )
    with op.batch_alter_table('process_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('gemeentecode', sa.String(length=4), nullable=True))
    _existing_municipalities(gemeenten)


def _existing_municipalities(gemeenten) -> None:
    conn = op.get_bind()
    codes = set(conn.execute(sa.text("SELECT DISTINCT gemeentecode FROM cases")).scalars())
    codes |= set(conn.execute(sa.text("SELECT DISTINCT gemeentecode FROM signals")).scalars())
    now = datetime.now(timezone.utc)  # a migration's own bookkeeping time, not domain time
    for code in sorted(codes):
        conn.execute(gemeenten.insert().values(code=code, naam=f"Gemeente {code}", created_at=now))
        conn.execute(sa.text("INSERT INTO user_gemeenten (user_id, gemeentecode) SELECT id, :code FROM users"),
                     {"code": code})


def downgrade():
    op.drop_column('process_versions', 'gemeentecode')  # in place: cases refer to process_versions
    op.drop_table('user_gemeenten')
    op.drop_table('gemeenten')
