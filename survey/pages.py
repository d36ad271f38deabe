"""Pages outside the survey and the console: the start page and the language switch."""

import re
from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, session, url_for

from .store.languages import LANGUAGES

bp = Blueprint("pages", __name__)
# Browsers drop tabs and line breaks from a Location and read "\\" as "/": any of them,
# a space or a control character could turn "/x" into "//other.site".
_NOT_IN_A_PATH = re.compile(r"[\x00-\x20\x7f\\]")


def same_site_path(target: str | None, default: str) -> str:
    """`target` when it is a path on this site, else `default` (no open redirect)."""
    if (
        not target
        or not target.startswith("/")
        or target.startswith("//")
        or _NOT_IN_A_PATH.search(target)
    ):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


@bp.get("/")
def index():
    """The start page is where respondents type the code from their slip."""
    from .respond.forms import CodeForm

    return render_template("index.html", form=CodeForm())


@bp.get("/lang/<lang>")
def switch_language(lang: str):
    """Remember the chosen language and go back where the person was (same site only)."""
    if lang in LANGUAGES:
        session["lang"] = lang
    return redirect(same_site_path(request.args.get("next"), url_for("pages.index")))
