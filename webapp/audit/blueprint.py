"""The auditor's blueprint and what every auditor page about one case shares (who acts, the not-found page)."""
from __future__ import annotations

from flask import Blueprint, g, render_template

from vroegsignalering.services.tasks import Actor

bp = Blueprint("audit", __name__)


STATUS_LABELS = {"running": "Lopend", "completed": "Afgerond"}


def actor() -> Actor:
    return Actor(g.user.username, g.user.role)


def not_found(message: str):
    return render_template("audit/niet_gevonden.html", message=message), 404
