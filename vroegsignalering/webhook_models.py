"""The webhook a partner registered for its feedback (R20): where to push it, the signing secret, and how far the
delivery got. The feedback itself stays in the outbox (`terugmeldingen`); this row is the partner's push cursor."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base
from engine.models import UTCDateTime


class PartnerWebhook(Base):
    """One partner's webhook. Feedback numbered above `afgeleverd_tot` waits; the oldest of it is the one being
    tried (in order per partner). After a failure it is tried again at `volgende_poging_op`; failing for longer
    than the dead-letter time sets `dood_sinds` and stops the push until an administrator delivers again."""

    __tablename__ = "partner_webhooks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), unique=True)
    url: Mapped[str] = mapped_column(String(2000))
    geheim: Mapped[str] = mapped_column(String(100))  # the HMAC key; needed to sign, so stored as given out
    afgeleverd_tot: Mapped[int] = mapped_column(Integer, default=0)  # the last feedback number delivered
    pogingen: Mapped[int] = mapped_column(Integer, default=0)  # failed attempts at the oldest waiting feedback
    eerste_fout_op: Mapped[datetime | None] = mapped_column(UTCDateTime)
    volgende_poging_op: Mapped[datetime | None] = mapped_column(UTCDateTime)
    laatste_fout: Mapped[str | None] = mapped_column(Text)
    dood_sinds: Mapped[datetime | None] = mapped_column(UTCDateTime)  # dead letter: push halted
    bezig_tot: Mapped[datetime | None] = mapped_column(UTCDateTime)  # a worker's lease while it delivers
    afgeleverd_op: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the last successful delivery
    aangemaakt_op: Mapped[datetime] = mapped_column(UTCDateTime)
