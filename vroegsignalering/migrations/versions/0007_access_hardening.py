"""server-side web sessions, the login lockout in the database, token expiry and partner token rotation

Revision ID: 0007
Revises: 0003
Create Date: 2026-12-10 09:00:00
"""
from datetime import timedelta

from alembic import op
import sqlalchemy as sa
import engine.models


revision = '0007'
down_revision = '0003'
branch_labels = None
depends_on = None

# Tokens issued before tokens expired get the default lifetime, counted from when they were issued.
LEGACY_TOKEN_LIFETIME = timedelta(days=365)


def upgrade():
    op.create_table(
        'web_sessions',
        sa.Column('id_hash', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('data', sa.Text(), nullable=False),
        sa.Column('created_at', engine.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('last_seen_at', engine.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id_hash'),
    )
    with op.batch_alter_table('web_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_web_sessions_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_web_sessions_last_seen_at'), ['last_seen_at'], unique=False)

    op.create_table(
        'login_throttle',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=250), nullable=False),
        sa.Column('locked', sa.Boolean(), nullable=False),
        sa.Column('at', engine.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('login_throttle', schema=None) as batch_op:
        batch_op.create_index('ix_login_throttle_key_at', ['key', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_throttle_at'), ['at'], unique=False)

    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', engine.models.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token_expires_at', engine.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('previous_token_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('previous_token_expires_at', engine.models.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.create_index('ix_partners_previous_token_hash', ['previous_token_hash'], unique=True)

    _expire_existing('api_tokens', 'expires_at', 'revoked_at IS NULL')
    _expire_existing('partners', 'token_expires_at', 'token_hash IS NOT NULL')


def _expire_existing(table: str, column: str, condition: str) -> None:
    utc = engine.models.UTCDateTime
    rows_table = sa.table(table, sa.column('id', sa.Integer()), sa.column('created_at', utc()),
                          sa.column(column, utc()))
    connection = op.get_bind()
    rows = connection.execute(sa.select(rows_table.c.id, rows_table.c.created_at).where(sa.text(condition))).all()
    for row_id, created_at in rows:
        connection.execute(rows_table.update().where(rows_table.c.id == row_id)
                           .values({column: created_at + LEGACY_TOKEN_LIFETIME}))


def downgrade():
    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.drop_index('ix_partners_previous_token_hash')
        batch_op.drop_column('previous_token_expires_at')
        batch_op.drop_column('previous_token_hash')
        batch_op.drop_column('token_expires_at')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('expires_at')
    with op.batch_alter_table('login_throttle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_throttle_at'))
        batch_op.drop_index('ix_login_throttle_key_at')
    op.drop_table('login_throttle')
    with op.batch_alter_table('web_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_web_sessions_last_seen_at'))
        batch_op.drop_index(batch_op.f('ix_web_sessions_user_id'))
    op.drop_table('web_sessions')
