"""The domain's fixed word lists that screens offer or read (partner types, the statuses of a signal still in play),
for the web layer, which imports no model module."""
from .models import IN_PLAY, PARTNER_TYPES

__all__ = ["IN_PLAY", "PARTNER_TYPES"]
