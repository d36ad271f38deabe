"""A question page's radio groups: written once per page, language and side labels, then
only ticked per request; and the check of what such a page sends. The review page's lists
of answers are kept the same way: statements filled once, answers looked up per request.

A page holds a dozen radio groups of six choices. Building a WTForms form for it and
writing it out through a macro, on every request, took most of a survey's CPU (issue 14),
so the markup is kept ready-made (the same markup the macro wrote) and the answers are
checked here with WTForms' rule for an optional radio group: a value is one of the
choices, or blank or missing (not answered). The CSRF token is still Flask-WTF's.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from markupsafe import Markup, escape

from ..store.questionnaire import Dimension, Questionnaire, fill

DONT_KNOW_CHOICE = "dk"  # the "don't know" radio button's value (an answer of None)
CHOICES = ("1", "2", "3", "4", "5", DONT_KNOW_CHOICE)
CACHED_PAGES = 256  # pages × languages × label pairs; a handful per round


def field_name(key: tuple[str, str, str]) -> str:
    return ".".join(key)


@dataclass(frozen=True)
class AnswerPage:
    """One question page: its field names and its markup, cut where a choice is ticked."""

    names: tuple[str, ...]
    parts: tuple[str | tuple[str, str, str, str], ...]  # markup, or (name, value, on, off)

    def html(self, data: Mapping[str, str]) -> Markup:
        """The page's groups with the choices in `data` (field name → value) ticked."""
        out = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
            else:
                name, value, on, off = part
                out.append(on if data.get(name) == value else off)
        return Markup("".join(out))

    def read(self, form: Mapping[str, str]) -> dict[str, str] | None:
        """The page's answers as sent (field name → choice; blank or missing is not
        answered), or None when any value is not one of the choices."""
        answers = {}
        for name in self.names:
            value = (form.get(name) or "").strip()
            if not value:
                continue
            if value not in CHOICES:
                return None
            answers[name] = value
        return answers

    def sent(self, form: Mapping[str, str]) -> dict[str, str]:
        """What the page sent for its own fields, to show it again as it was."""
        return {name: form[name] for name in self.names if name in form}


def _build(
    dimensions: list[Dimension], scale: list[str], dont_know: str, lang: str, own: str, other: str
) -> AnswerPage:
    labels = [escape(label) for label in scale] + [escape(dont_know)]
    names: list[str] = []
    parts: list[str | tuple[str, str, str, str]] = []
    for index, dimension in enumerate(dimensions):
        heading = "h1" if index == 0 else "h2"
        parts.append(f"<{heading}>{escape(dimension.name[lang])}</{heading}>\n")
        for item in dimension.items:
            parts.append('<div class="item">\n')
            for perspective in item.texts:  # self/other/meta; "kept" for an agreement
                name = field_name((dimension.id, item.id, perspective))
                names.append(name)
                legend = escape(fill(item.texts[perspective][lang], own, other))
                parts.append(f'<fieldset class="scale">\n  <legend>{legend}</legend>\n')
                for i, (value, label) in enumerate(zip(CHOICES, labels, strict=True)):
                    last = " dont-know" if value == DONT_KNOW_CHOICE else ""
                    parts.append(f'  <div class="choice{last}">\n    <input ')
                    rest = (
                        f'id="{name}-{i}" name="{name}" type="radio" value="{value}"> '
                        f'<label for="{name}-{i}">{label}</label>\n  </div>\n'
                    )
                    parts.append((name, value, "checked " + rest, rest))
                parts.append("</fieldset>\n")
            parts.append("</div>\n")
    return AnswerPage(tuple(names), tuple(parts))


@dataclass(frozen=True)
class ReviewList:
    """One dimension's answers on the review page. Filling sixty statements with the
    sides' labels in the template, on every view, was a sixth of a survey's CPU."""

    names: tuple[str, ...]
    statements: tuple[str, ...]  # escaped, labels filled in
    shown: Mapping[int | None, str]  # an answer as shown: "4 – Agree", or don't know
    not_answered: str

    def answered(self, answers: Mapping[str, int | None]) -> tuple[int, int]:
        """(answered, asked): the dimension's one-line summary."""
        return sum(name in answers for name in self.names), len(self.names)

    def html(self, answers: Mapping[str, int | None]) -> Markup:
        """The statements and the answers given, as <dt>/<dd> pairs."""
        out = []
        for name, statement in zip(self.names, self.statements, strict=True):
            value = self.shown.get(answers[name], "") if name in answers else self.not_answered
            out.append(f"<dt>{statement}</dt>\n<dd>{value}</dd>\n")
        return Markup("".join(out))


def _review_list(
    dimension: Dimension, questionnaire: Questionnaire, lang: str, own: str, other: str, none: str
) -> ReviewList:
    keys = [(dimension.id, item.id, p) for item in dimension.items for p in item.texts]
    items = {item.id: item for item in dimension.items}
    shown: dict[int | None, str] = {None: escape(questionnaire.dont_know[lang])}
    for value, label in enumerate(questionnaire.scale[lang], start=1):
        shown[value] = f"{value} – {escape(label)}"
    return ReviewList(
        tuple(field_name(key) for key in keys),
        tuple(escape(fill(items[item].texts[p][lang], own, other)) for _, item, p in keys),
        shown,
        f"<em>{escape(none)}</em>",
    )


_cache: dict[tuple, object] = {}
_lock = threading.Lock()
Built = TypeVar("Built")


def _cached(cache_key: tuple | None, build: Callable[[], Built]) -> Built:
    """What `build` makes, kept under `cache_key` (None: built afresh every time)."""
    if cache_key is None:
        return build()
    found = _cache.get(cache_key)
    if found is None:
        found = build()
        with _lock:
            if len(_cache) >= CACHED_PAGES:
                _cache.clear()
            _cache[cache_key] = found
    return found  # type: ignore[return-value]


def answer_page(
    questionnaire: Questionnaire,
    key: str | None,
    number: int,
    dimensions: list[Dimension],
    lang: str,
    own: str,
    other: str,
) -> AnswerPage:
    """Page `number` of a questionnaire, built on first use. `key` names the
    questionnaire's exact content (a round's frozen copy); None builds it afresh."""
    args = (questionnaire.scale[lang], questionnaire.dont_know[lang], lang, own, other)
    cache_key = None if key is None else ("page", key, number, lang, own, other)
    return _cached(cache_key, lambda: _build(dimensions, *args))


def review_list(
    questionnaire: Questionnaire,
    key: str | None,
    dimension: Dimension,
    lang: str,
    own: str,
    other: str,
    not_answered: str,
) -> ReviewList:
    """A dimension's review list, built on first use (`key` as for answer_page)."""
    cache_key = (
        None if key is None else ("review", key, dimension.id, lang, own, other, not_answered)
    )
    return _cached(
        cache_key,
        lambda: _review_list(dimension, questionnaire, lang, own, other, not_answered),
    )
