"""Ukrainian, and any language after it (issue 22, item 4): a respondent language is a
respondent catalogue plus texts in the questionnaire files; the console and the reports keep
to the staff languages. These tests name what a new language (or a new msgid) still lacks."""

from __future__ import annotations

import io
import re
import tomllib
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from respondent_helpers import new_code
from workshop_helpers import closed_round

from survey.store import questionnaire as qn
from survey.store.languages import (
    DEFAULT_LANGUAGE,
    LANGUAGE_NAMES,
    LANGUAGES,
    SOURCE_LANGUAGE,
    STAFF_LANGUAGES,
    respondent_languages,
)
from survey.store.resources import data_dir
from survey.store.rounds import create_round, get_round, open_round
from survey.workshop import store as workshop_store

TRANSLATIONS = data_dir("translations")
TEMPLATES = data_dir("templates")
# The catalogues of what respondents read: their pages, the kiosk, the phones, the slips.
RESPONDENT_DOMAINS = ("respondent", "workshop", "messages")
TRANSLATED = [lang for lang in LANGUAGES if lang != SOURCE_LANGUAGE]
OTHERS = [lang for lang in TRANSLATED if lang != DEFAULT_LANGUAGE]
UK_PLURALS = (
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
    "(n%100<10 || n%100>=20) ? 1 : 2);"
)
PLACEHOLDER = re.compile(r"%\((\w+)\)s|\{(\w+)\}")
# Where respondent-facing strings are asked for: templates and Python modules.
RESPONDENT_TEMPLATES = (
    [TEMPLATES / name for name in ("base.html", "index.html", "error.html")]
    + sorted([*(TEMPLATES / "respond").glob("*.html"), *(TEMPLATES / "kiosk").glob("*.html")])
    + [
        TEMPLATES / "workshop" / f"{name}.html"
        for name in ("phone_base", "join", "side", "guess", "dots", "wait", "error")
    ]
)
SURVEY = Path(qn.__file__).resolve().parents[1]
RESPONDENT_MODULES = sorted((SURVEY / "respond").glob("*.py")) + [
    SURVEY / "workshop" / "phone.py",
    SURVEY / "workshop" / "forms.py",
    SURVEY / "error_pages.py",
    SURVEY / "mail" / "messages.py",
]


def catalogue(lang: str, domain: str) -> Catalog:
    path = TRANSLATIONS / lang / "LC_MESSAGES" / f"{domain}.po"
    with path.open("rb") as fh:
        return read_po(fh, locale=lang, domain=domain)


def key(message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def translated_ids(lang: str) -> set[str]:
    """Every msgid with a translation in any of the language's catalogues (the pages merge
    them all)."""
    found: set[str] = set()
    for po in (TRANSLATIONS / lang / "LC_MESSAGES").glob("*.po"):
        cat = catalogue(lang, po.stem)
        found |= {key(m) for m in cat if m.id and all(_forms(m.string))}
    return found


def _forms(string) -> list[str]:
    return list(string) if isinstance(string, tuple | list) else [string]


def names(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text)}


def test_the_respondent_languages_are_those_with_a_respondent_catalogue():
    assert LANGUAGES == respondent_languages(TRANSLATIONS)
    assert "uk" in LANGUAGES and LANGUAGE_NAMES["uk"] == "Українська"
    assert set(STAFF_LANGUAGES) < set(LANGUAGES)


def test_a_fourth_language_is_a_new_respondent_catalogue_and_nothing_else(tmp_path):
    for lang, domain in (("pl", "respondent"), ("uk", "respondent"), ("de", "respondent")):
        folder = tmp_path / lang / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / f"{domain}.po").write_text("", encoding="utf-8")
    (tmp_path / "fr" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "fr" / "LC_MESSAGES" / "console.po").write_text("", encoding="utf-8")
    assert respondent_languages(tmp_path) == ("pl", "en", "de", "uk")


@pytest.mark.parametrize("lang", OTHERS)
@pytest.mark.parametrize("domain", RESPONDENT_DOMAINS)
def test_every_respondent_msgid_is_translated(lang, domain):
    """Every msgid of the default language's catalogue has a translation (all plural forms)
    with the same placeholders. After a merge, a failure lists what is left to translate."""
    reference = catalogue(DEFAULT_LANGUAGE, domain)
    cat = catalogue(lang, domain)
    problems = []
    for message in reference:
        if not message.id:
            continue
        ours = cat.get(message.id)
        if ours is None or not all(_forms(ours.string)):
            problems.append(f"untranslated: {key(message)!r}")
            continue
        wanted = names(message.id[-1] if isinstance(message.id, tuple) else message.id)
        for form in _forms(ours.string):
            if names(form) != wanted:
                problems.append(f"placeholders differ: {form!r}")
    assert not problems, f"{lang}/{domain}.po:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", OTHERS)
