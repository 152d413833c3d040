"""Tables of the retention schedule (R28): legal holds that stop deletion of a case, and the record of each case
whose personal data was removed (which rule, when, by whom)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base
from engine.models import UTCDateTime


class Bewaarblokkade(Base):
    """A legal hold (e.g. an objection procedure): the case's data is kept whatever the schedule says."""

    __tablename__ = "bewaarblokkades"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    reden: Mapped[str] = mapped_column(Text)
    geplaatst_door: Mapped[str] = mapped_column(String(200))
    geplaatst_op: Mapped[datetime] = mapped_column(UTCDateTime)


class Verwijdering(Base):
    """A case whose personal data was removed, under which rule (the anonymous case row stays for the monitor)."""

    __tablename__ = "verwijderingen"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    regel: Mapped[str] = mapped_column(String(40))
    termijn_maanden: Mapped[int] = mapped_column(Integer)
    afgesloten_op: Mapped[date | None] = mapped_column(Date)
    verwijderd_op: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    door: Mapped[str] = mapped_column(String(200))
