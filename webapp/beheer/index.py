"""The administrator's start page `/beheer`: a link to each section of SECTIONS that this app has."""
from __future__ import annotations

from flask import render_template

from webapp.beheer.blueprint import bp, guarded, sections


@bp.get("")
@guarded
def index():
    """The administrator's start page: a link to each section."""
    return render_template("beheer/index.html", sections=sections())