def test_every_string_the_respondent_pages_ask_for_is_translated(lang):
    """Every page, the kiosk and the phones included; also the msgids whose pl entry sits
    in another area's catalogue (the refusal line of error_pages, kept in console.po)."""
    asked: dict[str, str] = {}
    for path in RESPONDENT_TEMPLATES:
        for _, msg, _, _ in extract_from_file("jinja2", str(path)):
            asked[msg if isinstance(msg, str) else msg[0]] = path.name
    for path in RESPONDENT_MODULES:
        for _, msg, _, _ in extract_from_file("python", str(path)):
            asked[msg if isinstance(msg, str) else msg[0]] = path.name
    have = translated_ids(lang)
    missing = sorted(f"{where}: {msgid!r}" for msgid, where in asked.items() if msgid not in have)
    assert len(asked) > 50 and not missing, "\n".join(missing)


def test_ukrainian_catalogues_have_the_three_ukrainian_plural_forms():
    for domain in RESPONDENT_DOMAINS:
        cat = catalogue("uk", domain)
        assert cat.num_plurals == 3
        assert cat.mime_headers and dict(cat.mime_headers)["Plural-Forms"] == UK_PLURALS
    buffer = io.BytesIO()
    write_mo(buffer, catalogue("uk", "respondent"))
    buffer.seek(0)
    words = Translations(buffer, domain="respondent")
    single = (
        "Written comments are shown only when at least %(num)s person of your department "
        "answered, and never next to anyone's other answers."
    )
    plural = single.replace("%(num)s person", "%(num)s people")
    said = {
        n: words.ungettext(single, plural, n) % {"num": n}
        for n in (1, 2, 4, 5, 11, 12, 21, 22, 25, 101, 111)
    }
    for n in (1, 21, 101):
        assert f"відповіла щонайменше {n} особа " in said[n]
    for n in (2, 4, 22):
        assert f"відповіли щонайменше {n} особи " in said[n]
    for n in (5, 11, 12, 25, 111):
        assert f"відповіли щонайменше {n} осіб " in said[n]


def _texts(node, where: str = ""):
    """Every text table of a questionnaire file (a table keyed by language), with where."""
    if isinstance(node, dict):
        if DEFAULT_LANGUAGE in node:
            yield where, node
        for name, value in node.items():
            yield from _texts(value, f"{where}.{name}".lstrip("."))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _texts(value, f"{where}[{i}]")


