"""Printable invitations: an A4 sheet of cut-out slips (PDF) and a CSV for mail merge.

Codes are only ever in plain text here, on their way to paper or a file; the database
keeps their keyed hashes alone.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import BinaryIO

from flask_babel import force_locale
from flask_babel import gettext as _

from ..store.languages import long_date
from ..store.rounds import Round
from ..store.text_rules import csv_cell
from .slip_pdf import SlipText, write_slips


def invite_url(base_url: str, code: str) -> str:
    """The link a slip's QR code opens: {PUBLIC_URL}/r/<code>."""
    return f"{base_url.rstrip('/')}/r/{code}"


def codes_csv(round_: Round, codes: list[str], base_url: str, side: str | None = None) -> str:
    """One row per code: code, url, side label (when given), round name (for mail merge)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "url", "side", "round"])
    for code in codes:
        row = [code, invite_url(base_url, code), round_.label(side) if side else "", round_.name]
        writer.writerow([csv_cell(value) for value in row])
    return out.getvalue()


def slip_texts(round_: Round, base_url: str, side: str | None = None) -> SlipText:
    """The words every slip of a batch shares, in the round's language (the side's label
    printed when given, to help hand the right pile out). Needs an app context."""
    with force_locale(round_.lang):
        closes = long_date(round_.closes_on, round_.lang) if round_.closes_on else None
        return SlipText(
            title=round_.name,
            department=_("Department: %(side)s", side=round_.label(side)) if side else None,
            instruction=_(
                "Scan the QR code, or open %(site)s and type your code:",
                site=base_url.rstrip("/"),
            ),
            deadline=_("Answer by %(date)s.", date=closes) if closes else None,
            promise=_("The code is not tied to your name: nobody can see who answered what."),
        )


def write_slips_pdf(
    texts: SlipText,
    codes: list[str],
    base_url: str,
    target: BinaryIO,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Draw the slips of `codes` into `target` (a file or buffer), reporting progress
    page by page. Needs no app context, so it can run in a worker thread."""
    slips = ((code, invite_url(base_url, code)) for code in codes)
    write_slips(texts, slips, len(codes), target, progress)


def render_slips_pdf(
    round_: Round, codes: list[str], base_url: str, side: str | None = None
) -> bytes:
    """An A4 PDF of cut-out slips, as bytes. Needs an app context."""
    buffer = io.BytesIO()
    write_slips_pdf(slip_texts(round_, base_url, side), codes, base_url, buffer)
    return buffer.getvalue()
