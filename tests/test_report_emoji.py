"""Emoji in side names print as one picture each in the gap report (issue 21, item 12): the
woman cook 👩‍🍳 is a sequence (woman, zero-width joiner, cooking) that only a font with
emoji sequences draws as one glyph; a font without them (Symbola) drew a woman and a pan.

Read from the real PDF: every run of text shown in an emoji font is one glyph per name."""

from __future__ import annotations

import io

from pypdf import PdfReader
from pypdf.generic import ContentStream
from report_fixtures import build_analysis

from reports.pdf import pdf_bytes, render_report_html
from survey.store.questionnaire import load

COOK = "\U0001f469\u200d\U0001f373"  # woman cook: woman, zero-width joiner, cooking
EMOJI_FONTS = ("Emoji", "Symbola")


def emoji_runs(data: bytes) -> list[tuple[str, int]]:
    """(font, glyphs) of every text-showing operation in an emoji font, on every page."""
    reader = PdfReader(io.BytesIO(data))
    runs = []
    for page in reader.pages:
        fonts = {
            name: str(ref.get_object()["/BaseFont"])
            for name, ref in page["/Resources"]["/Font"].items()
        }
        font = ""
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"Tf":
                font = fonts[operands[0]]
            elif operator in (b"Tj", b"TJ") and any(f in font for f in EMOJI_FONTS):
                pieces = operands[0] if operator == b"TJ" else [operands[0]]
                # Identity-H: two bytes a glyph; numbers in a TJ array are only spacing.
                glyphs = sum(
                    len(piece.get_original_bytes()) // 2
                    for piece in pieces
                    if hasattr(piece, "get_original_bytes")
                )
                runs.append((font, glyphs))
    return runs


def emoji_font_texts(data: bytes) -> set[str]:
    """The texts drawn in an emoji font (pypdf's text visitor), blanks left out."""
    texts: set[str] = set()

    def visit(text, _cm, _tm, font, _size) -> None:
        if font and any(f in str(font.get("/BaseFont")) for f in EMOJI_FONTS) and text.strip():
            texts.add(text.strip())

    for page in PdfReader(io.BytesIO(data)).pages:
        page.extract_text(visitor_text=visit)
    return texts


def test_the_woman_cook_in_a_side_name_prints_as_one_glyph():
    analysis = build_analysis("pl")
    analysis["sides"]["b"]["label"] = f"Kuchnia {COOK}"
    data = pdf_bytes(render_report_html(analysis, load("sales-production"), "pl"))
    runs = emoji_runs(data)
    assert runs, "the side name's emoji is not in the PDF"
    assert {glyphs for _font, glyphs in runs} == {1}, runs
    assert all("Noto-Color-Emoji" in font for font, _glyphs in runs), runs
    # Only the emoji: digits and spaces stay in DejaVu Sans (an emoji font named for all
    # characters took the report's figures too).
    assert emoji_font_texts(data) == {COOK}
