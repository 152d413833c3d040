"""administrators' screens and single sign-on: staff full name, phone and OpenID Connect subject (role '': waiting for
an administrator), partners' contact person, who changed each register row and when, the exclusion list (R8)

Revision ID: 0013_beheer
Revises: 0010
Create Date: 2026-12-07 12:00:00
"""
from alembic import op
import sqlalchemy as sa

from engine.models import UTCDateTime

revision = '0013_beheer'
down_revision = '0013_brieven'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('volledige_naam', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('telefoon', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('oidc_subject', sa.String(length=500), nullable=True))
        batch_op.create_index('ix_users_oidc_subject', ['oidc_subject'], unique=True)
    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_naam', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('contact_email', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('contact_telefoon', sa.String(length=40), nullable=True))
    for table in ('schuldhulp_registraties', 'bezwaren'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('gewijzigd_door', sa.String(length=100), nullable=True))
            batch_op.add_column(sa.Column('gewijzigd_op', UTCDateTime(timezone=True), nullable=True))
    op.create_table(
        'uitsluitingen',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('bsn', sa.String(length=9), nullable=False),
        sa.Column('reden', sa.Text(), nullable=False),
        sa.Column('datum', sa.Date(), nullable=False),
        sa.Column('gewijzigd_door', sa.String(length=100), nullable=True),
        sa.Column('gewijzigd_op', UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_uitsluitingen_bsn', 'uitsluitingen', ['bsn'])


def downgrade():
    op.drop_index('ix_uitsluitingen_bsn', table_name='uitsluitingen')
    op.drop_table('uitsluitingen')
    for table in ('bezwaren', 'schuldhulp_registraties'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('gewijzigd_op')
            batch_op.drop_column('gewijzigd_door')
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+), not a batch rebuild: rebuilding partners or users drops a
    # table that signals, tokens and webhooks refer to, which SQLite refuses once rows exist.
    for column in ('contact_telefoon', 'contact_email', 'contact_naam'):
        op.drop_column('partners', column)
    op.drop_index('ix_users_oidc_subject', table_name='users')
    for column in ('oidc_subject', 'telefoon', 'volledige_naam'):
        op.drop_column('users', column)
