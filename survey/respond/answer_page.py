"""A question page's radio groups: written once per page, language and side labels, then
only ticked per request; and the check of what such a page sends.

A page holds a dozen radio groups of six choices. Building a WTForms form for it and
writing it out through a macro, on every request, took most of a survey's CPU (issue 14),
so the markup is kept ready-made (the same markup the macro wrote) and the answers are
checked here with WTForms' rule for an optional radio group: a value is one of the
choices, or blank or missing (not answered). The CSRF token is still Flask-WTF's.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass

from markupsafe import Markup, escape

from ..questionnaire import Dimension, Questionnaire, fill

DONT_KNOW = "dk"
CHOICES = ("1", "2", "3", "4", "5", DONT_KNOW)
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
                    last = " dont-know" if value == DONT_KNOW else ""
                    parts.append(f'  <div class="choice{last}">\n    <input ')
                    rest = (
                        f'id="{name}-{i}" name="{name}" type="radio" value="{value}"> '
                        f'<label for="{name}-{i}">{label}</label>\n  </div>\n'
                    )
                    parts.append((name, value, "checked " + rest, rest))
                parts.append("</fieldset>\n")
            parts.append("</div>\n")
    return AnswerPage(tuple(names), tuple(parts))


_pages: dict[tuple, AnswerPage] = {}
_lock = threading.Lock()


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
    if key is None:
        return _build(dimensions, *args)
    cache_key = (key, number, lang, own, other)
    page = _pages.get(cache_key)
    if page is None:
        page = _build(dimensions, *args)
        with _lock:
            if len(_pages) >= CACHED_PAGES:
                _pages.clear()
            _pages[cache_key] = page
    return page
