"""Lustro: an anonymous perception survey and gap report for the sales–production conflict."""

from __future__ import annotations

import os
import sys
import tomllib
from pathlib import Path
from typing import Any

from flask import Flask, g, render_template, request, session


def _import_sqlite_utils_without_numpy() -> None:
    """sqlite-utils imports numpy and pandas when installed (scipy brings numpy) only to
    map their types to column types, which Lustro never stores through it. Hiding them
    while it loads keeps numpy out of every server worker; the report still imports
    numpy itself when it runs."""
    hidden = [name for name in ("numpy", "pandas") if name not in sys.modules]
    if "sqlite_utils" in sys.modules or not hidden:
        return
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # `import` raises ImportError
    try:
        import sqlite_utils  # noqa: F401
    finally:
        for name in hidden:
            del sys.modules[name]


_import_sqlite_utils_without_numpy()

from . import db  # noqa: E402
from .errors import NotFound, SurveyError  # noqa: E402
from .extensions import babel, csrf, limiter  # noqa: E402
from .resources import data_dir  # noqa: E402

LANGUAGES = ("pl", "en")
# One catalogue per area, so each area's strings live in its own .po file.
TRANSLATION_DOMAINS = ("messages", "respondent", "console", "report", "workshop")
ENV_PREFIX = "SURVEY_"


def default_instance_path() -> Path:
    return Path(os.environ.get("SURVEY_INSTANCE", Path.cwd() / "instance")).resolve()


class LustroFlask(Flask):
    """Flask, except that an error on a respondent page is logged without its path:
    a path can carry an invite code."""

    def log_exception(self, exc_info) -> None:
        path = request.path if request.path.startswith("/console") else "(respondent page)"
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
        PUBLIC_URL="http://127.0.0.1:5000",
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
    config_file = instance_path / "config.toml"
    if config_file.is_file():
        app.config.from_file(str(config_file), load=tomllib.load, text=False)
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
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    if not app.config["SECRET_KEY"]:
        # No key yet (before `survey init`): a throwaway one, so nothing signed outlives
        # the process and no secret ever sits in the repository.
        app.config["SECRET_KEY"] = os.urandom(32).hex()

    db.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_language)
    app.jinja_env.globals["current_language"] = current_language
    app.after_request(set_security_headers)

    from . import accounts, console, pages, respond, workshop

    accounts.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(respond.bp)
    app.register_blueprint(console.bp)
    app.register_blueprint(workshop.bp)
    app.register_blueprint(respond.kiosk_bp)
    from .cli import register_commands

    register_commands(app.cli)
    register_error_pages(app)
    return app


def select_language() -> str:
    """The page's language: an explicit choice, else the browser's preference."""
    if getattr(g, "language", None) in LANGUAGES:
        return g.language
    chosen = request.args.get("lang") or session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or "pl"


def current_language() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "pl")


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


def refused(error: SurveyError):
    """A domain rule broken by a console or workshop request: the error page in the
    person's language, saying it was refused (a missing thing is a plain 404). The two
    blueprints register it; elsewhere the app's handlers below show the bare message."""
    from flask_babel import gettext

    if isinstance(error, NotFound):
        status, message = 404, error.translated()
    else:
        status, message = 400, gettext("That was refused: %(reason)s", reason=error.translated())
    return render_template("error.html", status=status, message=message), status


def register_error_pages(app: Flask) -> None:
    def render_error(status: int, message: str | None = None):
        return render_template("error.html", status=status, message=message), status

    @app.errorhandler(404)
    def not_found(_error):
        return render_error(404)

    @app.errorhandler(NotFound)
    def domain_not_found(error):
        return render_error(404, error.translated())

    @app.errorhandler(SurveyError)
    def domain_error(error):
        return render_error(400, error.translated())
