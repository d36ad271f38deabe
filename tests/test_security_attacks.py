"""The security holes found in issue 11's attack (S1, S2, S6–S10, S12), each run again.
(S3, S5, S11: tests/console/test_access.py; S4, S13, S14: tests/test_storage_attacks.py.)"""

from __future__ import annotations

import csv
import io
import logging
import socket
import threading
from pathlib import Path

import pytest
from respondent_helpers import answer_everything, csrf_token, new_code, post_page
from werkzeug.serving import make_server

from survey.documents.slips import codes_csv
from survey.serving import AnonymousRequestHandler
from survey.store.accounts import add_user
from survey.store.errors import InvalidInput
from survey.store.responses import Submission, add_responses
from survey.store.rounds import close_round, create_round, get_round, open_round
from survey.store.transfer import export_text


@pytest.mark.parametrize(
    "target",
    [
        "/%09/evil.example",
        "//evil.example",
        "/\\evil.example",
        "/%0a/evil.example",
        "https://evil.example/",
        "/ /evil.example",
    ],
)
def test_s1_the_language_switch_never_redirects_to_another_site(client, target):
    location = client.get(f"/lang/en?next={target}").headers["Location"]
    assert location == "/"


def test_s1_a_same_site_path_is_kept(client):
    assert client.get("/lang/en?next=/welcome").headers["Location"] == "/welcome"


# (A leading tab or line break never reaches a file: labels and comments are stripped.)
@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_s2_cells_that_start_like_a_formula_are_never_run_by_a_spreadsheet(db, start):
    formula = f'{start}HYPERLINK("http://evil.example","x")'
    round_id = create_round(
        db, "R", "pulse", f"{start}cmd", "Kuchnia", threshold=3, comment_threshold=3
    )
    open_round(db, round_id)
    comments = {"change": formula}
    add_responses(db, round_id, [Submission("a", {}, comments) for _ in range(3)])
    close_round(db, round_id)
    exported = list(csv.reader(io.StringIO(export_text(db, round_id))))
    slips = list(
        csv.reader(io.StringIO(codes_csv(get_round(db, round_id), ["X"], "http://h", "a")))
    )
    cells = [cell for row in exported[1:] + slips[1:] for cell in row if cell]
    assert formula in {cell.lstrip("'") for cell in cells}
    assert not any(cell.startswith(("=", "+", "-", "@", "\t")) for cell in cells)


def test_s6_a_link_from_another_site_cannot_replace_a_started_survey(app, db, open_round_id):
    """S6: a meta refresh to /r/<other code> dropped the person's answers."""
    mine, other = new_code(app, open_round_id), new_code(app, open_round_id)
    client = app.test_client()
    client.get(f"/r/{mine}")
    post_page(client, "/page/1", {"information.timely.self": "5"})
    page = client.get(f"/r/{other}")
    assert page.status_code == 200 and "Zacząć od nowa z innym kodem?" in page.get_data(
        as_text=True
    )
    html = client.get("/page/1").get_data(as_text=True)
    assert '<input checked id="information.timely.self-4"' in html  # still there
    # The person confirms (a form only this site can post): then the new code starts.
    sent = client.post(
        "/restart",
        data={
            "csrf_token": csrf_token(page.get_data(as_text=True)),
            "code": page.get_data(as_text=True)
            .split('name="code" type="hidden" value="')[1]
            .split('"')[0],
        },
    )
    assert sent.headers["Location"] == "/welcome"
    assert '<input checked id="information.timely.self-4"' not in client.get("/page/1").get_data(
        as_text=True
    )
    forged = app.test_client()
    forged.get(f"/r/{mine}")
    post_page(forged, "/page/1", {"information.timely.self": "5"})
    assert forged.post("/restart", data={"code": "x"}).status_code == 400


