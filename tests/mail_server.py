"""A real SMTP server for the mail tests (aiosmtpd on a free local port): it keeps every
message it accepted, and can refuse chosen addresses for a while or for good."""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import re
import socket
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller

from survey.store.connection import write_transaction

CODE_IN_LINK = re.compile(r"/r/([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Inbox:
    """What the server received, and its refusals: address -> remaining 451 answers, and
    addresses always answered 550."""

    messages: list[email.message.EmailMessage] = field(default_factory=list)
    busy: dict[str, int] = field(default_factory=dict)
    unknown: set[str] = field(default_factory=set)
    envelope_senders: dict[str, str] = field(default_factory=dict)  # address -> MAIL FROM
    delay: float = 0.0  # seconds before each message is accepted: a slow server

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.unknown:
            return "550 5.1.1 No such user"
        if self.busy.get(address, 0) > 0:
            self.busy[address] -= 1
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(message)  # type: ignore[arg-type]
        for address in envelope.rcpt_tos:
            self.envelope_senders[address] = envelope.mail_from
        return "250 Message accepted"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def clear(self) -> None:
        self.messages.clear()


def code_of(message) -> str:
    """The code of a message's own link (plain text part); its HTML must carry the same."""
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    codes = set(CODE_IN_LINK.findall(plain)) | set(CODE_IN_LINK.findall(html))
    assert len(codes) == 1, codes
    code = codes.pop()
    assert code in plain.split() and code in html
    return code


def start(inbox: Inbox) -> Controller:
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller


SENDER = "ankieta@firma.example"


PUBLIC_URL = "https://ankieta.example.pl"


def serving(monkeypatch):
    """Start a server for one test and point the app's SURVEY_MAIL_* settings at it;
    yields its Inbox (use as `yield from serving(monkeypatch)` in a fixture)."""
    box = Inbox()
    controller = start(box)
    monkeypatch.setenv("SURVEY_MAIL_SERVER", "127.0.0.1")
    monkeypatch.setenv("SURVEY_MAIL_PORT", str(controller.port))
    monkeypatch.setenv("SURVEY_MAIL_DEFAULT_SENDER", SENDER)
    monkeypatch.setenv("SURVEY_INVITE_KEY", "test-invite-key")  # the app fixture's too
    monkeypatch.setenv("SURVEY_PUBLIC_URL", PUBLIC_URL)  # a command's links need it
    monkeypatch.setattr("survey.mail.sending.RETRY_PAUSE", 0.01)
    try:
        yield box
    finally:
        controller.stop()


def offer_only(db, languages: list[str]) -> None:
    """Make the rounds' frozen questionnaires offer only `languages`, as rounds made from a
    questionnaire file with only those texts would (the shipped ones offer every language)."""

    def keep(value):
        if isinstance(value, dict):
            return {k: keep(v) for k, v in value.items() if k not in dropped}
        return [keep(v) for v in value] if isinstance(value, list) else value

    for round_id, frozen in db.execute("SELECT id, questionnaire_json FROM rounds").fetchall():
        data = json.loads(frozen)
        dropped = set(data["languages"]) - set(languages)
        data = keep(data) | {"languages": languages}
        with write_transaction(db):
            db.execute(
                "UPDATE rounds SET questionnaire_json = ? WHERE id = ?",
                [json.dumps(data), round_id],
            )
