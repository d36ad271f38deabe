"""The PDF gap report: renders the analysis dict (reports.analysis) with Jinja and WeasyPrint.

It computes no statistics of its own; it only arranges what the analysis gives. Texts are
English in the templates and Polish in the "report" translation domain, loaded without Flask
so the report works from the command line and from tests alike. Every report message carries
the context "report": Flask-Babel merges all domains into one catalogue for the web pages, and
the context keeps a short report word ("change", "Time") from overriding another area's."""

from __future__ import annotations

import base64
import functools
import logging
from pathlib import Path
from typing import Any

from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations
from jinja2 import (
    BytecodeCache,
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    select_autoescape,
)
from sqlite_utils import Database

from survey.store import questionnaire as qn
from survey.store.languages import DEFAULT_LANGUAGE, STAFF_LANGUAGES, catalogue, long_date
from survey.store.resources import data_dir
from survey.store.sides import SIDES, other

from .gaps import GAP_KINDS
from .missing import SKIP_LEVEL, SKIP_POINTS
from .report_view import view_model

TEMPLATES = data_dir("templates")
# WeasyPrint announces every rendering step and page ("Step 5 - Creating layout - Page N")
# at INFO: thousands of lines that drown the demo's and the CLI's own output.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
TRANSLATIONS = data_dir("translations")
DOMAIN = "report"
MINUS = "\u2212"
CONTEXT = "report"


@functools.cache
def translations(lang: str) -> NullTranslations:
    """The report catalogue (survey.store.languages.catalogue)."""
    return catalogue(lang, DOMAIN)


def _bytecode_cache() -> BytecodeCache | None:
    """Compiled templates kept between runs: compiling the report's templates took a
    tenth of `survey report`'s time. Jinja keeps them in the user's own folder in the
    temp directory and compiles a template again when its source changed; without a
    safe folder there (another user's, unwritable) the report just compiles them."""
    try:
        return FileSystemBytecodeCache(pattern="lustro-report-%s.cache")
    except (OSError, RuntimeError):
        return None


@functools.cache
def environment(lang: str) -> Environment:
    """A Jinja environment for one language, autoescaping everything (comments are text)."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        bytecode_cache=_bytecode_cache(),
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    catalogue = translations(lang)
    env.install_gettext_callables(  # type: ignore[attr-defined]  # added by jinja2.ext.i18n
        gettext=functools.partial(catalogue.pgettext, CONTEXT),
        ngettext=functools.partial(catalogue.npgettext, CONTEXT),
        newstyle=True,
    )
    env.filters["num"] = functools.partial(_number, lang=lang)
    env.filters["signed"] = functools.partial(_signed, lang=lang)
    env.filters["pct"] = functools.partial(_percent, lang=lang)
    env.filters["longdate"] = functools.partial(long_date, lang=lang)
    env.filters["svg_data_uri"] = _svg_data_uri
    env.globals.update(sides=SIDES, other_side=other)
    env.globals["gap_kinds"] = GAP_KINDS
    env.globals["skip_rule"] = {"points": SKIP_POINTS, "level": SKIP_LEVEL}
    return env


def _svg_data_uri(svg: str) -> str:
    """An SVG drawing (already escaped by the template) as a data: URI for <img src>."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.strip().encode()).decode()


def _number(value: float | None, digits: int = 2, lang: str = DEFAULT_LANGUAGE) -> str:
    if value is None:
        return "–"
    text = format_decimal(value, format="0." + "0" * digits, locale=lang)
    return text.replace("-", MINUS)


def _signed(value: float | None, digits: int = 2, lang: str = DEFAULT_LANGUAGE) -> str:
    if value is None:
        return "–"
    text = _number(value, digits, lang)
    return text if value < 0 else "+" + text


def _percent(value: float | None, lang: str = DEFAULT_LANGUAGE) -> str:
    return "–" if value is None else format_percent(value, locale=lang)


def render_report_html(analysis: dict[str, Any], questionnaire: qn.Questionnaire, lang: str) -> str:
    """The report as one HTML document (the PDF's source; also handy to inspect)."""
    if lang not in STAFF_LANGUAGES:
        lang = DEFAULT_LANGUAGE
    template = environment(lang).get_template("report/report.html")
    return template.render(v=view_model(analysis, questionnaire, lang), lang=lang)


def pdf_bytes(html: str) -> bytes:
    """A tagged PDF/UA-1 document with fonts embedded; the CSS is found via base_url."""
    from weasyprint import HTML  # slow to import: only when a PDF is actually made

    return HTML(string=html, base_url=str(TEMPLATES / "report") + "/").write_pdf(
        pdf_variant="pdf/ua-1", pdf_tags=True
    )


def render_pdf(
    db: Database, round_id: int, lang: str = DEFAULT_LANGUAGE, compare_with: int | None = None
) -> bytes:
    """Analyse a closed round and render its gap report as PDF bytes."""
    from survey.store.rounds import get_round

    from .analysis import analyse

    analysis = analyse(db, round_id, compare_with=compare_with)
    questionnaire = get_round(db, round_id).questionnaire
    return pdf_bytes(render_report_html(analysis, questionnaire, lang))


def write_pdf(
    db: Database,
    round_id: int,
    path: str | Path,
    lang: str = DEFAULT_LANGUAGE,
    compare_with: int | None = None,
) -> Path:
    """What `survey report --format pdf` calls: render, then write the file whole."""
    data = render_pdf(db, round_id, lang=lang, compare_with=compare_with)
    target = Path(path)
    target.write_bytes(data)
    return target
