"""The workshop blueprint and what every one of its pages shares. The view modules add
their routes to it; the package gathers them."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("workshop", __name__)


@bp.after_request
def no_store(response):
    """Live counts and the phones' pages must never come from a cache."""
    response.headers["Cache-Control"] = "no-store"
    return response
