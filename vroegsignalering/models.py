"""Domain tables beside the engine's: partners, signals (DDAS Vroegsignaal), the feedback outbox, contact attempts
and the municipality's registries (debt-help clients, objections)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import Base
from engine.models import Case, UTCDateTime

from .zoektekst import search_address, search_name

# DDAS v1.2 EnumSignaalpartner (unchanged since v0.9)
PARTNER_TYPES = ("Energie", "Huur", "Hypotheek", "CAK Zorgverzekeringen", "Zorg", "Water", "DUO", "Belastingdienst",
                 "CAK Eigen bijdrage", "Overige", "Dienst Toeslagen")
# DDAS v1.2 EnumSignaalstatus. A signal starts "Nog niet opgepakt", becomes "Opgepakt" when its case is picked up
# (the first contact attempt: hooks.case_row_hook) and gets the status that says why when it is turned down
# (feedback.STATUS_FOR_CODE).
SIGNAL_STATUSES = ("Nog niet opgepakt", "Opgepakt", "Niet opgepakt: onterecht signaal", "Inwoner is overleden",
                   "Persoon is geen inwoner (meer) in de gemeente", "Niet opgepakt: herhaalde melding",
                   "Niet opgepakt: andere reden", "Inwoner al bekend bij schuldhulpverlening")
NOT_PICKED_UP, PICKED_UP = "Nog niet opgepakt", "Opgepakt"
IN_PLAY = (NOT_PICKED_UP, PICKED_UP)  # the statuses of a signal that was not turned down
# DDAS v1.2 EnumContactsoort
CONTACT_KINDS = ("Huisbezoek", "Afspraak op locatie", "Kaartje", "Telefoon", "SMS/Whatsapp", "Mail", "Brief",
                 "Overige", "Administratief", "Onbekend")


class Partner(Base):
    """A signal partner (vastelastpartner) or an internal source; authenticates with its own token."""

    __tablename__ = "partners"
    __table_args__ = (Index("ix_partners_previous_token_hash", "previous_token_hash", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    naam: Mapped[str] = mapped_column(String(200), unique=True)
    type: Mapped[str] = mapped_column(String(40))  # PARTNER_TYPES
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    token_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # the token before the last rotation, accepted until previous_token_expires_at (the grace period)
    previous_token_hash: Mapped[str | None] = mapped_column(String(64))
    previous_token_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    contact_naam: Mapped[str | None] = mapped_column(String(200))  # the partner's contact person, for the administrator
    contact_email: Mapped[str | None] = mapped_column(String(200))
    contact_telefoon: Mapped[str | None] = mapped_column(String(40))
    # the last feedback number given to this partner: its row lock orders feedback the way it commits
    feedback_seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Signaal(Base):
    """A vroegsignaal: only the fields the law allows (R5), as delivered, plus what Vroeg derived."""

    __tablename__ = "signals"
    __table_args__ = (
        UniqueConstraint("partner_id", "externe_referentie"),
        Index("ix_signals_household", "household_key"),
        Index("ix_signals_received", "received_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    externe_referentie: Mapped[str] = mapped_column(String(100))
    gemeentecode: Mapped[str] = mapped_column(String(4))
    soort: Mapped[str] = mapped_column(String(40))
    product: Mapped[str | None] = mapped_column(String(20))
    bedrag: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    ontstaansdatum: Mapped[date | None] = mapped_column(Date)
    signaaldatum: Mapped[date] = mapped_column(Date)
    crisissignaal: Mapped[bool] = mapped_column(Boolean, default=False)
    warme_overdracht: Mapped[bool] = mapped_column(Boolean, default=False)
    sociaal_incasso: Mapped[dict | None] = mapped_column(JSON)
    # client (R5: identity, address, contact details; BSN only from the partner if given, or from the BRP)
    bsn: Mapped[str | None] = mapped_column(String(9), index=True)
    voorletters: Mapped[str | None] = mapped_column(String(20))
    voornamen: Mapped[str | None] = mapped_column(String(200))
    voorvoegsel: Mapped[str | None] = mapped_column(String(20))
    achternaam: Mapped[str | None] = mapped_column(String(200))
    geboortedatum: Mapped[date | None] = mapped_column(Date)
    straatnaam: Mapped[str | None] = mapped_column(String(200))
    huisnummer: Mapped[int | None] = mapped_column(Integer)
    huisletter: Mapped[str | None] = mapped_column(String(1))
    huisnummertoevoeging: Mapped[str | None] = mapped_column(String(4))
    postcode: Mapped[str | None] = mapped_column(String(6))
    plaatsnaam: Mapped[str | None] = mapped_column(String(200))
    telefoonnummer: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(254))
    # derived
    zoeknaam: Mapped[str | None] = mapped_column(String(500))  # folded names and address (zoektekst.py)
    zoekadres: Mapped[str | None] = mapped_column(String(300))
    household_key: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(60))  # SIGNAL_STATUSES
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)

    partner: Mapped[Partner] = relationship()
    case: Mapped[Case | None] = relationship()


class Terugmelding(Base):
    """Feedback to one partner about one of its signals: the outbox the partner API reads (R20, R21)."""

    __tablename__ = "terugmeldingen"
    __table_args__ = (
        UniqueConstraint("partner_id", "volgnummer"),  # the partner's cursor: gap-free, in commit order
        UniqueConstraint("signal_id", "code"),  # each code at most once per signal, whatever a diagram throws
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    signal_id: Mapped[int] = mapped_column(ForeignKey("signals.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    volgnummer: Mapped[int] = mapped_column(Integer)  # per partner: 1, 2, 3, ...
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    signal: Mapped[Signaal] = relationship()


class Contactpoging(Base):
    """A contact attempt (DDAS Contactpoging), recorded from the contactpoging task."""

    __tablename__ = "contactpogingen"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    soort: Mapped[str] = mapped_column(String(20))
    datum: Mapped[date] = mapped_column(Date)
    dagdeel: Mapped[str | None] = mapped_column(String(10))
    bereikt: Mapped[bool] = mapped_column(Boolean)
    notitie: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SchuldhulpRegistratie(Base):
    """The municipality's debt-help register (kept current by import): a running track or its end date (R7)."""

    __tablename__ = "schuldhulp_registraties"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bsn: Mapped[str] = mapped_column(String(9), index=True)
    hulpverlener: Mapped[str] = mapped_column(String(200))
    startdatum: Mapped[date] = mapped_column(Date)
    einddatum: Mapped[date | None] = mapped_column(Date)  # end decision; None while the track runs
    gewijzigd_door: Mapped[str | None] = mapped_column(String(100))  # who added or changed the row (or imported it)
    gewijzigd_op: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Bezwaar(Base):
    """An objection by a resident against signals (R9)."""

    __tablename__ = "bezwaren"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bsn: Mapped[str] = mapped_column(String(9), index=True)
    datum: Mapped[date] = mapped_column(Date)
    toelichting: Mapped[str | None] = mapped_column(Text)
    gewijzigd_door: Mapped[str | None] = mapped_column(String(100))
    gewijzigd_op: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Uitsluiting(Base):
    """A person on the exclusion list (R8: safety, detention, ...): their signals are not picked up, for a reason the
    partner never learns."""

    __tablename__ = "uitsluitingen"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bsn: Mapped[str] = mapped_column(String(9), index=True)
    reden: Mapped[str] = mapped_column(Text)
    datum: Mapped[date] = mapped_column(Date)
    gewijzigd_door: Mapped[str | None] = mapped_column(String(100))
    gewijzigd_op: Mapped[datetime | None] = mapped_column(UTCDateTime)


