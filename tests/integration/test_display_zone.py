"""Dates and times on screen follow VROEG_TIMEZONE (the settings' timezone), through the one set of filters."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

from flask import Flask, render_template_string

from vroegsignalering.bootstrap import build_engine
from webapp import create_app
from webapp.web import formatting

NOON_UTC = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)


def test_the_filters_show_a_moment_in_the_configured_zone():
    app = Flask(__name__)
    formatting.init_app(app, "Asia/Tokyo")
    with app.app_context():
        assert formatting.tijdstip(NOON_UTC) == "27 november 2026 om 21:00"
        assert render_template_string("{{ t|tijdstip }} / {{ t|datum }}", t=datetime(2026, 11, 27, 20, 0,
                                      tzinfo=timezone.utc)) == "28 november 2026 om 05:00 / 28 november 2026"


def test_outside_an_app_the_default_zone_is_amsterdam():
    assert formatting.tijdstip(NOON_UTC) == "27 november 2026 om 13:00"


def test_the_app_takes_its_zone_from_the_settings(vs):
    london = build_engine(replace(vs.settings, timezone="Europe/London"), vs.clock, db_engine=vs.db,
                          password_hasher=vs.password_hasher)
    amsterdam, in_london = create_app(engine=vs), create_app(engine=london)
    with amsterdam.app_context():
        assert formatting.tijdstip(NOON_UTC) == "27 november 2026 om 13:00"
    with in_london.app_context():
        assert formatting.tijdstip(NOON_UTC) == "27 november 2026 om 12:00"
        assert render_template_string("{{ t|tijdstip }}", t=NOON_UTC) == "27 november 2026 om 12:00"
