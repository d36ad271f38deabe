"""What a workshop hands out: the agreements (PDF for signing, CSV, JSON), the one-page
participant summary and the slides (PDF, one dimension a page).

The PDFs are the same Jinja templates as the pages, rendered in the chosen language and
printed by WeasyPrint like the gap report."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from flask import render_template
from flask_babel import force_locale, format_decimal
from flask_babel import gettext as _
from sqlite_utils import Database
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3; types-wtforms 3.2 lacks it

from reports.gaps import INDEPENDENT_KINDS, META_ERROR
from reports.pdf import pdf_bytes

from ..store.errors import NotFound
from ..store.languages import DEFAULT_LANGUAGE, STAFF_LANGUAGES
from ..store.rounds import get_round
from ..store.sides import SIDES, other
from . import store
from .agenda import agenda_of, dimension_name, dimension_view, side_view

FORMULA_STARTS = ("=", "+", "-", "@")
CSV_FIELDS = ("id", "what", "responsible", "role", "due_on", "evidence", "dots", "lang")


def responsible_choices(workshop: store.Workshop) -> list[SelectChoice]:
    sides = [SelectChoice(side, workshop.label(side)) for side in SIDES]
    return [*sides, SelectChoice("both", _("Both sides"))]


def responsible_label(workshop: store.Workshop, responsible: str) -> str:
    if responsible == "both":
        return _("Both sides")
    return workshop.label(responsible)


def _safe_cell(value: Any) -> Any:
    """A spreadsheet must not run a cell as a formula: prefix ' to = + - @."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def agreements_records(db: Database, workshop: store.Workshop) -> list[dict[str, Any]]:
    """The agreements shaped so a later round can carry them: stable id, text in the
    round's language, the responsible side (a, b or both) with its label, date, evidence."""
    return [
        {
            "id": a.id,
            "what": a.what,
            "responsible": a.responsible,
            "responsible_label": responsible_label(workshop, a.responsible),
            "role": a.role,
            "due_on": a.due_on,
            "evidence": a.evidence,
            "dots": a.dots,
            "lang": a.lang,
        }
        for a in store.agreements(db, workshop.id)
    ]


def agreements_csv(records: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS, extrasaction="ignore")
    writer.writeheader()
    for record in records:
        writer.writerow({key: _safe_cell(record[key]) for key in CSV_FIELDS})
    return buffer.getvalue()


def agreements_json(workshop: store.Workshop, records: list[dict[str, Any]]) -> str:
    body = {
        "workshop": {
            "id": workshop.id,
            "round_id": workshop.round_id,
            "date": workshop.created_on,
            "sides": workshop.figures["labels"],
        },
        "agreements": records,
    }
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n"


def _points(value: float | None) -> str:
    return "–" if value is None else format_decimal(value, "0.0")


def _interval_words(finding: dict[str, Any]) -> str:
    """A finding's interval as distances (the words say the direction): the one adjusted for
    the selection (`ci_selected`, Benjamini–Yekutieli) that the report prints for every
    clear gap; the plain 95 % one, labelled so, only for figures stored before there was one."""
    adjusted = finding.get("ci_selected")
    interval = adjusted or finding.get("ci95")
    low, high = sorted(abs(x) for x in interval) if interval else (None, None)
    if adjusted:
        return _("interval adjusted for the selection %(low)s to %(high)s", low=_points(low), high=_points(high))  # fmt: skip
    return _("95%% interval %(low)s to %(high)s", low=_points(low), high=_points(high))


def finding_sentences(workshop: store.Workshop, lang: str) -> list[str]:
    """Each clear finding in plain words: its size in points and its interval adjusted for
    the selection, both as distances, in the current language's number format."""
    sentences = []
    for finding in workshop.figures["findings"]:
        side, kind = finding["gap"].split(".", 1)
        if kind not in INDEPENDENT_KINDS:
            continue  # only the independent-groups gaps have words here
        values = {
            "dimension": dimension_name(workshop, finding["dimension"], lang),
            "side": workshop.label(side),
            "other": workshop.label(other(side)),
            "diff": _points(abs(finding["diff"])),
            "interval": _interval_words(finding),
        }
        if kind == META_ERROR.key and finding["diff"] < 0:
            text = _("%(dimension)s: %(other)s rates %(side)s %(diff)s points better than %(side)s expected (%(interval)s).", **values)  # fmt: skip
        elif kind == META_ERROR.key:
            text = _("%(dimension)s: %(other)s rates %(side)s %(diff)s points worse than %(side)s expected (%(interval)s).", **values)  # fmt: skip
        elif finding["diff"] > 0:
            text = _("%(dimension)s: %(side)s rates itself %(diff)s points higher than %(other)s rates it (%(interval)s).", **values)  # fmt: skip
        else:
            text = _("%(dimension)s: %(side)s rates itself %(diff)s points lower than %(other)s rates it (%(interval)s).", **values)  # fmt: skip
        sentences.append(text)
    return sentences


def _detectable(value: Any) -> float | None:
    """The smallest gap the round could detect, when the analysis states one (a number,
    or a mapping holding it); None when it does not."""
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, dict):
        numbers = [v for k, v in value.items() if isinstance(v, int | float) and "gap" in k]
        return float(min(numbers)) if numbers else None
    return None


def _pdf(template: str, **context: Any) -> bytes:
    return pdf_bytes(render_template(template, **context))


def render(db: Database, workshop: store.Workshop, name: str, lang: str) -> tuple[bytes, str]:
    """One download by its file name: (body, mimetype), in a staff language (the printed
    documents are the facilitator's, like the report)."""
    if lang not in STAFF_LANGUAGES:
        lang = workshop.figures["lang"]
    if lang not in STAFF_LANGUAGES:
        lang = DEFAULT_LANGUAGE
    with force_locale(lang):
        records = agreements_records(db, workshop)
        if name == "agreements.csv":
            return agreements_csv(records).encode("utf-8-sig"), "text/csv"
        if name == "agreements.json":
            return agreements_json(workshop, records).encode(), "application/json"
        common = {"workshop": workshop, "lang": lang}
        if name == "agreements.pdf":
            return _pdf("workshop/print_agreements.html", agreements=records, **common), "application/pdf"  # fmt: skip
        if name == "handout.pdf":
            findings = finding_sentences(workshop, lang)
            gap = _detectable(workshop.figures.get("detectable"))
            detectable = _points(gap) if gap is not None else None
            return _pdf("workshop/print_handout.html", findings=findings, detectable=detectable, **common), "application/pdf"  # fmt: skip
        if name == "slides.pdf":
            questionnaire = get_round(db, workshop.round_id).questionnaire
            counts = store.guess_counts(db, workshop.id)
            slides = [
                dimension_view(workshop, counts, questionnaire, d, lang)
                | {"sides": _printed_sides(workshop, counts, d)}
                for d in workshop.dimensions
            ]
            return _pdf("workshop/print_slides.html", slides=slides, blocks=agenda_of(workshop), **common), "application/pdf"  # fmt: skip
    raise NotFound("There is no download '%(name)s'.", name=name)


def _printed_sides(workshop: store.Workshop, counts: dict, dimension: str) -> list[dict]:
    """The slides print the survey's figures for every dimension; today's guesses only for
    a revealed dimension (before that, no guess value leaves the server)."""
    sides = [side_view(workshop, counts, dimension, side) for side in SIDES]
    if dimension not in workshop.revealed:
        sides = [s | {"guess": None, "guessed": 0} for s in sides]
    return sides