# DDAS v1.2 EnumEindresultaat; the order carries meaning (retention.RULE_OF: not picked up, no help, help)
END_RESULTS = (
    "Niet opgepakt: herhaalde melding", "Niet opgepakt: onterecht signaal", "Inwoner is overleden",
    "Persoon is geen inwoner (meer) in de gemeente", "Niet opgepakt: andere reden",
    "Inwoner al bekend bij schuldhulpverlening", "Inwoner heeft al een ander lopend traject",
    "Definitief geen contact kunnen krijgen", "Geen reactie na eerder contact",
    "Inwoner regelt het zelf/hoeft geen hulp vanuit vroegsignalering",
    "Inwoner heeft zelf al betaald/betalingsregeling getroffen",
    "(Budget)advies en/of quick fix", "Vervolghulp en/of verwijzing financieel",
    "Verwijzing zonder tussenkomst inwoner",
    "Vervolghulp en/of verwijzing niet financieel", "Vervolghulp en/of verwijzing",
)
# v0.9 spellings that v1.2 renamed (migration 0013_ddas12 renames stored ones; hooks accept them from old diagrams)
RENAMED_END_RESULTS = {"Verwijzing zonder contact": "Verwijzing zonder tussenkomst inwoner",
                       "Inwoner hoeft geen hulp vanuit vroegsignalering":
                           "Inwoner regelt het zelf/hoeft geen hulp vanuit vroegsignalering"}


class Vroegsignaalzaak(Base):
    """The domain side of a case (DDAS Vroegsignaalzaak): household, priority and its reason, queue, end result.
    Kept current from the case's data after every step, so lists never read workflows."""

    __tablename__ = "vroegsignaalzaken"
    __table_args__ = (
        Index("ix_vszaken_household_open", "household_key", "open"),
        Index("ix_vszaken_crisis_open", "crisis", "open"),  # the coordinator's open crisis cases
    )

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    household_key: Mapped[str] = mapped_column(String(100))
    open: Mapped[bool] = mapped_column(Boolean, default=True)
    prioriteit: Mapped[int | None] = mapped_column(Integer, index=True)
    prioriteit_reden: Mapped[str | None] = mapped_column(Text)
    werkvoorraad: Mapped[str | None] = mapped_column(String(60), index=True)
    crisis: Mapped[bool] = mapped_column(Boolean, default=False)
    postcode: Mapped[str | None] = mapped_column(String(6), index=True)
    eindresultaat: Mapped[str | None] = mapped_column(String(80))
    datum_opgepakt: Mapped[date | None] = mapped_column(Date)
    afgesloten_op: Mapped[date | None] = mapped_column(Date)

    case: Mapped[Case] = relationship()


@event.listens_for(Signaal, "before_insert")
@event.listens_for(Signaal, "before_update")
def _fill_search_text(_mapper, _connection, signal) -> None:
    """Keep the signal's folded search columns (zoektekst.py) in step with its name and address."""
    signal.zoeknaam, signal.zoekadres = search_name(signal), search_address(signal)


from .retention_models import Bewaarblokkade, Verwijdering  # noqa: E402,F401  (registers the retention tables)
from .brief_models import BriefSjabloon  # noqa: E402,F401  (registers the letter templates' table)
from .webhook_models import PartnerWebhook  # noqa: E402,F401  (registers the webhook table)
from .gemeente_models import Gemeente, MedewerkerGemeente  # noqa: E402,F401  (registers the municipality tables)
from .overdracht_models import Overdrachtsbericht  # noqa: E402,F401  (registers the handover outbox table)
from .doorsturen_models import Doorstuurbericht, Doorstuurbestemming  # noqa: E402,F401  (forwarding tables)
