"""The handover outbox (R24): one row per handover dossier the worker must post to the receiving debt-help system
(VROEG_OVERDRACHT_URL). Written in the transaction of the step that completed the handover task; the dossier itself
is built when it is sent, so it carries what the case holds then."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base
from engine.models import UTCDateTime


class Overdrachtsbericht(Base):
    """A dossier waiting to be posted (afgeleverd_op is None), or posted. After a failure it is tried again at
    `volgende_poging_op`; `bezig_tot` is a worker's lease while it posts."""

    __tablename__ = "overdrachtsberichten"
    __table_args__ = (Index("ix_overdrachtsberichten_waiting", "afgeleverd_op", "volgende_poging_op"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    pogingen: Mapped[int] = mapped_column(Integer, default=0)
    volgende_poging_op: Mapped[datetime | None] = mapped_column(UTCDateTime)
    laatste_fout: Mapped[str | None] = mapped_column(Text)
    bezig_tot: Mapped[datetime | None] = mapped_column(UTCDateTime)
    afgeleverd_op: Mapped[datetime | None] = mapped_column(UTCDateTime)
    aangemaakt_op: Mapped[datetime] = mapped_column(UTCDateTime)
