"""The slips PDF drawn directly with reportlab: A4 sheets of 2 × 4 cut-out slips.

WeasyPrint laid out one slip in about 50 ms and held every page in memory (5,000 slips:
minutes and gigabytes); the slip is a fixed layout, so it is drawn here at known positions:
the texts shared by every slip are wrapped once, then each slip costs one QR image and a few
strings. Text falls back, character by character, from DejaVu to a font with emoji
(Symbola) so side names like "Kuchnia 🍳" print instead of empty boxes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import BinaryIO

import segno
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

FONT_FILES = {
    "DejaVuSans": ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"],
    "DejaVuSans-Bold": ["/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"],
    "DejaVuSansMono-Bold": ["/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"],
    # Debian's fonts-symbola (.ci/system-deps.sh): monochrome emoji and symbols.
    "Symbola": [
        "/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf",
        "/usr/share/fonts/truetype/ancient-scripts/Symbola.ttf",
    ],
}
FALLBACK = "Symbola"
SLIPS_PER_PAGE = 8
COLUMNS, ROWS = 2, 4
MARGIN = 8 * mm
SLIP_W, SLIP_H = 97 * mm, 70 * mm
PAD_X, PAD_Y = 5 * mm, 4 * mm
QR_SIZE = 30 * mm
GAP = 4 * mm
TEXT_X = PAD_X + QR_SIZE + GAP
TEXT_W = SLIP_W - TEXT_X - PAD_X

# (font, size in pt, space after in mm) of each kind of line on a slip.
STYLES = {
    "title": ("DejaVuSans-Bold", 10.5, 1.5),
    "meta": ("DejaVuSans", 9, 1),
    "code": ("DejaVuSansMono-Bold", 15, 1.5),
    "promise": ("DejaVuSans", 8, 0),
    "url": ("DejaVuSans", 6.5, 0),
}


@dataclass(frozen=True)
class SlipText:
    """What every slip of one batch says, already in the round's language."""

    title: str
    department: str | None
    instruction: str
    deadline: str | None
    promise: str


def _utf16_hex(match: re.Match) -> str:
    """A code point beyond U+FFFF as the UTF-16 pair PDF readers expect."""
    return "<" + chr(int(match.group(1), 16)).encode("utf-16-be").hex().upper() + ">"


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab writes emoji (beyond U+FFFF) as 5 hex digits, which no reader can map
    back to text; write them as UTF-16 pairs so the PDF's text says what it shows."""
    return re.sub(r"<([0-9A-F]{5,6})>", _utf16_hex, _reportlab_cmap(fontname, subset))


_reportlab_cmap = ttfonts.makeToUnicodeCMap
ttfonts.makeToUnicodeCMap = _to_unicode_cmap


@cache
def _fonts() -> dict[str, set[int]]:
    """Register the fonts once per process; each font's set of characters it can draw."""
    covered = {}
    for name, candidates in FONT_FILES.items():
        path = next((p for p in candidates if Path(p).is_file()), None)
        if path is None:
            if name == FALLBACK:
                continue  # no emoji font installed: emoji print as boxes, text still prints
            raise RuntimeError(f"Font {name} is missing: run .ci/system-deps.sh")
        font = TTFont(name, path)
        pdfmetrics.registerFont(font)
        covered[name] = set(font.face.charToGlyph)
    return covered


def runs(text: str, font: str) -> list[tuple[str, str]]:
    """The text cut into (font, piece) runs: `font` where it has the glyph, else the
    emoji font when that has it."""
    covered = _fonts()
    result: list[tuple[str, str]] = []
    for char in text:
        use = font
        if ord(char) not in covered[font]:
            if ord(char) in covered.get(FALLBACK, ()):
                use = FALLBACK
            elif unicodedata.category(char) in ("Cf", "Mn"):
                continue  # an emoji's variation selector or joiner: invisible anyway
        if result and result[-1][0] == use:
            result[-1] = (use, result[-1][1] + char)
        else:
            result.append((use, char))
    return result


def width(text: str, font: str, size: float) -> float:
    return sum(pdfmetrics.stringWidth(piece, name, size) for name, piece in runs(text, font))


def wrap(text: str, font: str, size: float, max_width: float, anywhere: bool = False) -> list[str]:
    """Greedy wrapping at spaces; a word wider than the line (or any text, with
    `anywhere`, as for a URL) is cut between characters."""
    lines: list[str] = []
    line = ""
    tokens = list(text) if anywhere else text.split(" ")
    joiner = "" if anywhere else " "
    for token in tokens:
        candidate = f"{line}{joiner}{token}" if line else token
        if width(candidate, font, size) <= max_width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = token
        while width(line, font, size) > max_width and len(line) > 1:
            cut = len(line) - 1
            while cut > 1 and width(line[:cut], font, size) > max_width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
    if line:
        lines.append(line)
    return lines


