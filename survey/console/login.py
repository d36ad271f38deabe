"""Flask-Login for the console: who is logged in, looked up from the session cookie."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext
from flask_login import LoginManager

from ..db import get_db
from ..store.accounts import User, find_user

login_manager = LoginManager()


def init_app(app: Flask) -> None:
    """Flask-Login for the console: sessions only (no remember-me cookie)."""
    login_manager.init_app(app)
    login_manager.login_view = "console.login"
    login_manager.login_message = lazy_gettext("Please log in to use the console.")
    login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The account a session cookie names, while that session still stands (see User.get_id)."""
    email = user_id.split(":", 2)[-1]
    user = find_user(get_db(), email)
    if user is None or not user.has_session(user_id):
        return None
    return user
