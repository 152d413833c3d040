"""The process owner's blueprint and what its pages share (the acting user, a version, a time)."""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, g

from engine.models import ProcessVersion

from webapp.web.errors import Problem
from webapp.web.formatting import AMSTERDAM, datum


bp = Blueprint("modeling", __name__)


def load_version(session, version_id: int) -> ProcessVersion:
    """A deployed version, or a Dutch 404."""
    version = session.get(ProcessVersion, version_id)
    if version is None:
        raise Problem(404, f"Versie {version_id} bestaat niet.")
    return version


@bp.app_template_filter("tijdstip")
def tijdstip(value: datetime | None) -> str:
    """'2 december 2026 om 09:15' in Amsterdam time; '' for None."""
    if value is None:
        return ""
    return f"{datum(value)} om {value.astimezone(AMSTERDAM):%H:%M}"


def actor() -> str:
    return g.user.username
