"""Lustro: an anonymous perception survey and gap report for the sales–production conflict.

The package stays light to import: the storage core (survey.store) and the reports never
load Flask. The web application is built by survey.app.create_app, reachable here too for
`flask --app survey` and gunicorn's `survey:create_app()`.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

try:
    __version__ = version("lustro")
except PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0+unknown"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """The Flask app (see survey.app.create_app); Flask is imported only when asked for."""
    from .app import create_app as build

    return build(test_config)
