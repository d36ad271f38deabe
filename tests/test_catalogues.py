"""The Polish catalogues read as one text (issue 21, items 3 and 6): every count has its
plural forms, no one is addressed in the masculine only, and one word names one thing, as
docs/glossary-pl.md lays down. The messages are found by Babel's own extractors, in the
Python code and the templates, and read from the .po files."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "survey" / "translations" / "pl" / "LC_MESSAGES"
CATALOGUES = sorted(FOLDER.glob("*.po"))
GLOSSARY = ROOT / "docs" / "glossary-pl.md"
KEYWORDS = {
    "_": None,
    "gettext": None,
    "lazy_gettext": None,
    "_l": None,
    "ngettext": (1, 2),
    "lazy_ngettext": (1, 2),
}
METHODS = [("survey/**.py", "python"), ("reports/**.py", "python"), ("templates/**.html", "jinja2")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}

# Placeholders that stand for a number of people, answers, codes, dimensions, ...: a message
# with one of them needs ngettext, because Polish has three forms (1 kod, 2 kody, 5 kodów).
COUNT_NAMES = {
    "n", "num", "count", "number", "total", "m", "k", "r", "na", "nb", "t", "clear",
    "better", "worse", "done", "shown", "step", "limit", "headcount", "spare", "issued",
    "max", "min", "dots",
}  # fmt: skip
# A number followed by none of these words agrees with nothing, so needs no plural form:
# a position ("2 z 5", "Step 2 of 5") or a unit that does not inflect ("3 pkt", "80 zn.").
UNINFLECTED = {"of", "to", "and", "or", "z", "do", "i", "lub", "albo", "pkt", "min", "zn"}
# English messages whose number is a constant of the code, never 1, so the English plural
# always fits; their Polish puts the number where no word agrees with it (checked below).
FIXED_NUMBERS = {
    "Keep it to %(max)d characters or fewer: the name appears in every question.",
    "Side %(side)s's label is longer than %(max)s characters.",
    "The round name is longer than %(max)s characters.",
    "The reason is longer than %(max)s characters.",
    "The password must have at least %(min)s characters.",
    "The %(variant)s agenda has time for at most %(max)s dimensions.",
    "Keep what will change under %(max)s characters.",
    "Keep the role under %(max)s characters.",
    "Keep how both sides will know under %(max)s characters.",
    "You have %(dots)s dots in all.",
    # at least headcount 1 + 2 spare
    "%(side)s: at most %(limit)s codes (headcount %(headcount)s + spare %(spare)s); "
    "already issued: %(issued)s.",
}
PLACEHOLDER = re.compile(r"%\((\w+)\)([sd])\s*([^\W\d_]+)?")


def _counts_needing_a_plural(text: str) -> set[str]:
    """The count placeholders of a text that a word agreeing with them follows."""
    return {
        name
        for name, kind, word in PLACEHOLDER.findall(text)
        if (name in COUNT_NAMES or kind == "d") and word and word.lower() not in UNINFLECTED
    }


@cache
def catalogue(path: Path) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale="pl")


def _entries() -> list[tuple[str, Message]]:
    return [(path.stem, m) for path in CATALOGUES for m in catalogue(path) if m.id]


def _polish(message: Message) -> list[str]:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return [s for s in strings if s]


@cache
def extracted() -> list[tuple[str, int, str | tuple[str, ...]]]:
    """Every message the code and the templates ask for: (file, line, msgid or plural pair)."""
    return [
        (filename, line, message)
        for filename, line, message, _comments, _context in extract_from_dir(
            ROOT, method_map=METHODS, options_map=OPTIONS, keywords=KEYWORDS
        )
    ]


def test_every_catalogue_declares_the_three_polish_plural_forms():
    for path in CATALOGUES:
        assert catalogue(path).num_plurals == 3, path.name
        assert "n%10>=2 && n%10<=4" in catalogue(path).plural_expr, path.name


def test_every_count_asked_for_in_the_code_uses_ngettext():
    singular = [(f, line, m) for f, line, m in extracted() if isinstance(m, str)]
    polish = {m.id: m.string for _, m in _entries() if isinstance(m.id, str)}
    offenders = [
        f"{f}:{line}: {m!r}"
        for f, line, m in singular
        if (_counts_needing_a_plural(m) and m not in FIXED_NUMBERS)
        or _counts_needing_a_plural(polish.get(m) or "")
    ]
    assert not offenders, "counts without ngettext:\n" + "\n".join(offenders)


def test_every_count_in_the_catalogues_has_its_plural_forms():
    """Also the messages the code does not spell out (the store's errors, audit labels)."""
    offenders = [
        f"{domain}: {m.id!r}"
        for domain, m in _entries()
        if isinstance(m.id, str)
        and (
            (_counts_needing_a_plural(m.id) and m.id not in FIXED_NUMBERS)
            or _counts_needing_a_plural(m.string or "")
        )
    ]
    assert not offenders, "counts without a plural entry:\n" + "\n".join(offenders)


def test_every_plural_entry_has_three_polish_forms_with_the_same_placeholders():
    for domain, m in _entries():
        if not isinstance(m.id, tuple):
            continue
        wanted = set(re.findall(r"%\(\w+\)[sd]", m.id[1]))
        assert len(m.string) == 3 and all(m.string), f"{domain}: {m.id[0]!r}"
        for form in m.string:
            # A form may say its number in a word ("raz", "jedna"), never drop another value.
            used = set(re.findall(r"%\(\w+\)[sd]", form))
            assert wanted - {"%(num)s", "%(num)d"} <= used <= wanted, f"{domain}: {form!r}"


def test_every_report_message_carries_the_report_context():
    """Without it the PDF, which asks with the context, shows the English text."""
    missing = [m.id for m in catalogue(FOLDER / "report.po") if m.id and m.context != "report"]
    assert not missing


def test_every_message_the_report_templates_ask_for_is_translated():
    report = {(m.id if isinstance(m.id, str) else m.id[0]) for m in catalogue(FOLDER / "report.po")}
    asked = {
        (m if isinstance(m, str) else m[0])
        for f, _line, m in extracted()
        if f.startswith("templates/report/")
    }
    assert not asked - report, sorted(asked - report)


# Forms that address one person as a man only (or as "he (she)"): Polish has a neutral way
# to say each, usually an impersonal or a noun ("osoba prowadząca", "po wysłaniu").
MASCULINE_ONLY = [
    r"\w+łeś\b",  # nacisnąłeś, wysłałeś
    r"\w+łbyś\b",  # chciałbyś
    r"\w+ł\((-?a|-?aś|-ęła)\)",  # pobrał(a), rozpoczął(-ęła)
    r"\w+(łeś|ny|ony)[/(]-?(aś|a|na)\)?",  # odpowiadałeś/aś, zalogowany(-a)
    r"\b(jesteś|zostaniesz|zostałeś|będziesz|byłeś) \w*(any|ony|ien|owy)\b",
    r"\b(zalogowany|wylogowany|pewien|zadowolony)\b",
    r"\bprowadząc(y|ego|emu|ym)\b",  # the facilitator: "osoba prowadząca"
    r"\bfacylitator\w*",
    r"\bmoderator(a|zy|ów|em)?\b",
    r"\bkierownicy\b",
    r"\bKażdy (odpowiadał|typuje|ma)\b",  # a person: "Każda osoba odpowiadała"
    r"\bci, którzy\b",  # "osoby, które"
    r"\buczestnik(a|ów|om|ami|cy)?\b",
    r"\brespondenc(i|ów)\b",
]


def test_no_message_addresses_people_in_the_masculine_only():
    offenders = [
        f"{domain}: {text!r}"
        for domain, m in _entries()
        for text in _polish(m)
        for pattern in MASCULINE_ONLY
        if re.search(pattern, text, re.IGNORECASE)
    ]
    assert not offenders, "\n".join(offenders)


def glossary_forbidden() -> dict[str, str]:
    """From the glossary's table: each word not to use (a trailing * takes any ending), with
    the word to use instead."""
    forbidden = {}
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not cells[2] or cells[2].startswith(("-", "not")):
            continue
        for word in re.findall(r"`([^`]+)`", cells[2]):
            forbidden[word] = cells[1]
    return forbidden


def _pattern(word: str) -> str:
    """A glossary word as a regular expression: `*` is any ending, and the word stands alone."""
    body = r"\w*".join(re.escape(part) for part in word.split("*"))
    return rf"(?<!\w){body}" + ("" if word.endswith("*") else r"(?!\w)")


def test_the_glossary_forbids_some_words():
    assert "`kupon*`" in GLOSSARY.read_text(encoding="utf-8")
    assert len(glossary_forbidden()) >= 10


def test_no_message_uses_a_word_the_glossary_replaces():
    offenders = [
        f"{domain}: {word!r} (use {instead}) in {text!r}"
        for domain, m in _entries()
        for text in _polish(m)
        for word, instead in glossary_forbidden().items()
        if re.search(_pattern(word), text, re.IGNORECASE)
    ]
    assert not offenders, "\n".join(offenders)


def test_the_familiar_you_is_lower_case_inside_a_sentence():
    """The glossary's rule: "twój", "ciebie", ... as in running text, capital only first."""
    you = re.compile(r"(?<![.!?:]\s)(?<!^)\b(Tw(ój|oj\w*|oi\w*)|Ciebie|Cię|Ci|Tobą|Tobie|Ty)\b")
    offenders = [
        f"{domain}: {text!r}" for domain, m in _entries() for text in _polish(m) if you.search(text)
    ]
    assert not offenders, "\n".join(offenders)


@pytest.mark.parametrize(
    ("text", "needs"),
    [
        ("Kuchnia: %(n)s already guessed", {"n"}),
        ("co najmniej %(n)s osób", {"n"}),
        ("wstrzymane: typów %(n)s", set()),
        ("Krok %(step)s z %(total)s", set()),
        ("za długi (maks. %(max)s zn.)", set()),
        ("Keep it to %(max)d characters", {"max"}),
        ("%(side)s: %(date)s", set()),
    ],
)
def test_a_count_needs_a_plural_form_when_a_word_agrees_with_it(text, needs):
    assert _counts_needing_a_plural(text) == needs
