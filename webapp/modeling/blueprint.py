"""The process owner's blueprint and what its pages share (the acting user, a version, a time)."""
from __future__ import annotations


from flask import Blueprint, g

from engine.modeling.errors import UnknownVersion
from vroegsignalering.queries import process_versions

from webapp.web.context import current_engine
from webapp.web.errors import Problem


bp = Blueprint("modeling", __name__)


def load_version(version_id: int) -> process_versions.VersionSummary:
    """A deployed version, or a Dutch 404."""
    try:
        return process_versions.version_summary(current_engine(), version_id)
    except UnknownVersion:
        raise version_not_found(version_id) from None


def version_not_found(version_id: int) -> Problem:
    return Problem(404, f"Versie {version_id} bestaat niet.")


def actor() -> str:
    return g.user.username
