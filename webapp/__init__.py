"""Vroeg's web app: the composition root that wires settings, the engine and the Flask blueprints."""
from __future__ import annotations

from dataclasses import fields

from flask import Flask, redirect, render_template, url_for

from engine import log_privacy
from engine.config import ensure_secret_key
from vroegsignalering.settings import Settings, load_settings
from engine.service import Engine
from vroegsignalering.bootstrap import build_engine
from webapp.web.context import EXTENSION

MAX_REQUEST_BYTES = 1024 * 1024  # form submissions are small; refuse anything larger with 413


def create_app(config: dict | None = None, engine: Engine | None = None) -> Flask:
    """Build the Flask app. `config` overrides settings; a given `engine` (tests) brings its own settings.

    `config["cookie_secure"]` (not a setting) forces the session cookie's Secure flag; without it
    VROEG_COOKIE_SECURE decides (true/false/auto; auto = Secure unless testing).
    """
    log_privacy.install()  # no BSN in any log record of the app
    config = dict(config or {})
    cookie_secure = config.pop("cookie_secure", None)
    settings = ensure_secret_key(_settings(config, engine))
    app = Flask(__name__, instance_path=str(settings.instance_path.resolve()))
    app.config.update(SECRET_KEY=settings.secret_key, TESTING=settings.testing,
                      MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES, VROEG_SETTINGS=settings)
    app.extensions[EXTENSION] = engine or build_engine(settings)

    from webapp import (audit, beheer, cases, coordination, ddas_api, ddas_beheer, letters, modeling, monitor, reach,
                        referral, retention, search, tasks, webhooks, worklist)
    from webapp.api import API_PREFIX, bp as api_bp
    from webapp.web import errors, formatting, inputs, login, pages, security, sso

    inputs.init_app(app)  # first: the path converter applies to routes added after it
    errors.init_app(app)
    security.init_app(app, cookie_secure, settings.proxy_hops)
    login.init_app(app)
    sso.init_app(app, settings)
    formatting.init_app(app, settings.timezone)
    pages.init_app(app)
    for feature in (worklist, cases, tasks, coordination, referral, modeling, audit, search, monitor, retention, reach,
                    letters, beheer, webhooks, ddas_api, ddas_beheer):
        feature.init_app(app)
    app.register_blueprint(api_bp, url_prefix=API_PREFIX)
    app.add_url_rule("/", "index", _index)
    return app


def _settings(config: dict | None, engine: Engine | None) -> Settings:
    if engine is None:
        return load_settings(config)
    if not config:
        return engine.settings
    # The engine's settings are already resolved: apply the overrides to them, not to the environment.
    values = {f.name: getattr(engine.settings, f.name) for f in fields(Settings)}
    values.update(config)
    return load_settings(values, environ={})


def _index():
    from webapp.web.auth import current_user

    user = current_user()
    if user is None:
        return redirect(url_for("web.login", next="/"))
    return render_template("web/index.html", user=user)
