"""The round page names the questionnaire as people know it, by its title in the page's
language with its version, not by its file id; its dates read as the rest of Lustro's
(issue 21, item 12)."""

from __future__ import annotations

import pytest

from survey.store.rounds import create_round

TITLES = {
    "pl": "Lustro: jak widzimy siebie nawzajem, wersja 3",
    "en": "Lustro: how we see each other, version 3",
}
CLOSES = {"pl": "15 stycznia 2027", "en": "January 15, 2027"}


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_the_round_page_shows_the_questionnaires_title_and_the_day_in_words(db, hr, lang):
    round_id = create_round(
        db, "Jesień", "sales-production", "Sala", "Kuchnia", closes_on="2027-01-15"
    )
    page = hr.get(f"/console/rounds/{round_id}?lang={lang}").get_data(as_text=True)
    assert TITLES[lang] in page
    assert "sales-production (v3)" not in page
    assert CLOSES[lang] in page and "2027-01-15" not in page
    listing = hr.get(f"/console/?lang={lang}").get_data(as_text=True)
    assert CLOSES[lang] in listing
