"""`survey invites`: codes printed, as CSV for mail merge, or as printable slips."""

from __future__ import annotations

import csv
import io

from survey.store import invites
from survey.store.rounds import close_round


def instance_key(tmp_path) -> str:
    text = (tmp_path / "instance" / "config.toml").read_text()
    return text.split('INVITE_KEY = "')[1].split('"')[0]


def test_codes_are_printed_one_per_line_and_work_once(run_cli, tmp_path, db, open_round_id):
    assert run_cli("init").exit_code == 0
    result = run_cli("invites", str(open_round_id), "--side", "b", "--count", "3")
    assert result.exit_code == 0, result.output
    codes = result.output.split()
    assert len(codes) == 3 and all(invites.normalise(c) == c for c in codes)
    found = [invites.find(db, c, instance_key(tmp_path)) for c in codes]
    assert all(f is not None and f.side == "b" and not f.spent for f in found)
    assert invites.issued_counts(db, open_round_id) == {"a": 0, "b": 3}


def test_csv_has_code_url_side_and_round(run_cli, tmp_path, open_round_id, monkeypatch):
    monkeypatch.setenv("SURVEY_PUBLIC_URL", "https://ankieta.example.pl")
    run_cli("init")
    out = tmp_path / "codes.csv"
    result = run_cli("invites", str(open_round_id), "--side", "a", "--count", "2", "-o", str(out))
    assert result.exit_code == 0 and "2 codes for Sprzedaż" in result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [set(r) for r in rows] == [{"code", "url", "side", "round"}] * 2
    assert rows[0]["url"] == f"https://ankieta.example.pl/r/{rows[0]['code']}"
    assert rows[0]["side"] == "Sprzedaż" and rows[0]["round"] == "Test round"


def test_pdf_output_is_a_pdf(run_cli, tmp_path, open_round_id, monkeypatch):
    monkeypatch.setenv("SURVEY_PUBLIC_URL", "https://ankieta.example.pl")
    run_cli("init")
    out = tmp_path / "slips.pdf"
    result = run_cli("invites", str(open_round_id), "--side", "a", "--count", "20", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
    assert "Slips drawn: 8 of 20" in result.output and "Slips drawn: 20 of 20" in result.output


def test_refusals_create_no_codes(run_cli, tmp_path, db, open_round_id):
    run_cli("init")
    wrong_file = run_cli(
        "invites", str(open_round_id), "--side", "a", "--count", "2", "-o", "x.txt"
    )
    assert wrong_file.exit_code != 0 and ".csv or .pdf" in wrong_file.output
    wrong_side = run_cli("invites", str(open_round_id), "--side", "c", "--count", "2")
    assert wrong_side.exit_code != 0
    unknown = run_cli("invites", "99", "--side", "a", "--count", "2")
    assert unknown.exit_code == 1 and "Round 99 does not exist" in unknown.output
    close_round(db, open_round_id)
    closed = run_cli("invites", str(open_round_id), "--side", "a", "--count", "2")
    assert closed.exit_code == 1 and "closed" in closed.output
    assert invites.issued_counts(db, open_round_id) == {"a": 0, "b": 0}


def test_slips_and_csv_without_public_url_are_refused_before_any_code_is_made(
    run_cli, tmp_path, db, open_round_id
):
    """Issue 21 item 1: the links pointed at 127.0.0.1:5000 whenever PUBLIC_URL was unset.
    A command is served at no address, so it asks for PUBLIC_URL instead of guessing."""
    run_cli("init")
    for name in ("codes.csv", "slips.pdf"):
        out = tmp_path / name
        refused = run_cli(
            "invites", str(open_round_id), "--side", "a", "--count", "2", "-o", str(out)
        )
        assert refused.exit_code == 1 and "PUBLIC_URL is not set" in refused.output
        assert "instance/config.toml" in refused.output and not out.exists()
    assert invites.issued_counts(db, open_round_id) == {"a": 0, "b": 0}
    printed = run_cli("invites", str(open_round_id), "--side", "a", "--count", "2")
    assert printed.exit_code == 0 and len(printed.output.split()) == 2  # plain codes need no link
