"""The printable slips, read back from the real PDF: text, fonts and QR payloads."""

from __future__ import annotations

import io
import re
import subprocess

import segno
from pypdf import PdfReader

from survey.documents.slips import codes_csv, render_slips_pdf
from survey.store.invites import new_code
from survey.store.rounds import create_round, get_round, open_round

BASE = "https://ankieta.example.pl/"
URL = re.compile(r"https://ankieta\.example\.pl/r/[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}")


def qr_matrix(image) -> tuple[tuple[int, ...], ...]:
    grey = image.convert("L")
    return tuple(
        tuple(1 if grey.getpixel((x, y)) < 128 else 0 for x in range(grey.width))
        for y in range(grey.height)
    )


def expected_matrix(url: str) -> tuple[tuple[int, ...], ...]:
    return tuple(tuple(row) for row in segno.make(url, error="m").matrix)


def slips(app, db, lang: str = "pl", count: int = 10):
    round_id = create_round(
        db,
        "Badanie 2026",
        "sales-production",
        "Sprzedaż",
        "Produkcja",
        lang=lang,
        closes_on="2026-12-15",
    )
    open_round(db, round_id)
    codes = [new_code() for _ in range(count)]
    with app.app_context():
        pdf = render_slips_pdf(get_round(db, round_id), codes, BASE, "b")
    return codes, PdfReader(io.BytesIO(pdf))


def test_every_slip_has_its_code_url_round_and_promise_in_polish(app, db):
    codes, reader = slips(app, db)
    assert len(reader.pages) == 2  # eight slips a page
    text = "\n".join(page.extract_text() for page in reader.pages)
    joined = re.sub(r"\s+", "", text)
    for code in codes:
        assert code in text
        assert f"https://ankieta.example.pl/r/{code}" in joined
    assert text.count("Badanie 2026") == 10
    assert "Dział: Produkcja" in text and "15 grudnia 2026" in text
    assert "nikt nie zobaczy, kto co odpowiedział" in text.replace("\n", " ")
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts and all("DejaVu" in font for font in fonts)


def test_each_qr_code_encodes_exactly_the_url_printed_under_it(app, db):
    codes, reader = slips(app, db)
    text = "".join(page.extract_text() for page in reader.pages)
    printed = URL.findall(re.sub(r"\s+", "", text))
    assert sorted(printed) == sorted(BASE + "r/" + code for code in codes)
    # WeasyPrint may share one image table between pages: collect each image once.
    embedded = {qr_matrix(image.image) for page in reader.pages for image in page.images}
    assert embedded == {expected_matrix(url) for url in printed}
    # A different link would have a different pattern: the comparison can fail.
    assert expected_matrix(printed[0].replace("/r/", "/x/")) not in embedded


def test_slips_of_an_english_round_speak_english(app, db):
    _codes, reader = slips(app, db, lang="en", count=1)
    text = reader.pages[0].extract_text().replace("\n", " ")
    assert "nobody can see who answered what" in text and "Department: Produkcja" in text
    assert "December 15, 2026" in text


def test_csv_for_mail_merge(app, db):
    round_id = create_round(db, "R", "pulse", "Sprzedaż", "Produkcja")
    rows = codes_csv(get_round(db, round_id), ["ABCD-EFGH-JKMN"], BASE, "a").splitlines()
    assert rows == [
        "code,url,side,round",
        "ABCD-EFGH-JKMN,https://ankieta.example.pl/r/ABCD-EFGH-JKMN,Sprzedaż,R",
    ]


def test_emoji_in_a_side_name_print_in_an_emoji_font(app, db, tmp_path):
    round_id = create_round(db, "Restauracja", "sales-production", "Sala 🍽️", "Kuchnia 🍳")
    with app.app_context():
        pdf = render_slips_pdf(get_round(db, round_id), [new_code()], BASE, "b")
    path = tmp_path / "slips.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "Dział: Kuchnia 🍳" in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    assert "Symbola" in fonts and "DejaVuSans" in fonts


def test_the_link_under_a_qr_code_never_breaks_inside_the_code(app, db):
    """Issue 21, item 12: on a served address like http://127.0.0.1:5000/ the link under
    the QR code broke after the code's first letter. The address may wrap (after a "/"
    or "."); the code stays whole on its line, as typed from the slip."""
    round_id = create_round(db, "Badanie 2026", "sales-production", "Sprzedaż", "Produkcja")
    open_round(db, round_id)
    codes = [new_code() for _ in range(8)]
    with app.app_context():
        pdf = render_slips_pdf(get_round(db, round_id), codes, "http://127.0.0.1:5000/", "a")
    lines: list[str] = []

    def visit(text, _cm, _tm, _font, size) -> None:
        if size == 6.5 and text.strip():  # the link's own small type (slip_pdf.STYLES)
            lines.append(text.strip())

    for page in PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=visit)
    for code in codes:
        assert any(line.endswith(code) for line in lines), (code, lines[:6])
    assert re.sub(r"\s+", "", "".join(lines)).count("http://127.0.0.1:5000/r/") == 8
