"""What a simulation run takes, with documented defaults (README, "What-if simulation").

Defaults are a mid-size municipality (~60,000 inhabitants) after the Divosa figures
(/work/shared/domain/divosa-2025-facts.md, section 1): about 4 signals per 1,000 inhabitants a month (≈ 240), and
0.33 fte per 10,000 inhabitants (≈ 2 counsellors). Minutes per task kind are our own estimate of the work behind each
form, not a published figure; the process owner can change the number of counsellors and their hours."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

MAX_MONTHS = 24
MAX_SIGNALS_PER_MONTH = 2_000
MAX_COUNSELLORS = 50
DEFAULT_SIGNALS_PER_MONTH = 240
DEFAULT_COUNSELLORS = 2
DEFAULT_HOURS_PER_WEEK = 36  # a full-time post in the municipal CAO
DEFAULT_SEED = 2026
PRODUCTIVE_SHARE = 0.85  # the rest of a counsellor's hours goes to meetings, registration and leave

# Minutes of counsellor work per task (an attempt by channel, the other tasks by element id); unknown kinds: OTHER.
ATTEMPT_MINUTES = {"Telefoon": 10, "SMS/Whatsapp": 5, "Mail": 5, "Brief": 10, "Kaartje": 5, "Huisbezoek": 40}
TASK_MINUTES = {"brp_controle": 5, "brp_controle_nieuw": 5, "doorsturen_gemeente": 5,
                "doorsturen_gemeente_nieuw": 5, "overdragen_shv": 15, "overdragen_shv_nieuw": 15,
                "besluit_incassostop": 5, "eerste_gesprek": 45, "plan_van_aanpak": 30, "quick_fix": 45,
                "warme_overdracht": 30, "contact_herstellen": 10}
OTHER_MINUTES = 15


class InvalidSimulation(ValueError):
    """A parameter out of range; the message (Dutch) names it."""


@dataclass(frozen=True)
class Staffing:
    """Counsellors, their contract hours per week, and the minutes each kind of task takes."""

    counsellors: int = DEFAULT_COUNSELLORS
    hours_per_week: float = DEFAULT_HOURS_PER_WEEK
    attempt_minutes: dict = field(default_factory=lambda: dict(ATTEMPT_MINUTES))
    task_minutes: dict = field(default_factory=lambda: dict(TASK_MINUTES))

    def minutes_per_working_day(self) -> float:
        return self.counsellors * self.hours_per_week * 60 * PRODUCTIVE_SHARE / 5

    def minutes_for(self, element_id: str, channel: str | None = None) -> int:
        if channel is not None:
            return self.attempt_minutes.get(channel, OTHER_MINUTES)
        return self.task_minutes.get(element_id, OTHER_MINUTES)


@dataclass(frozen=True)
class SimulationParams:
    """One simulation: the period (from `start`, `months` long), the volume (None: the municipality's own history,
    else this many signals a month on average, spread by its own partner mix and season), staffing and seed."""

    start: date
    months: int = 12
    signals_per_month: int | None = None
    staffing: Staffing = field(default_factory=Staffing)
    seed: int = DEFAULT_SEED


def check(params: SimulationParams) -> SimulationParams:
    """The parameters, or InvalidSimulation naming what is out of range."""
    if not 1 <= params.months <= MAX_MONTHS:
        raise InvalidSimulation(f"Het aantal maanden moet tussen 1 en {MAX_MONTHS} liggen (nu {params.months}).")
    if params.signals_per_month is not None and not 1 <= params.signals_per_month <= MAX_SIGNALS_PER_MONTH:
        raise InvalidSimulation(f"Het aantal signalen per maand moet tussen 1 en {MAX_SIGNALS_PER_MONTH} liggen "
                                f"(nu {params.signals_per_month}).")
    if not 1 <= params.staffing.counsellors <= MAX_COUNSELLORS:
        raise InvalidSimulation(f"Het aantal hulpverleners moet tussen 1 en {MAX_COUNSELLORS} liggen "
                                f"(nu {params.staffing.counsellors}).")
    if not 1 <= params.staffing.hours_per_week <= 40:
        raise InvalidSimulation(f"Het aantal uren per week moet tussen 1 en 40 liggen "
                                f"(nu {params.staffing.hours_per_week}).")
    return params