def test_s7_opening_links_writes_nothing_to_the_database(app, db_path, open_round_id):
    """S7: every GET /r/<code> wrote an fsynced draft row."""
    code = new_code(app, open_round_id)
    before = Path(db_path).read_bytes()
    for _ in range(50):
        assert app.test_client().get(f"/r/{code}").status_code == 302
    assert Path(db_path).read_bytes() == before


@pytest.mark.parametrize("path", ["/welcome", "/page/1", "/comments", "/review", "/r/{code}"])
def test_s8_respondent_pages_are_never_cached(app, open_round_id, path):
    code = new_code(app, open_round_id)
    client = app.test_client()
    client.get(f"/r/{code}")
    page = client.get(path.format(code=code))
    assert page.headers["Cache-Control"] == "no-store"


def test_s9_no_cookie_shows_the_code_or_the_answers(app, open_round_id):
    """S9: the session cookie held {'respond': {'code': …}}, signed but readable."""
    import base64
    import zlib

    code = new_code(app, open_round_id)
    client = app.test_client()
    client.get(f"/r/{code}")
    post_page(client, "/comments", {"harder": "Tajna uwaga"})
    jar = " ".join(f"{c.key}={c.value}" for c in client._cookies.values())
    readable = [jar]
    for value in jar.replace("=", " ").replace(".", " ").split():
        for decode in (base64.urlsafe_b64decode, lambda v: zlib.decompress(base64.b64decode(v))):
            try:
                readable.append(decode(value + "==").decode("utf-8", "replace"))
            except Exception:  # noqa: BLE001 (most parts are not encodings at all)
                pass
    for text in readable:
        for spelling in (code, code.replace("-", ""), "Tajna uwaga"):
            assert spelling not in text
    answer_everything(client, app, open_round_id, code)


def test_s10_a_64_kb_request_line_gets_414_and_the_dev_server_keeps_serving(app, caplog):
    caplog.set_level(logging.DEBUG)
    server = make_server(
        "127.0.0.1", 0, app, threaded=True, request_handler=AnonymousRequestHandler
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with socket.create_connection(("127.0.0.1", server.server_port), timeout=5) as raw:
            raw.sendall(b"GET /" + b"a" * 65_600 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
            assert raw.recv(100).split()[1] == b"414"
        with socket.create_connection(("127.0.0.1", server.server_port), timeout=5) as raw:
            raw.sendall(b"GET / HTTP/1.0\r\n\r\n")
            assert raw.recv(100).split()[1] == b"200"
    finally:
        server.shutdown()
        thread.join(timeout=5)
    assert "AttributeError" not in caplog.text and "127.0.0.1" not in caplog.text


@pytest.mark.parametrize("bad", ["Sprzeda\u202eż", "Sprzedaż\x00", "a\u2066b"])
def test_s12_bidi_controls_and_nul_are_refused_in_names_labels_and_comments(db, bad):
    with pytest.raises(InvalidInput, match="characters"):
        create_round(db, "R", "pulse", bad, "Kuchnia")
    with pytest.raises(InvalidInput, match="characters"):
        create_round(db, bad, "pulse", "Sala", "Kuchnia")
    round_id = create_round(db, "R", "pulse", "Sala", "Kuchnia")
    open_round(db, round_id)
    with pytest.raises(InvalidInput, match="control characters"):
        add_responses(db, round_id, [Submission("a", {}, {"change": bad})])
    assert db.execute("SELECT count(*) FROM responses").fetchone()[0] == 0
    with pytest.raises(InvalidInput):
        add_user(db, f"{bad}@firma.pl", "hr", "long enough password")


def test_s12_a_bidi_control_in_a_comment_page_gets_a_clear_message(app, open_round_id):
    client = app.test_client()
    client.get(f"/r/{new_code(app, open_round_id)}")
    page = post_page(client, "/comments", {"harder": "ok \u202e kO"})
    assert page.status_code == 400
    assert "control characters" in page.get_data(as_text=True) or "znaki" in page.get_data(
        as_text=True
    )
