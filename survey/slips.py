"""Printable invitations: an A4 sheet of cut-out slips (PDF) and a CSV for mail merge.

Codes are only ever in plain text here, on their way to paper or a file; the database
keeps their keyed hashes alone.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import segno
from flask import render_template
from flask_babel import force_locale, format_date

from .rounds import Round
from .text_rules import csv_cell

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
SLIPS_PER_PAGE = 8  # 2 columns × 4 rows on A4


def invite_url(base_url: str, code: str) -> str:
    """The link a slip's QR code opens: {PUBLIC_URL}/r/<code>."""
    return f"{base_url.rstrip('/')}/r/{code}"


def qr_data_uri(url: str) -> str:
    """The QR code as a PNG of exactly one pixel per module (printed without smoothing),
    so what is embedded can be compared module by module with the printed URL."""
    return segno.make(url, error="m").png_data_uri(scale=1, border=0)


def codes_csv(round_: Round, codes: list[str], base_url: str, side: str | None = None) -> str:
    """One row per code: code, url, side label (when given), round name (for mail merge)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "url", "side", "round"])
    for code in codes:
        row = [code, invite_url(base_url, code), round_.label(side) if side else "", round_.name]
        writer.writerow([csv_cell(value) for value in row])
    return out.getvalue()


def render_slips_pdf(
    round_: Round, codes: list[str], base_url: str, side: str | None = None
) -> bytes:
    """An A4 PDF of cut-out slips in the round's language (the side's label printed when
    given, to help hand the right pile out). Needs an app context."""
    from weasyprint import HTML

    slips = [
        {
            "code": code,
            "url": invite_url(base_url, code),
            "qr": qr_data_uri(invite_url(base_url, code)),
        }
        for code in codes
    ]
    pages = [slips[i : i + SLIPS_PER_PAGE] for i in range(0, len(slips), SLIPS_PER_PAGE)]
    with force_locale(round_.lang):
        closes = (
            format_date(dt.date.fromisoformat(round_.closes_on), format="long")
            if round_.closes_on
            else None
        )
        html = render_template(
            "slips/sheet.html",
            round=round_,
            side_label=round_.label(side) if side else None,
            pages=pages,
            lang=round_.lang,
            closes=closes,
            site=base_url.rstrip("/"),
        )
    return HTML(string=html, base_url=str(FONT_DIR) + "/").write_pdf()
