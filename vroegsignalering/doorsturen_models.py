"""Forwarding to another municipality (issue 15): where a municipality outside this installation receives signals
(its own Vroeg's partner API), and the outbox of forwarded signals the worker posts there. The message is built when
it is sent, from the signal as it is then, so the outbox holds no personal data of its own."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base
from engine.models import UTCDateTime


class Doorstuurbestemming(Base):
    """A municipality outside the installation whose Vroeg takes forwarded signals: its partner API's base URL and
    the partner token that Vroeg issued to us. No row: forwarding there is a file for secure mail."""

    __tablename__ = "doorstuurbestemmingen"

    gemeentecode: Mapped[str] = mapped_column(String(4), primary_key=True)  # CBS code of the receiving municipality
    url: Mapped[str] = mapped_column(String(500))  # e.g. https://vroeg.utrecht.nl/api/v1
    token: Mapped[str] = mapped_column(String(200))
    # forward as soon as the BRP places a new signal's client there, without waiting for the counsellor's task
    automatisch: Mapped[bool] = mapped_column(Boolean, default=False)
    gewijzigd_op: Mapped[datetime] = mapped_column(UTCDateTime)


class Doorstuurbericht(Base):
    """A forwarded signal waiting to be posted (afgeleverd_op is None), or posted; retried at `volgende_poging_op`
    after a failure; `bezig_tot` is a worker's lease while it posts (as the handover outbox)."""

    __tablename__ = "doorstuurberichten"
    __table_args__ = (Index("ix_doorstuurberichten_waiting", "afgeleverd_op", "volgende_poging_op"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    signal_id: Mapped[int] = mapped_column(ForeignKey("signals.id", ondelete="CASCADE"))
    gemeentecode: Mapped[str] = mapped_column(String(4))
    pogingen: Mapped[int] = mapped_column(Integer, default=0)
    volgende_poging_op: Mapped[datetime | None] = mapped_column(UTCDateTime)
    laatste_fout: Mapped[str | None] = mapped_column(Text)
    bezig_tot: Mapped[datetime | None] = mapped_column(UTCDateTime)
    afgeleverd_op: Mapped[datetime | None] = mapped_column(UTCDateTime)
    aangemaakt_op: Mapped[datetime] = mapped_column(UTCDateTime)
