"""Partners' webhooks as read models (R20): one partner's own (partner API) and all of them for administrators
(/beheer/webhooks): where delivery stands, what waits, and why it stopped."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..models import Partner
from ..webhook_models import PartnerWebhook

ACTIEF, OPNIEUW, GESTOPT = "actief", "opnieuw proberen", "gestopt"


@dataclass(frozen=True)
class WebhookState:
    partner_id: int
    partner: str
    url: str
    afgeleverd_tot: int  # the last feedback number the partner accepted
    laatste_volgnummer: int  # the partner's newest feedback number
    pogingen: int
    volgende_poging: datetime | None
    laatste_fout: str | None
    dood_sinds: datetime | None
    afgeleverd_op: datetime | None

    @property
    def wachtend(self) -> int:
        return max(self.laatste_volgnummer - self.afgeleverd_tot, 0)

    @property
    def status(self) -> str:
        if self.dood_sinds is not None:
            return GESTOPT
        return OPNIEUW if self.pogingen else ACTIEF


def _query():
    return (select(PartnerWebhook, Partner.naam, Partner.feedback_seq)
            .join(Partner, Partner.id == PartnerWebhook.partner_id))


def _state(hook: PartnerWebhook, naam: str, seq: int) -> WebhookState:
    return WebhookState(hook.partner_id, naam, hook.url, hook.afgeleverd_tot, seq, hook.pogingen,
                        hook.volgende_poging_op, hook.laatste_fout, hook.dood_sinds, hook.afgeleverd_op)


def webhook_of(engine, partner_id: int) -> WebhookState | None:
    """This partner's webhook, or None when it has none."""
    with engine.uow() as uow:
        row = uow.session.execute(_query().where(PartnerWebhook.partner_id == partner_id)).first()
        return _state(*row) if row else None


def all_webhooks(engine) -> list[WebhookState]:
    """Every webhook: stopped ones (dead letters) first, then those retrying, then by partner name."""
    with engine.uow() as uow:
        states = [_state(*row) for row in uow.session.execute(_query().order_by(Partner.naam))]
    order = {GESTOPT: 0, OPNIEUW: 1, ACTIEF: 2}
    return sorted(states, key=lambda s: order[s.status])
