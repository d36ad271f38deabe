"""The Flask application: its factory, the page language and the security headers."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask, request

from . import console, db, error_pages, pages, respond, workshop
from .console import login
from .error_pages import area
from .extensions import babel, csrf, limiter
from .i18n import TRANSLATION_DOMAINS, current_language, language_links, select_language
from .instance_config import read_config
from .public_address import EXAMPLE, only_this_computer, public_url, public_url_configured
from .store.languages import LANGUAGE_NAMES, long_date
from .store.resources import data_dir
from .store.sides import SIDES, other

ENV_PREFIX = "SURVEY_"


def default_instance_path() -> Path:
    return Path(os.environ.get("SURVEY_INSTANCE", Path.cwd() / "instance")).resolve()


class LustroFlask(Flask):
    """Flask, except that an error on a respondent page is logged without its path:
    a path can carry an invite code."""

    def log_exception(self, exc_info) -> None:
        path = request.path if area(request.path) == "console" else "(respondent page)"
        self.logger.error("Exception on %s [%s]", path, request.method, exc_info=exc_info)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Application factory: defaults, then instance/config.toml, then SURVEY_* variables,
    then the test dict."""
    instance_path = default_instance_path()
    app = LustroFlask(
        __name__,
        instance_path=str(instance_path),
        template_folder=str(data_dir("templates")),
        static_folder="static",
    )
    app.config.from_mapping(
        DATABASE=str(instance_path / "survey.db"),
        SECRET_KEY=None,
        INVITE_KEY=None,
        PUBLIC_URL=None,  # unset: links use the address pages are opened at (public_address.py)
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,  # token lives as long as the session
        BABEL_DEFAULT_LOCALE="pl",
        BABEL_TRANSLATION_DIRECTORIES=";".join(
            [str(data_dir("translations"))] * len(TRANSLATION_DOMAINS)
        ),
        BABEL_DOMAIN=";".join(TRANSLATION_DOMAINS),
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        # Explicit, because the limiter is shared by every app in a process and would
        # otherwise keep the last app's setting.
        RATELIMIT_ENABLED=True,
    )
    app.config.from_mapping(read_config(instance_path / "config.toml"))
    app.config.from_prefixed_env(prefix=ENV_PREFIX.rstrip("_"))
    if "DB" in app.config:  # SURVEY_DB, the CLI's --db
        app.config["DATABASE"] = app.config.pop("DB")
    if test_config:
        app.config.from_mapping(test_config)
    if app.config.get("PROXY_FIX"):
        # Behind N trusted reverse proxies (SURVEY_PROXY_FIX=1): take the client's scheme
        # and address from their headers, so throttling counts real clients.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["PROXY_FIX"])
        # Flask's documented way to wrap the WSGI app; mypy refuses assigning to a method.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    if not app.config["SECRET_KEY"]:
        # No key yet (before `survey init`): a throwaway one, so nothing signed outlives
        # the process and no secret ever sits in the repository.
        app.config["SECRET_KEY"] = os.urandom(32).hex()

    db.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_language)
    app.jinja_env.globals["current_language"] = current_language
    app.jinja_env.globals["language_links"] = language_links
    app.jinja_env.filters["day"] = lambda value: long_date(value, current_language())
    app.jinja_env.globals.update(language_names=LANGUAGE_NAMES, sides=SIDES, other_side=other)
    app.jinja_env.globals.update(
        public_url=public_url,
        public_url_configured=public_url_configured,
        only_this_computer=only_this_computer,
        public_url_example=EXAMPLE,
    )
    app.after_request(set_security_headers)

    login.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(respond.bp)
    app.register_blueprint(console.bp)
    app.register_blueprint(workshop.bp)
    app.register_blueprint(respond.kiosk_bp)
    error_pages.register(app)
    return app


def set_security_headers(response):
    """No inline script, no framing, no referrer (codes must never leak in a Referer)."""
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    )
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response
