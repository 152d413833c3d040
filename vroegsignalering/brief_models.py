"""The table of letter templates: each saved version of a municipality's template, never overwritten (who changed
it when is also in the system history as `briefsjabloon_gewijzigd`)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base
from engine.models import UTCDateTime


class BriefSjabloon(Base):
    """One version of a letter template of one municipality; the highest version is the one in use."""

    __tablename__ = "brief_sjablonen"
    __table_args__ = (UniqueConstraint("gemeentecode", "sleutel", "versie", name="uq_brief_sjablonen_versie"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    gemeentecode: Mapped[str] = mapped_column(String(4))
    sleutel: Mapped[str] = mapped_column(String(40))
    versie: Mapped[int] = mapped_column(Integer)
    titel: Mapped[str] = mapped_column(String(200))
    tekst: Mapped[str] = mapped_column(Text)
    gewijzigd_door: Mapped[str] = mapped_column(String(200))
    gewijzigd_op: Mapped[datetime] = mapped_column(UTCDateTime)
