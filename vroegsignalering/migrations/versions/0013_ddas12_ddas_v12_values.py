"""DDAS v1.2 values in stored rows (issue 15): the two renamed end results, and the signal statuses v1.2 added
("Inwoner al bekend bij schuldhulpverlening" for signals that were fed back so, "Opgepakt" for the signals of cases
that were picked up). Data only; the schema is unchanged.

Revision ID: 0013_ddas12
Revises: 0010
Create Date: 2026-12-07 12:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0013_ddas12'
down_revision = '0013_webhooks'
branch_labels = None
depends_on = None

RENAMED = {"Verwijzing zonder contact": "Verwijzing zonder tussenkomst inwoner",
           "Inwoner hoeft geen hulp vanuit vroegsignalering":
               "Inwoner regelt het zelf/hoeft geen hulp vanuit vroegsignalering"}


def _rename(pairs) -> None:
    for old, new in pairs:
        op.execute(sa.text("UPDATE vroegsignaalzaken SET eindresultaat = :new WHERE eindresultaat = :old")
                   .bindparams(old=old, new=new))


def upgrade():
    _rename(RENAMED.items())
    op.execute(sa.text(
        "UPDATE signals SET status = 'Inwoner al bekend bij schuldhulpverlening' WHERE status = 'Nog niet opgepakt' "
        "AND id IN (SELECT signal_id FROM terugmeldingen WHERE code = 'bekend-bij-schuldhulpverlening')"))
    op.execute(sa.text(
        "UPDATE signals SET status = 'Opgepakt' WHERE status = 'Nog niet opgepakt' "
        "AND case_id IN (SELECT case_id FROM vroegsignaalzaken WHERE datum_opgepakt IS NOT NULL)"))


def downgrade():
    _rename((new, old) for old, new in RENAMED.items())
    op.execute(sa.text("UPDATE vroegsignaalzaken SET eindresultaat = 'Vervolghulp en/of verwijzing financieel' "
                       "WHERE eindresultaat = 'Vervolghulp en/of verwijzing'"))
    op.execute(sa.text("UPDATE signals SET status = 'Nog niet opgepakt' "
                       "WHERE status IN ('Opgepakt', 'Inwoner al bekend bij schuldhulpverlening')"))
