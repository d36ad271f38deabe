"""Delivery reports that come back after a sending (RFC 3464 "delivery status
notifications"): read from message files, maildir folders or mbox files, and turned into
what each says failed, for the core to match against the round's sealed invitations
(mailing.mark_bounced). Only a report whose recipient's Action is "failed" counts: a
"delayed" one is the mail server still trying. Nothing here keeps or prints an address."""

from __future__ import annotations

import email
import email.policy
import mailbox
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from email.message import Message
from email.utils import getaddresses
from pathlib import Path

from ..store.mailing import BOUNCE_TOKEN_LENGTH, Report

# The headers a report's own envelope address (MAIL_BOUNCE_ADDRESS+token) shows up in, on
# the report itself and on the returned headers of the message that bounced.
ENVELOPE_HEADERS = ("To", "Delivered-To", "X-Original-To", "Envelope-To", "Return-Path")
RETURNED_PARTS = ("message/rfc822", "text/rfc822-headers")


@dataclass(frozen=True)
class Found:
    """What the files held: how many messages, and the reports of a failed delivery."""

    messages: int
    reports: list[Report]


def read_reports(paths: Iterable[str | Path], bounce_address: str | None) -> Found:
    """Every message in `paths` (a file, an mbox file, or a folder: maildir or one message
    a file), and the failed-delivery reports among them."""
    token = _token_pattern(bounce_address)
    count, reports = 0, []
    for message in _messages(paths):
        count += 1
        report = failed_delivery(message, token)
        if report is not None:
            reports.append(report)
    return Found(count, reports)


def failed_delivery(message: Message, token: re.Pattern[str] | None) -> Report | None:
    """The report's failed recipients and envelope tokens; None when the message is no
    delivery report, or one that says only "delayed", "delivered" or "relayed"."""
    status = next(
        (part for part in message.walk() if part.get_content_type() == "message/delivery-status"),
        None,
    )
    if status is None:
        return None
    failed = set()
    for fields in _status_blocks(status)[1:]:  # the first block is about the report itself
        if str(fields.get("Action", "")).strip().lower() != "failed":
            continue
        for name in ("Final-Recipient", "Original-Recipient"):
            kind, _, address = str(fields.get(name, "")).partition(";")
            if kind.strip().lower() == "rfc822" and "@" in address:
                failed.add(address.strip().strip("<>"))
    if not failed:
        return None
    tokens = set()
    if token is not None:
        for part in [message, *_returned(message)]:
            for header in ENVELOPE_HEADERS:
                for _, address in getaddresses([str(v) for v in part.get_all(header, [])]):
                    if match := token.fullmatch(address.strip().lower()):
                        tokens.add(match.group(1))
    return Report(frozenset(tokens), frozenset(failed))


def _token_pattern(bounce_address: str | None) -> re.Pattern[str] | None:
    if not bounce_address:
        return None
    local, _, domain = bounce_address.lower().rpartition("@")
    return re.compile(
        rf"{re.escape(local)}\+([0-9a-f]{{{BOUNCE_TOKEN_LENGTH}}})@{re.escape(domain)}"
    )


def _status_blocks(part: Message) -> list[Message]:
    """The field blocks of a message/delivery-status part (the email package parses them
    as a list of header blocks; a report saved by hand may hold them as text)."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return [block for block in payload if isinstance(block, Message)]
    text = payload if isinstance(payload, str) else ""
    return [email.message_from_string(block) for block in re.split(r"\r?\n\r?\n", text.strip())]


def _returned(message: Message) -> Iterator[Message]:
    """The returned message (or its headers) a report carries."""
    for part in message.walk():
        if part.get_content_type() == "message/rfc822":
            payload = part.get_payload()
            yield from (p for p in payload if isinstance(p, Message))
        elif part.get_content_type() == "text/rfc822-headers":
            data = part.get_payload(decode=True)
            if isinstance(data, bytes):
                yield email.message_from_bytes(data)


def _messages(paths: Iterable[str | Path]) -> Iterator[Message]:
    for name in paths:
        path = Path(name)
        if path.is_dir() and (path / "cur").is_dir() and (path / "new").is_dir():
            folder = mailbox.Maildir(path, create=False)
            for key in folder.iterkeys():
                yield _parse(folder.get_bytes(key))
        elif path.is_dir():
            for child in sorted(path.iterdir()):
                if child.is_file():
                    yield _parse(child.read_bytes())
        elif path.read_bytes()[:5] == b"From ":
            box = mailbox.mbox(path, create=False)
            try:
                for key in box.iterkeys():
                    yield _parse(box.get_bytes(key))
            finally:
                box.close()
        else:
            yield _parse(path.read_bytes())


def _parse(data: bytes) -> Message:
    return email.message_from_bytes(data, policy=email.policy.compat32)