@pytest.mark.parametrize("path", sorted(qn.QUESTIONNAIRE_DIR.glob("*.toml")), ids=lambda p: p.stem)
def test_every_questionnaire_text_is_in_every_respondent_language(path):
    """Statements, open and discussion questions, scale, title, intro: each in every
    respondent language, with the same {own}/{other} and as many entries in a list."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert data["languages"] == list(LANGUAGES)
    tables = list(_texts(data))
    assert len(tables) > 20
    for where, table in tables:
        assert set(table) == set(LANGUAGES), where
        first = table[DEFAULT_LANGUAGE]
        for lang, text in table.items():
            if isinstance(first, list):
                assert len(text) == len(first), f"{where}.{lang}"
                pairs = list(zip(first, text, strict=True))
            else:
                pairs = [(first, text)]
            for original, translation in pairs:
                assert names(translation) == names(original), f"{where}.{lang}: {translation}"
                assert translation.strip(), f"{where}.{lang}"


def test_round_create_lang_uk_works_and_its_respondents_read_ukrainian(run_cli, db, app):
    made = run_cli(
        "round", "create", "Осінь 2026", "--questionnaire", "sales-production",
        "--side-a", "Продажі", "--side-b", "Виробництво", "--lang", "uk",
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    (round_id,) = [r["id"] for r in db.query("SELECT id FROM rounds WHERE name = 'Осінь 2026'")]
    assert get_round(db, round_id).lang == "uk"
    open_round(db, round_id)
    client = app.test_client()
    assert client.get(f"/r/{new_code(app, round_id)}").status_code == 302
    welcome = client.get("/welcome").get_data(as_text=True)
    assert '<html lang="uk">' in welcome
    assert "<h1>Lustro: як ми бачимо одне одного</h1>" in welcome
    assert "Ви відповідаєте як особа з відділу «Продажі»." in welcome
    assert '<span aria-current="true">Українська</span>' in welcome
    first = client.get("/page/1").get_data(as_text=True)
    assert "Ми передаємо відділу «Виробництво» потрібну інформацію вчасно" in first
    assert "Скоріше погоджуюся" in first and "Не знаю" in first


def test_a_respondent_in_a_polish_round_can_switch_to_ukrainian(app, db, open_round_id):
    client = app.test_client()
    assert client.get(f"/r/{new_code(app, open_round_id)}").status_code == 302
    polish = client.get("/page/1").get_data(as_text=True)
    assert '<html lang="pl">' in polish and 'value="uk" lang="uk"' in polish
    client.get("/lang/uk?next=/page/1")
    page = client.get("/page/1").get_data(as_text=True)
    assert '<html lang="uk">' in page
    assert "Відділ «Produkcja» передає нам потрібну інформацію вчасно" in page


def test_the_start_page_and_a_refusal_speak_ukrainian(app):
    client = app.test_client()
    client.get("/lang/uk")
    start = client.get("/").get_data(as_text=True)
    assert '<html lang="uk">' in start and "Його надруковано на вашій картці" in start
    missing = client.get("/r/AAAA-BBBB-CCCC")
    assert "Такого коду ми не знаємо" in missing.get_data(as_text=True)


def test_the_workshop_phone_pages_speak_ukrainian(app, db):
    round_id = closed_round(db)
    workshop = workshop_store.create_workshop(db, round_id, "2h", ["information"])
    phone = app.test_client()
    phone.get("/lang/uk")
    join = phone.get("/w").get_data(as_text=True)
    assert '<html lang="uk">' in join and "Приєднатися до воркшопу" in join
    side = phone.get(f"/w/{workshop.join_code}").get_data(as_text=True)
    assert "З якої ви сторони?" in side


def test_the_console_keeps_to_the_staff_languages(app):
    """A browser that chose Ukrainian on the survey sees the console in Polish (or
    English), and the console's language switch offers no Ukrainian."""
    client = app.test_client()
    client.get("/lang/uk")
    login = client.get("/console/login", headers={"Accept-Language": "uk"})
    html = login.get_data(as_text=True)
    assert f'<html lang="{DEFAULT_LANGUAGE}">' in html
    assert "Українська" not in html
    assert all(LANGUAGE_NAMES[lang] in html for lang in STAFF_LANGUAGES)


def test_the_slips_of_a_ukrainian_round_speak_ukrainian(app, db):
    from survey.documents.slips import slip_texts

    round_id = create_round(
        db, "Осінь", "pulse", "Продажі", "Виробництво", lang="uk", closes_on="2099-12-04"
    )
    with app.app_context():
        words = slip_texts(get_round(db, round_id), "https://lustro.example", side="b")
    assert words.department == "Відділ: Виробництво"
    assert words.instruction.startswith("Відскануйте QR-код або відкрийте https://lustro.example")
    # CLDR's long Ukrainian date ends in "р." already: no second full stop.
    assert words.deadline == "Дайте відповідь до 4 грудня 2099\u202fр."
    assert words.promise.startswith("Код не пов’язаний із вашим ім’ям")


def test_the_mails_of_a_ukrainian_round_speak_ukrainian(app, db):
    from survey.mail.messages import texts

    round_id = create_round(
        db, "Осінь", "pulse", "Продажі", "Виробництво", lang="uk", closes_on="2099-12-04"
    )
    with app.test_request_context("/"):
        invite = texts(get_round(db, round_id), "invite", "https://lustro.example")
        remind = texts(get_round(db, round_id), "remind", "https://lustro.example")
    assert invite["subject"] == "Ваше запрошення до опитування «Осінь»"
    assert remind["subject"] == "Нагадування: опитування «Осінь» досі чекає на вас"
    assert invite["code_intro"] == "або перейдіть на https://lustro.example і введіть свій код:"
    assert invite["deadline"] == "Дайте відповідь до 4 грудня 2099\u202fр."
