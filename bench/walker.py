"""A respondent that walks the survey like a browser without JavaScript, knowing only HTML.

It reads each page's POST form (action, every hidden input, radio groups, textareas, text
inputs, submit buttons), fills it, presses the form's default button (what Enter does: the
first submit button in the document that belongs to the form, also one outside it that
names the form with `form="id"`) and
follows redirects one hop at a time. A page without a form is left through its first
`a.button` link (the welcome page's "Begin"). So it keeps working whether the survey keeps
its state on the server or in hidden fields. Every walk is bounded in steps.
"""

from __future__ import annotations

import argparse
import html
import random
import re
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
FIELD = re.compile(
    r"<(input|button)\b([^>]*)>|<textarea\b([^>]*)>(.*?)</textarea>|<select\b([^>]*)>(.*?)</select>",
    re.S | re.I,
)
OPTION = re.compile(r"<option\b([^>]*)>", re.I)
ATTR = re.compile(r"""([a-zA-Z_:][-\w:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
BUTTON_LINK = re.compile(r"""<a\b[^>]*class="[^"]*\bbutton\b[^"]*"[^>]*>""", re.I)
COMMENT = "Więcej rozmów, mniej maili."
MAX_STEPS = 80
MAX_REDIRECTS = 5


def attributes(text: str) -> dict[str, str]:
    found = {}
    for name, double, single, bare in ATTR.findall(text):
        found[name.lower()] = html.unescape(double or single or bare)
    return found


def token(page: str) -> str:
    """The page's CSRF token (the first hidden input named csrf_token)."""
    for match in re.finditer(r"<input\b([^>]*)>", page, re.I):
        found = attributes(match.group(1))
        if found.get("name") == "csrf_token":
            return found.get("value", "")
    raise RuntimeError("no CSRF token on the page")


@dataclass
class Form:
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)  # hidden and text, in order
    radios: dict[str, list[str]] = field(default_factory=dict)
    textareas: list[str] = field(default_factory=list)
    selects: dict[str, list[str]] = field(default_factory=dict)
    button: tuple[str, str] | None = None  # the first submit button's name and value

    @property
    def size(self) -> int:
        return len(self.fields) + len(self.radios) + len(self.textareas) + len(self.selects)

    def fill(self, rng: random.Random, code: str) -> dict[str, str]:
        """Every radio group answered at random, every textarea written, the code typed."""
        data = {}
        for name, value in self.fields:
            data[name] = code if "code" in name.lower() and not value else value
        for name, values in self.radios.items():
            data[name] = rng.choice(values)
        for name, values in self.selects.items():
            data[name] = rng.choice(values)
        for name in self.textareas:
            data[name] = COMMENT
        if self.button and self.button[0]:
            data[self.button[0]] = self.button[1]
        return data


SUBMIT = re.compile(r"<(button|input)\b([^>]*)>", re.I)


def _is_submit(tag: str, attrs: dict[str, str]) -> bool:
    default = "submit" if tag.lower() == "button" else "text"
    return attrs.get("type", default).lower() == "submit"


def _outside_default(page: str, form_id: str, form_start: int) -> tuple[str, str] | None:
    """A submit button outside the form that names it and comes before the form: it is
    then the form's default button (HTML's tree order)."""
    for match in SUBMIT.finditer(page, 0, form_start):
        a = attributes(match.group(2))
        if a.get("form") == form_id and _is_submit(match.group(1), a):
            return a.get("name", ""), a.get("value", "")
    return None


def parse_forms(page: str, url: str) -> list[Form]:
    """The page's POST forms."""
    forms = []
    for found in FORM.finditer(page):
        form_attrs, body = found.groups()
        attrs = attributes(form_attrs)
        if attrs.get("method", "get").lower() != "post":
            continue
        form = Form(urljoin(url, attrs.get("action") or url))
        if attrs.get("id"):
            form.button = _outside_default(page, attrs["id"], found.start())
        for match in FIELD.finditer(body):
            tag, tag_attrs, area_attrs, _text, select_attrs, options = match.groups()
            if area_attrs is not None:
                name = attributes(area_attrs).get("name")
                if name:
                    form.textareas.append(name)
                continue
            if select_attrs is not None:
                name = attributes(select_attrs).get("name")
                values = [attributes(o).get("value", "") for o in OPTION.findall(options)]
                if name and values:
                    form.selects[name] = values
                continue
            a = attributes(tag_attrs)
            kind = a.get("type", "submit" if tag.lower() == "button" else "text").lower()
            name = a.get("name", "")
            if kind == "submit":
                if form.button is None:
                    form.button = (name, a.get("value", ""))
            elif kind == "radio" and name:
                form.radios.setdefault(name, []).append(a.get("value", "on"))
            elif kind in ("hidden", "text", "search", "email", "number") and name:
                form.fields.append((name, a.get("value", "")))
        forms.append(form)
    return forms


