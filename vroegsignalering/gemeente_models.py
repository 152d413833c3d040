"""Tables of a regional installation (R37): the municipalities Vroeg serves, and which staff work for which of them.
A case belongs to one municipality (`cases.gemeentecode`); a staff member sees the cases of their municipalities."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base
from engine.models import UTCDateTime


class Gemeente(Base):
    """A municipality of this installation, with what differs per municipality. An empty setting falls back to the
    installation's (VROEG_MINIMUM_BEDRAG, VROEG_BEWAARTERMIJNEN, VROEG_GEGEVENSLEVERANCIER_CODE, ...)."""

    __tablename__ = "gemeenten"

    code: Mapped[str] = mapped_column(String(4), primary_key=True)  # CBS gemeentecode, four digits
    naam: Mapped[str] = mapped_column(String(200))
    # contact details printed on letters to residents (the plan van aanpak)
    contact_adres: Mapped[str | None] = mapped_column(String(300))
    contact_telefoon: Mapped[str | None] = mapped_column(String(30))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_website: Mapped[str | None] = mapped_column(String(254))
    minimum_bedrag: Mapped[str | None] = mapped_column(String(200))  # as VROEG_MINIMUM_BEDRAG
    bewaartermijnen: Mapped[str | None] = mapped_column(String(200))  # as VROEG_BEWAARTERMIJNEN
    ddas_leverancier: Mapped[str | None] = mapped_column(String(100))  # as VROEG_GEGEVENSLEVERANCIER_CODE
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MedewerkerGemeente(Base):
    """A staff member works for a municipality: they see (only) its cases."""

    __tablename__ = "user_gemeenten"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    gemeentecode: Mapped[str] = mapped_column(ForeignKey("gemeenten.code"), primary_key=True)


class Sluitingsdag(Base):
    """A day a municipality is closed besides the national holidays (e.g. the days between Christmas and New Year):
    not a working day for deadlines in working days of its cases."""

    __tablename__ = "gemeente_sluitingsdagen"

    gemeentecode: Mapped[str] = mapped_column(ForeignKey("gemeenten.code", ondelete="CASCADE"), primary_key=True)
    datum: Mapped[date] = mapped_column(Date, primary_key=True)
    omschrijving: Mapped[str | None] = mapped_column(String(200))