def url_lines(url: str, font: str, size: float, max_width: float) -> list[str]:
    """The link under the QR code, broken only where a reader expects it: the address is
    cut after a "/" or "." (between characters only when a part is wider than the line),
    and the code after the last "/" stays whole on a line of its own, so nobody copies
    half a code from one line and half from the next."""
    address, slash, code = url.rpartition("/")
    parts = re.findall(r"[^/.]*[/.]|[^/.]+$", address + slash)
    lines: list[str] = []
    for part in parts:
        if lines and width(lines[-1] + part, font, size) <= max_width:
            lines[-1] += part
        else:
            lines += wrap(part, font, size, max_width, anywhere=True)
    if lines and width(lines[-1] + code, font, size) <= max_width:
        lines[-1] += code
    else:
        lines += wrap(code, font, size, max_width, anywhere=True)
    return lines


def _text_block(texts: SlipText) -> list[tuple[str, float, str]]:
    """The shared lines of the text column, top to bottom: (style, drop in points from the
    previous baseline, text). The code goes where the style is "code"."""
    parts = [("title", texts.title)]
    if texts.department:
        parts.append(("meta", texts.department))
    parts += [("meta", texts.instruction), ("code", "")]
    if texts.deadline:
        parts.append(("meta", texts.deadline))
    parts.append(("promise", texts.promise))
    block = []
    space_after = 0.0
    for style, text in parts:
        font, size, after = STYLES[style]
        for i, line in enumerate(wrap(text, font, size, TEXT_W) or [""]):
            block.append((style, size * 1.25 + (space_after if i == 0 else 0), line))
        space_after = after * mm
    return block


def _draw(canvas: Canvas, x: float, y: float, text: str, style: str) -> None:
    font, size, _after = STYLES[style]
    for name, piece in runs(text, font):
        canvas.setFont(name, size)
        canvas.drawString(x, y, piece)
        x += pdfmetrics.stringWidth(piece, name, size)


def qr_image(url: str) -> Image.Image:
    """One pixel per module, no border: drawn without smoothing, scanned as printed."""
    matrix = segno.make(url, error="m").matrix
    image = Image.new("L", (len(matrix[0]), len(matrix)))
    image.putdata([0 if dark else 255 for row in matrix for dark in row])
    return image


def write_slips(
    texts: SlipText,
    slips: Iterable[tuple[str, str]],
    total: int,
    target: BinaryIO,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Draw `total` slips, given as (code, url) pairs, into `target`; `progress(done,
    total)` is called after every page."""
    _fonts()
    block = _text_block(texts)
    # types-reportlab 5.0 types initialFontName as a number; reportlab takes a font name.
    canvas = Canvas(target, pagesize=A4, initialFontName="DejaVuSans", pageCompression=1)  # type: ignore[arg-type]
    canvas.setTitle(texts.title)
    canvas.setAuthor("Lustro")
    _page_w, page_h = A4
    done = 0
    for code, url in slips:
        slot = done % SLIPS_PER_PAGE
        left = MARGIN + (slot % COLUMNS) * SLIP_W
        top = page_h - MARGIN - (slot // COLUMNS) * SLIP_H
        canvas.setDash(2, 2)
        canvas.setLineWidth(0.3 * mm)
        canvas.setStrokeGray(0.47)
        canvas.rect(left, top - SLIP_H, SLIP_W, SLIP_H)
        qr_top = top - PAD_Y
        canvas.drawImage(
            ImageReader(qr_image(url)), left + PAD_X, qr_top - QR_SIZE, QR_SIZE, QR_SIZE
        )
        y = qr_top - QR_SIZE - 2 * mm
        for line in url_lines(url, STYLES["url"][0], STYLES["url"][1], QR_SIZE):
            y -= STYLES["url"][1] * 1.2
            _draw(canvas, left + PAD_X, y, line, "url")
        y = qr_top
        for style, drop, line in block:
            y -= drop
            _draw(canvas, left + TEXT_X, y, code if style == "code" else line, style)
        done += 1
        if done % SLIPS_PER_PAGE == 0:
            canvas.showPage()
            if progress:
                progress(done, total)
    if done % SLIPS_PER_PAGE:
        canvas.showPage()
    canvas.save()
    if progress:
        progress(done, total)
