"""The invitation and the reminder: plain text and HTML, in the person's language (the
round's when their line named none), each with the person's own link and code; the link
opens the survey in that language. Needs an app context (the catalogues)."""

from __future__ import annotations

import datetime as dt
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import make_msgid
from urllib.parse import urlencode

from flask import current_app
from flask_babel import force_locale, format_date, ngettext
from flask_babel import gettext as _
from jinja2 import Template

from ..documents.slips import invite_url
from ..store.mailing import Recipient
from ..store.rounds import Round


def texts(
    round_: Round, kind: str, base_url: str, lang: str | None = None
) -> dict[str, str | None]:
    """The words every message of a sending in `lang` (default: the round's) shares (the
    code and link are added per person); also what the console's preview shows."""
    lang = lang or round_.lang
    with force_locale(lang):
        closes = (
            format_date(dt.date.fromisoformat(round_.closes_on), format="long")
            if round_.closes_on
            else None
        )
        remind = kind == "remind"
        days = (
            (dt.date.fromisoformat(round_.closes_on) - round_.today()).days
            if round_.closes_on
            else 0
        )
        return {
            "lang": lang,
            "subject": (
                _("Reminder: the survey “%(round)s” still waits for you", round=round_.name)
                if remind
                else _("Your invitation to the survey “%(round)s”", round=round_.name)
            ),
            "opening": (
                _(
                    "You have not answered the survey “%(round)s” yet; your code still works.",
                    round=round_.name,
                )
                if remind
                else _(
                    "You are invited to answer the survey “%(round)s”, about how the "
                    "departments work together. It takes about fifteen minutes.",
                    round=round_.name,
                )
            ),
            "link_intro": _("Open your own link:"),
            "code_intro": _("or go to %(site)s and type your code:", site=base_url.rstrip("/")),
            "deadline": _("Answer by %(date)s.", date=closes) if closes else None,
            "days_left": (
                ngettext(
                    "The survey closes in %(num)s day.", "The survey closes in %(num)s days.", days
                )
                if days > 0
                else None
            ),
            "promise": _("The code is not tied to your name: nobody can see who answered what."),
            "address_rule": _(
                "Your address is kept only to remind you while you have not answered, and is "
                "deleted when the survey closes."
            ),
        }


def link(words: dict[str, str | None], code: str, base_url: str) -> str:
    """The person's own link, opening the survey in the message's language."""
    return f"{invite_url(base_url, code)}?{urlencode({'lang': words['lang']})}"


def plain_text(words: dict[str, str | None], code: str, base_url: str) -> str:
    """The plain-text body (also the console's preview, with a stand-in code)."""
    lines = [
        words["opening"],
        "",
        words["link_intro"],
        link(words, code, base_url),
        "",
        words["code_intro"],
        code,
        "",
        words["deadline"],
        words["days_left"],
        words["promise"],
        words["address_rule"],
    ]
    return "\n".join(line for line in lines if line is not None) + "\n"


def html_template() -> Template:
    """The HTML body's template, alone: without the page context processors (they read a
    request), and fetched once, so messages can be made in threads with no app context."""
    return current_app.jinja_env.get_template("mail/message.html")


def compose(
    words: dict[str, str | None],
    recipient: Recipient,
    base_url: str,
    sender: str,
    template: Template,
) -> Message:
    """One person's message: plain text with an HTML alternative, both UTF-8. Built with
    the email package's classic MIME classes: five times faster than EmailMessage's
    default policy, which counts at thousands of messages (bench/mail.py)."""
    message = MIMEMultipart("alternative")
    # The Header itself, not its .encode(): a string would be folded after "Subject:",
    # and readers show the subject with a leading space.
    message["Subject"] = Header(words["subject"] or "", "utf-8")  # type: ignore[assignment]
    message["From"] = sender
    message["To"] = recipient.address
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.attach(MIMEText(plain_text(words, recipient.code, base_url), "plain", "utf-8"))
    html = template.render(
        words=words, link=link(words, recipient.code, base_url), code=recipient.code
    )
    message.attach(MIMEText(html, "html", "utf-8"))
    return message
