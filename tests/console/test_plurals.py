"""Polish counts take the right form: 1 osoba, 2–4 osoby, 5–21 osób, 22–24 osoby …"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale, ngettext

# The Polish catalogues; tests/test_languages.py checks the Ukrainian rule.
CATALOGUES = sorted((Path(__file__).parents[2] / "survey" / "translations").glob("pl/*/*.po"))
POLISH_RULE = "(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2)"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.name)
def test_every_catalogue_has_the_polish_plural_rule_and_three_forms(path):
    text = path.read_text(encoding="utf-8")
    assert f'"Plural-Forms: nplurals=3; plural={POLISH_RULE};\\n"' in text
    with path.open("rb") as fh:
        catalog = read_po(fh, locale="pl")
    for message in catalog:
        if message.pluralizable and message.id:
            assert len(message.string) == 3 and all(message.string), message.id


@pytest.mark.parametrize(
    "count,expected",
    [
        (1, "1 nowy kod"),
        (2, "2 nowe kody"),
        (4, "4 nowe kody"),
        (5, "5 nowych kodów"),
        (12, "12 nowych kodów"),
        (22, "22 nowe kody"),
        (25, "25 nowych kodów"),
        (112, "112 nowych kodów"),
        (1002, "1002 nowe kody"),
    ],
)
def test_polish_plural_forms_follow_the_number(app, count, expected):
    with app.test_request_context(), force_locale("pl"):
        text = ngettext(
            "%(num)s new code for %(side)s", "%(num)s new codes for %(side)s", count, side="Sala"
        )
    assert text.startswith(expected)


@pytest.mark.parametrize("threshold,words", [(3, "mniej niż 3 osoby"), (5, "mniej niż 5 osób")])
def test_report_page_counts_people_in_polish(hr, db, closed_round_id, threshold, words):
    db["rounds"].update(closed_round_id, {"comment_threshold": threshold})
    page = hr.get(
        f"/console/rounds/{closed_round_id}/report", headers={"Accept-Language": "pl"}
    ).get_data(as_text=True)
    assert words in page
