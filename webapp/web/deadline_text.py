"""How a deadline reads on the worklist, the case page and the coordinator's view, in Dutch.

A deadline is a row of `case_deadlines` (engine/runtime/deadlines.py) or an open task's own due time. Days are working
days for a crisis case (R15), calendar days otherwise (R14), counted in Amsterdam dates. An open deadline is running
("nog 5 dagen", "vandaag") or late ("Te laat sinds 3 december (4 dagen)"): it stays late until the work it guards is
done. A closed one says how it ended: "Gehaald op 2 december", or "Te laat afgerond op 9 december (2 dagen na de
termijn)". Pages show the badge ("Te laat", "Gehaald", "Te laat afgerond": a word, never colour alone) and then `text`;
`sentence` is both as one phrase."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from vroegsignalering.termijnen import STREEF, WETTELIJK

from webapp.web.formatting import datum_kort

KIND_LABELS = {WETTELIJK: "Wettelijke termijn", STREEF: "Streeftermijn"}
RUNNING, LATE, MET, CLOSED_LATE = "lopend", "te_laat", "gehaald", "te_laat_afgerond"


def kind_label(kind: str | None) -> str:
    """'Wettelijke termijn', 'Streeftermijn'; another kind from an edited diagram as 'Termijn (kind)'; '' for None
    (a task's own due time)."""
    if not kind:
        return ""
    return KIND_LABELS.get(kind, f"Termijn ({kind})")


@dataclass(frozen=True)
class DeadlineText:
    """One deadline as a page shows it: an optional badge (always a word) and the text after it or the date."""

    label: str
    due_at: datetime
    state: str  # lopend | te_laat | gehaald | te_laat_afgerond
    text: str  # "nog 5 dagen", "sinds 3 december (4 dagen)", "op 2 december"
    badge: str | None = None  # "Te laat", "Gehaald", "Te laat afgerond"

    @property
    def late(self) -> bool:
        return self.state == LATE

    @property
    def open(self) -> bool:
        return self.state in (RUNNING, LATE)

    @property
    def sentence(self) -> str:
        """The whole state as one phrase: 'Te laat sinds 3 december (4 dagen)', 'Gehaald op 2 december'."""
        return f"{self.badge} {self.text}" if self.badge else self.text

    @property
    def phrase(self) -> str:
        """The sentence after a label: 'Wettelijke termijn' + 'gehaald op 2 december'."""
        return self.sentence[:1].lower() + self.sentence[1:]


def describe(kind: str | None, due_at: datetime, status: str, closed_at: datetime | None, calendar, now: datetime,
             crisis: bool) -> DeadlineText:
    """A deadline row (or, with status 'running' and no closed_at, a task's own due time) at `now`."""
    label = kind_label(kind)
    today = calendar.local_date(now)
    due = calendar.local_date(due_at)
    if closed_at is not None:
        ended = datum_kort(calendar.local_date(closed_at), today)
        if status == "met" or closed_at <= due_at:
            return DeadlineText(label, due_at, MET, f"op {ended}", "Gehaald")
        over = _count(calendar, due, calendar.local_date(closed_at), crisis)
        return DeadlineText(label, due_at, CLOSED_LATE, f"op {ended}" + (f" ({over} na de termijn)" if over else ""),
                            "Te laat afgerond")
    if due_at > now:
        n = _days(calendar, today, due, crisis)
        return DeadlineText(label, due_at, RUNNING, "vandaag" if n <= 0 else f"nog {_unit(n, crisis)}")
    since = calendar.local_date(due_at + timedelta(seconds=1))  # a deadline "on 2 December" ends at 23:59:59
    over = _count(calendar, due, today, crisis)
    if since >= today and not over:
        return DeadlineText(label, due_at, LATE, "sinds vandaag", "Te laat")
    return DeadlineText(label, due_at, LATE, f"sinds {datum_kort(since, today)}" + (f" ({over})" if over else ""),
                        "Te laat")


def _days(calendar, a: date, b: date, crisis: bool) -> int:
    return calendar.working_days_between(a, b) if crisis else (b - a).days


def _count(calendar, a: date, b: date, crisis: bool) -> str:
    """'4 dagen' / '1 werkdag' from a to b; '' when that is none (a weekend after a crisis deadline)."""
    n = _days(calendar, a, b, crisis)
    return _unit(n, crisis) if n > 0 else ""


def _unit(n: int, crisis: bool) -> str:
    word = ("werkdag", "werkdagen") if crisis else ("dag", "dagen")
    return f"{n} {word[0] if n == 1 else word[1]}"
