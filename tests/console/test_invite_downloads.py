"""New codes: generated once per submit, listed once, downloadable as slips (PDF, made in
the background) and CSV by the person who made them, then deleted from the server."""

from __future__ import annotations

import csv
import io
import os
import re
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from pypdf import PdfReader

from survey import prefork, serving
from survey.documents import batches
from survey.store.accounts import add_user
from survey.store.audit import entries
from survey.store.invites import issued_counts

from .conftest import PASSWORD, generate_codes


@pytest.fixture
def batch(hr, open_round_id):
    """Generate three codes for side B; the batch's URL and the codes listed there."""
    response = generate_codes(hr, open_round_id, "b", 3)
    assert response.status_code == 302
    url = response.headers["Location"]
    html = hr.get(url).get_data(as_text=True)
    return url, re.findall(r"<code>([A-Z0-9-]{14})</code>", html)


def _slips(hr, url: str) -> bytes:
    """Start the slips, follow the progress page until it offers the file, download it."""
    started = hr.post(f"{url}/slips")
    assert started.status_code == 302 and started.headers["Location"].endswith("/slips")
    for _ in range(100):
        page = hr.get(f"{url}/slips").get_data(as_text=True)
        if 'data-state="ready"' in page:
            break
        assert 'data-state="drawing"' in page and 'http-equiv="refresh"' not in page
        time.sleep(0.1)
    response = hr.post(f"{url}/slips.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return response.data


def test_generating_redirects_so_a_reload_makes_no_second_batch(hr, db, open_round_id, batch):
    url, codes = batch
    assert len(codes) == 3
    reload = hr.get(url).get_data(as_text=True)
    assert not any(code in reload for code in codes)
    assert "nie są pokazywane ponownie" in reload
    assert issued_counts(db, open_round_id) == {"a": 0, "b": 3}


def test_slips_pdf_carries_each_code_and_is_handed_over_once(hr, db, app, batch):
    url, codes = batch
    pdf = _slips(hr, url)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert all(code in text for code in codes)
    assert entries(db)[0].action == "invites.download"
    assert entries(db)[0].figures | {"label": None} == {
        "num": 3,
        "side": "b",
        "label": None,
        "format": "PDF",
    }
    folder = batches.folder_for(app.instance_path)
    assert not list(folder.glob("*.pdf"))  # deleted once delivered
    again = hr.post(f"{url}/slips.pdf", follow_redirects=True).get_data(as_text=True)
    assert "już pobrane" in again


def test_batch_files_are_private_to_the_server(hr, app, batch):
    folder = batches.folder_for(app.instance_path)
    files = list(folder.iterdir())
    assert files and all(os.stat(path).st_mode & 0o077 == 0 for path in [folder, *files])


def test_codes_csv_lists_code_link_side_and_round(hr, batch):
    url, codes = batch
    response = hr.post(f"{url}/csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [row["code"] for row in rows] == codes
    # PUBLIC_URL unset: the address the console was opened at (the test client's).
    assert rows[0]["url"] == f"http://localhost/r/{codes[0]}"
    assert rows[0]["side"] == "Produkcja" and rows[0]["round"] == "Test round"


def test_done_deletes_the_codes_from_the_server(hr, app, batch):
    url, codes = batch
    hr.post(f"{url}/forget")
    # Only the note that the form was used is left (so sending it again finds this batch
    # gone rather than making another): it holds the batch's name, no code.
    left = list(batches.folder_for(app.instance_path).iterdir())
    assert [path.suffix for path in left] == [".claim"]
    assert not any(code in left[0].read_text() for code in codes)
    gone = hr.get(url)
    assert gone.status_code == 410 and "Te kody są już niedostępne" in gone.get_data(as_text=True)


def test_another_hr_account_cannot_reach_the_batch(console_app, db, batch):
    url, _codes = batch
    add_user(db, "other-hr@example.com", "hr", PASSWORD)
    other = console_app.test_client()
    other.post("/console/login", data={"email": "other-hr@example.com", "password": PASSWORD})
    assert other.get(url).status_code == 410
    assert other.post(f"{url}/csv").status_code == 410


def test_expired_batches_are_swept(app, tmp_path):
    expired = _expired_batch(app)
    assert batches.load(expired.parent, expired.stem, "hr@example.com", 1) is None
    assert not list(expired.parent.iterdir())


def test_s4_a_batch_past_its_hour_is_swept_without_any_batch_action(app, batch):
    """S4: a batch left without *Done* stayed on disk, its codes in plain text, until
    the next batch action, however long that took."""
    url, _codes = batch
    path = batches.folder_for(app.instance_path) / f"{url.rsplit('/', 1)[1]}.json"
    now = [time.time()]
    kept_at_start = []

    def an_hour_passes(seconds: float) -> bool:
        """The sweeper's wait: the first returns an hour and a wait later; the second stops."""
        if kept_at_start:
            return True
        kept_at_start.append(path.exists())
        now[0] += batches.BATCH_TTL + seconds
        return False

    sweeper = batches.Sweeper(path.parent, clock=lambda: now[0], wait=an_hour_passes)
    sweeper.start()
    sweeper.join()  # the second wait ends it
    assert kept_at_start == [True]
    assert not path.exists()


def _expired_batch(app) -> Path:
    """A batch file whose hour has passed, as a server stopped mid-batch leaves it."""
    folder = batches.folder_for(app.instance_path)
    token = batches.create(folder, "hr@example.com", 1, "a", ["AAAA-BBBB-CCCC"])
    old = time.time() - batches.BATCH_TTL - 5
    os.utime(folder / f"{token}.json", (old, old))
    return folder / f"{token}.json"


def test_survey_serve_sweeps_expired_batches_as_it_starts(app, monkeypatch):
    expired = _expired_batch(app)
    at_start = []
    monkeypatch.setattr(serving, "run_simple", lambda *a, **k: at_start.append(expired.exists()))
    serving.serve(app)
    assert at_start == [False]


def test_each_production_worker_sweeps_expired_batches_from_its_start(app):
    expired = _expired_batch(app)
    worker = SimpleNamespace(wsgi=app)
    prefork.post_worker_init(worker)
    try:
        assert not expired.exists()
        assert worker.batch_sweeper.is_alive()
    finally:
        worker.batch_sweeper.stop()


def test_slips_that_stopped_mid_way_are_reported_and_can_be_made_again(hr, app, batch):
    url, codes = batch
    folder = batches.folder_for(app.instance_path)
    token = url.rsplit("/", 1)[1]
    note = folder / f"{token}.progress"
    note.write_text('{"done": 0, "total": 3, "failed": false}')
    old = time.time() - batches.STALLED_AFTER - 5
    os.utime(note, (old, old))
    page = hr.get(f"{url}/slips").get_data(as_text=True)
    assert "Nie udało się przygotować kartek" in page and 'http-equiv="refresh"' not in page
    pdf = _slips(hr, url)
    assert all(code in PdfReader(io.BytesIO(pdf)).pages[0].extract_text() for code in codes)