@dataclass
class Timings:
    """What one level's respondents saw."""

    requests: list[float] = field(default_factory=list)
    submits: list[float] = field(default_factory=list)
    acknowledged: int = 0
    errors: list[str] = field(default_factory=list)


def add_walk_arguments(parser: argparse.ArgumentParser) -> None:
    """The options that tell the walker where a survey starts, sends and is acknowledged
    (the same for the load test and the in-process profile)."""
    parser.add_argument("--start", default="/", help="where a respondent starts")
    parser.add_argument("--submit-path", default="/submit", help="the form action that sends")
    parser.add_argument("--done-path", default="/thanks", help="the page that acknowledges")
    parser.add_argument(
        "--done-text",
        default="Twoje odpowiedzi dotarły.",
        help="or the text that acknowledges (Send answered with the page itself)",
    )


class Respondent:
    """One person with one invite code, their own cookies and connection."""

    def __init__(self, client: httpx.AsyncClient, code: str, rng: random.Random, args) -> None:
        self.client, self.code, self.rng = client, code, rng
        self.submit_path, self.done_path = args.submit_path, args.done_path
        self.done_text = args.done_text
        self.url = ""
        self.page = ""

    async def request(self, timings: Timings, method: str, url: str, data=None) -> httpx.Response:
        """One request and its redirects, each hop timed as a request of its own."""
        for _ in range(MAX_REDIRECTS + 1):
            started = time.perf_counter()
            response = await self.client.request(method, url, data=data)
            timings.requests.append(time.perf_counter() - started)
            self.url = str(response.url)
            if response.status_code not in (301, 302, 303, 307, 308):
                self.page = response.text
                return response
            url, method, data = urljoin(self.url, response.headers["location"]), "GET", None
        raise RuntimeError(f"more than {MAX_REDIRECTS} redirects from {url}")

    async def walk_to_submit(self, timings: Timings, start: str) -> Form:
        """From the landing page to the form that sends the answers; return that form."""
        response = await self.request(timings, "GET", start)
        for _ in range(MAX_STEPS):
            if response.status_code != 200:
                raise RuntimeError(f"{urlsplit(self.url).path} answered {response.status_code}")
            forms = parse_forms(self.page, self.url)
            if not forms:
                link = BUTTON_LINK.search(self.page)
                if not link:
                    raise RuntimeError(f"nothing to press on {urlsplit(self.url).path}")
                href = attributes(link.group(0)[2:-1])["href"]
                response = await self.request(timings, "GET", urljoin(self.url, href))
                continue
            form = max(forms, key=lambda f: f.size)
            if urlsplit(form.action).path.endswith(self.submit_path):
                return form
            response = await self.request(
                timings, "POST", form.action, form.fill(self.rng, self.code)
            )
        raise RuntimeError(f"no submit form within {MAX_STEPS} pages")

    async def submit(self, timings: Timings, form: Form) -> None:
        """Send the answers; acknowledged when the redirects end on the thank-you page, or
        the answer shows the thank-you text."""
        count = len(timings.requests)
        response = await self.request(timings, "POST", form.action, form.fill(self.rng, self.code))
        timings.submits.append(timings.requests[count])  # the POST itself, not its redirects
        thanked = urlsplit(self.url).path.endswith(self.done_path) or (
            self.done_text is not None and self.done_text in self.page
        )
        if response.status_code == 200 and thanked:
            timings.acknowledged += 1
        else:
            timings.errors.append(
                f"submit ended on {urlsplit(self.url).path} ({response.status_code})"
            )
