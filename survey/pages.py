"""Pages outside the survey and the console: the start page and the language switch."""

from flask import Blueprint, redirect, render_template, request, session, url_for

bp = Blueprint("pages", __name__)


@bp.get("/")
def index():
    """The start page is where respondents type the code from their slip."""
    from .respond_forms import CodeForm

    return render_template("index.html", form=CodeForm())


@bp.get("/lang/<lang>")
def switch_language(lang: str):
    """Remember the chosen language and go back where the person was (same site only)."""
    if lang in ("pl", "en"):
        session["lang"] = lang
    target = request.args.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("pages.index")
    return redirect(target)
