"""One place for each fact: which sides and languages there are, and the side facing a side,
are written once (survey/store/sides.py, survey/store/languages.py) and read everywhere else.
A copy elsewhere is what a change to more departments or languages would miss.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from survey.store.languages import LANGUAGE_NAMES, LANGUAGES, STAFF_LANGUAGES
from survey.store.sides import SIDES

ROOT = Path(__file__).resolve().parents[1]
HOMES = {"SIDES": "survey/store/sides.py", "LANGUAGES": "survey/store/languages.py"}
HOMES["LANGUAGE_NAMES"] = HOMES["STAFF_LANGUAGES"] = HOMES["LANGUAGES"]
# Migrations are frozen history: they keep the sides and languages as they were written.
FROZEN = {"survey/store/migrations.py"}
FACTS = {
    "SIDES": set(SIDES),
    "LANGUAGES": set(LANGUAGES),
    "STAFF_LANGUAGES": set(STAFF_LANGUAGES),
}
# Each "don't know" encoding has its own name (slots.DONT_KNOW_STORED, transfer.CSV_DONT_KNOW,
# answer_page.DONT_KNOW_CHOICE, aggregates.DONT_KNOW_PACKED); a bare DONT_KNOW says none.
AMBIGUOUS = {"DONT_KNOW"}
JINJA_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
QUOTED = re.compile(r"""["']([^"']*)["']""")
SIDES_LISTED = re.compile(
    r"[(\[]\s*" + r"\s*,\s*".join(f"[\"']{s}[\"']" for s in SIDES) + r"\s*[)\]]"
)
OTHER_BY_HAND = re.compile(r"""["'](\w+)["'] if [\w.]+ == ["'](\w+)["'] else ["'](\w+)["']""")


def copies(source: str, path: str) -> list[str]:
    """Where a Python source writes a fact of SIDES or LANGUAGES again, outside its home."""
    found = []
    for node in ast.walk(ast.parse(source)):
        line = f"{path}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                name = getattr(target, "id", None)
                if name in AMBIGUOUS or (name in HOMES and HOMES[name] != path):
                    found.append(f"{line} defines {name}")
        if isinstance(node, ast.Tuple | ast.List | ast.Set) and node.elts:
            values = {getattr(e, "value", None) for e in node.elts}
            if all(isinstance(e, ast.Constant) for e in node.elts):
                for fact, members in FACTS.items():
                    if values == members and HOMES[fact] != path:
                        found.append(f"{line} writes {fact} as a literal")
        if isinstance(node, ast.IfExp):
            picks = {getattr(node.body, "value", None), getattr(node.orelse, "value", None)}
            if picks == set(SIDES) and HOMES["SIDES"] != path:
                found.append(f"{line} works out the other side by hand")
    return found


def template_copies(source: str, path: str) -> list[str]:
    """Where a template lists the languages or names one (instead of `language_names`),
    lists the sides (instead of `sides`) or works out the other side (`other_side`)."""
    found = []
    for match in JINJA_TAG.finditer(source):
        tag = match.group()
        where = f"{path}:{source.count(chr(10), 0, match.start()) + 1}"
        strings = set(QUOTED.findall(tag))
        listed = any(set(langs) <= strings for langs in (LANGUAGES, STAFF_LANGUAGES))
        if listed or strings & set(LANGUAGE_NAMES.values()):
            found.append(f"{where} writes the languages: {tag[:60]}")
        if SIDES_LISTED.search(tag):
            found.append(f"{where} writes the sides: {tag[:60]}")
        if any(set(picks) == set(SIDES) for picks in OTHER_BY_HAND.findall(tag)):
            found.append(f"{where} works out the other side by hand: {tag[:60]}")
    return found


def python_files() -> list[Path]:
    return sorted(p for top in ("survey", "reports") for p in (ROOT / top).rglob("*.py"))


def test_sides_and_languages_are_written_only_in_their_home():
    found = []
    for file in python_files():
        path = file.relative_to(ROOT).as_posix()
        if path not in FROZEN:
            found += copies(file.read_text(encoding="utf-8"), path)
    assert not found, "\n".join(found)


def test_templates_take_the_languages_and_sides_from_the_one_list():
    found = []
    for file in sorted((ROOT / "templates").rglob("*.html")):
        found += template_copies(
            file.read_text(encoding="utf-8"), file.relative_to(ROOT).as_posix()
        )
    assert not found, "\n".join(found)


def test_the_checks_see_each_kind_of_copy():
    """The checks above are only worth something if they can fail."""
    source = (
        'SIDES = ("a", "b")\n'
        f"everyone = {list(LANGUAGES)!r}\n"
        f"for lang in {list(STAFF_LANGUAGES)!r}:\n"
        '    other = "b" if side == "a" else "a"\n'
        'DONT_KNOW = "dk"\n'
    )
    assert sorted(found.split(" ", 1)[1] for found in copies(source, "survey/x.py")) == [
        "defines DONT_KNOW",
        "defines SIDES",
        "works out the other side by hand",
        "writes LANGUAGES as a literal",
        "writes SIDES as a literal",
        "writes STAFF_LANGUAGES as a literal",
    ]
    assert copies('SIDES = ("a", "b")\n', HOMES["SIDES"]) == []
    template = '{% for code in ("pl", "en") %}{{ "Polski" if lang == "pl" else "x" }}{% endfor %}'
    template += '{% for side in ("a", "b") %}{{ label["b" if side == "a" else "a"] }}{% endfor %}'
    assert len(template_copies(template, "templates/x.html")) == 4
    assert template_copies('{{ _("%(a)s", a=label("a")) }}', "templates/x.html") == []
