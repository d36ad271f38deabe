"""Issue 22: invitations and reminders by mail through a real SMTP server (aiosmtpd),
with no code of a mailed invitation ever shown, and no address left after close."""

from __future__ import annotations

import datetime as dt
import mailbox
import re
import threading
import time
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from mail_server import PUBLIC_URL, SENDER, code_of, offer_only, serving
from respondent_helpers import answer_everything, thanked

from survey.store import invites, mailing
from survey.store.connection import open_db
from survey.store.rounds import DEFAULT_TIMEZONE, close_round, create_round, open_round

CODE = re.compile(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}")


@pytest.fixture
def inbox(monkeypatch):
    yield from serving(monkeypatch)


def addresses_file(tmp_path: Path, addresses: list[str], name: str = "people.txt") -> str:
    path = tmp_path / name
    path.write_text("\n".join(addresses) + "\n", encoding="utf-8")
    return str(path)


PEOPLE = [f"osoba{n}@firma.example" for n in range(1, 7)]


def test_each_address_gets_one_message_with_its_own_working_link(
    run_cli, app, tmp_path, inbox, open_round_id
):
    result = run_cli(
        "mail", "invite", str(open_round_id), "--side", "a", addresses_file(tmp_path, PEOPLE)
    )
    assert result.exit_code == 0, result.output
    assert "Invitations: 6 sent, 0 failed." in result.output
    assert not CODE.search(result.output)  # the command never shows a mailed code
    assert sorted(m["To"] for m in inbox.messages) == sorted(PEOPLE)
    codes = {m["To"]: code_of(m) for m in inbox.messages}
    assert len(set(codes.values())) == len(PEOPLE)
    message = inbox.messages[0]
    assert message["From"] == SENDER
    assert "Twoje zaproszenie" in message["Subject"]  # the round's language: Polish
    assert message.get_body(("html",)).get_content().startswith("<!doctype html>")
    assert f"{PUBLIC_URL}/r/{codes[message['To']]}" in message.get_body(("plain",)).get_content()
    # Each link works: the person answers with it, once.
    for address in PEOPLE[:2]:
        client = app.test_client()
        assert thanked(answer_everything(client, app, open_round_id, codes[address]))
    db = open_db(app.config["DATABASE"])
    assert invites.issued_counts(db, open_round_id) == {"a": 6, "b": 0}
    assert all(invites.find(db, code, "test-invite-key").side == "a" for code in codes.values())


def test_reminders_reach_exactly_those_who_have_not_answered_with_their_own_code(
    run_cli, app, tmp_path, inbox, open_round_id
):
    run_cli("mail", "invite", str(open_round_id), "--side", "b", addresses_file(tmp_path, PEOPLE))
    codes = {m["To"]: code_of(m) for m in inbox.messages}
    answered = PEOPLE[1::2]
    for address in answered:
        assert thanked(answer_everything(app.test_client(), app, open_round_id, codes[address]))
    inbox.clear()
    result = run_cli("mail", "remind", str(open_round_id))
    assert result.exit_code == 0, result.output
    assert "Reminded 3, failed 0." in result.output and not CODE.search(result.output)
    assert sorted(m["To"] for m in inbox.messages) == sorted(set(PEOPLE) - set(answered))
    assert all(code_of(m) == codes[m["To"]] for m in inbox.messages)
    assert all("Przypomnienie" in m["Subject"] for m in inbox.messages)
    # At most once a day per round.
    inbox.clear()
    again = run_cli("mail", "remind", str(open_round_id))
    assert again.exit_code == 1 and "the next one can go tomorrow" in again.output
    assert inbox.messages == []


def test_after_close_no_address_is_in_the_file_its_free_pages_or_its_journal(
    run_cli, app, tmp_path, inbox, open_round_id, db_path
):
    run_cli("mail", "invite", str(open_round_id), "--side", "a", addresses_file(tmp_path, PEOPLE))
    key = mailing.load_key(tmp_path / "instance")
    sealer = mailing.Sealer(key)
    db = open_db(db_path)
    tokens = [row["sealed"] for row in db.query("SELECT sealed FROM mail_recipients")]
    assert len(tokens) == len(PEOPLE)  # before close: kept, sealed, for the reminders
    assert b"gAAAAAAAAAAA" in db_path.read_bytes()
    db.conn.close()
    result = run_cli("round", "close", str(open_round_id))
    assert result.exit_code == 0, result.output
    journal = Path(f"{db_path}-journal")
    everything = db_path.read_bytes() + (journal.read_bytes() if journal.exists() else b"")
    for address in PEOPLE:
        assert address.encode() not in everything
        assert sealer.tag(address).encode() not in everything
    for token in tokens:
        assert token[:40].encode() not in everything
    assert b"gAAAAAAAAAAA" not in everything  # no sealed token at all, in any page
    db = open_db(db_path)
    assert db.execute("SELECT count(*) FROM mail_recipients").fetchone()[0] == 0
    db.conn.close()


def test_a_line_that_is_not_an_address_refuses_the_list_and_changes_nothing(
    run_cli, app, tmp_path, inbox, open_round_id
):
    people = [*PEOPLE[:2], "jan.kowalski firma.example", PEOPLE[2]]
    result = run_cli(
        "mail", "invite", str(open_round_id), "--side", "a", addresses_file(tmp_path, people)
    )
    assert result.exit_code == 1
    assert "Line 3 is not an e-mail address: “jan.kowalski firma.example”" in result.output
    assert inbox.messages == []
    db = open_db(app.config["DATABASE"])
    assert invites.issued_counts(db, open_round_id) == {"a": 0, "b": 0}


def test_nobody_is_invited_twice_and_a_busy_server_is_tried_again(
    run_cli, app, tmp_path, inbox, open_round_id
):
    inbox.busy[PEOPLE[0]] = 2  # two "try again later", then accepted
    inbox.unknown.add(PEOPLE[1])  # refused for good
    first = run_cli(
        "mail", "invite", str(open_round_id), "--side", "a", addresses_file(tmp_path, PEOPLE)
    )
    assert first.exit_code == 1 and "Invitations: 5 sent, 1 failed." in first.output
    assert len(inbox.to(PEOPLE[0])) == 1 and inbox.to(PEOPLE[1]) == []
    inbox.unknown.clear()
    inbox.clear()
    again = run_cli(
        "mail", "invite", str(open_round_id), "--side", "a", addresses_file(tmp_path, PEOPLE)
    )
    assert again.exit_code == 0, again.output
    assert "6 addresses were invited to this round before" in again.output
    assert [m["To"] for m in inbox.messages] == [PEOPLE[1]]  # only the one that failed
    db = open_db(app.config["DATABASE"])
    assert invites.issued_counts(db, open_round_id) == {"a": 6, "b": 0}


def test_a_password_in_config_toml_is_refused(run_cli, tmp_path, inbox, open_round_id):
    config = tmp_path / "instance" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('MAIL_PASSWORD = "hunter2hunter2"\n', encoding="utf-8")
    result = run_cli(
        "mail", "invite", str(open_round_id), "--side", "a", addresses_file(tmp_path, PEOPLE)
    )
    assert result.exit_code == 1 and "MAIL_PASSWORD must not be in config.toml" in result.output
    assert inbox.messages == []


def test_the_mail_key_is_readable_by_its_owner_only(tmp_path):
    key = mailing.load_key(tmp_path)
    assert (tmp_path / mailing.KEY_FILE).stat().st_mode & 0o777 == 0o600
    assert mailing.load_key(tmp_path) == key


def test_closing_in_the_store_forgets_the_round_s_addresses(db, open_round_id, tmp_path):
    from survey.store import mail_invites

    sealer = mailing.Sealer(mailing.load_key(tmp_path))
    added, _ = mail_invites.invite(
        db, open_round_id, "a", [mailing.Listed(p) for p in PEOPLE], "k", sealer
    )
    assert added == len(PEOPLE) and mailing.counts(db, open_round_id)["pending"] == len(PEOPLE)
    close_round(db, open_round_id)
    assert mailing.counts(db, open_round_id) == {"pending": 0, "sent": 0, "failed": 0, "bounced": 0}


def test_the_password_comes_from_the_environment_and_the_server_checks_it(
    run_cli, tmp_path, monkeypatch, open_round_id
):
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult
    from mail_server import Inbox, free_port

    logins = []

    def authenticate(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"s3cret-from-env")

    box = Inbox()
    controller = Controller(
        box,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=authenticate,
        auth_require_tls=False,
    )
    controller.start()
    try:
        monkeypatch.setenv("SURVEY_MAIL_SERVER", "127.0.0.1")
        monkeypatch.setenv("SURVEY_MAIL_PORT", str(controller.port))
        monkeypatch.setenv("SURVEY_MAIL_DEFAULT_SENDER", SENDER)
        monkeypatch.setenv("SURVEY_MAIL_USERNAME", "ankieta")
        monkeypatch.setenv("SURVEY_MAIL_PASSWORD", "s3cret-from-env")
        monkeypatch.setenv("SURVEY_INVITE_KEY", "test-invite-key")
        monkeypatch.setenv("SURVEY_PUBLIC_URL", PUBLIC_URL)
        result = run_cli(
            "mail",
            "invite",
            str(open_round_id),
            "--side",
            "a",
            addresses_file(tmp_path, PEOPLE[:2]),
        )
        assert result.exit_code == 0, result.output
        assert "s3cret" not in result.output
        assert logins and all(login == (b"ankieta", b"s3cret-from-env") for login in logins)
        assert sorted(m["To"] for m in box.messages) == sorted(PEOPLE[:2])
    finally:
        controller.stop()


def test_a_password_file_others_can_read_is_refused(
    run_cli, tmp_path, inbox, monkeypatch, open_round_id
):
    secret = tmp_path / "mail-password"
    secret.write_text("s3cret\n")
    secret.chmod(0o644)
    monkeypatch.setenv("SURVEY_MAIL_PASSWORD_FILE", str(secret))
    people = addresses_file(tmp_path, PEOPLE)
    result = run_cli("mail", "invite", str(open_round_id), "--side", "a", people)
    assert result.exit_code == 1 and "must be readable by its owner only" in result.output
    assert inbox.messages == []
    secret.chmod(0o600)
    assert run_cli("mail", "invite", str(open_round_id), "--side", "a", people).exit_code == 0
    assert len(inbox.messages) == len(PEOPLE)


def test_a_draft_round_mails_nothing(run_cli, tmp_path, inbox, db):
    from survey.store.rounds import create_round

    draft = create_round(db, "Draft", "sales-production", "Sprzedaż", "Produkcja")
    result = run_cli("mail", "invite", str(draft), "--side", "a", addresses_file(tmp_path, PEOPLE))
    assert result.exit_code == 1 and "is not open yet" in result.output
    assert inbox.messages == [] and invites.issued_counts(db, draft) == {"a": 0, "b": 0}


def test_a_sending_killed_midway_loses_no_invitation_and_a_rerun_sends_the_rest(
    tmp_path, inbox, open_round_id, db_path, monkeypatch
):
    """kill -9 of `survey mail invite` while it sends; the same command again mails every
    address not yet mailed, with the code made for it the first time."""
    import asyncio
    import os
    import signal
    import subprocess
    import sys
    import time

    handle = inbox.handle_DATA

    async def slow_data(server, session, envelope):
        await asyncio.sleep(0.05)
        return await handle(server, session, envelope)

    monkeypatch.setattr(inbox, "handle_DATA", slow_data)
    people = [f"osoba{n:02d}@firma.example" for n in range(40)]
    listing = addresses_file(tmp_path, people)
    monkeypatch.setenv("SURVEY_INSTANCE", str(tmp_path / "instance"))
    command = [sys.executable, "-m", "survey", "--db", str(db_path), "mail", "invite"]
    command += [str(open_round_id), "--side", "a", listing]
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while len(inbox.messages) < 8 and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(first.pid, signal.SIGKILL)
    first.communicate()
    got_first = len(inbox.messages)
    assert 8 <= got_first < len(people)
    again = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert not CODE.search(again.stdout + again.stderr)
    codes: dict[str, set[str]] = {}
    for message in inbox.messages:
        codes.setdefault(message["To"], set()).add(code_of(message))
    assert sorted(codes) == sorted(people)  # everyone mailed
    assert all(len(found) == 1 for found in codes.values())  # always with the same code
    db = open_db(db_path)
    assert invites.issued_counts(db, open_round_id) == {"a": 40, "b": 0}
    assert mailing.counts(db, open_round_id) == {
        "pending": 0,
        "sent": 40,
        "failed": 0,
        "bounced": 0,
    }


def test_without_public_url_the_command_mails_nothing_and_makes_no_code(
    run_cli, app, tmp_path, inbox, open_round_id, monkeypatch
):
    """Issue 21 item 1 for mail: a command is served at no address, so a mailed link
    without PUBLIC_URL would be a guess; it is refused before any code is made."""
    monkeypatch.delenv("SURVEY_PUBLIC_URL")
    result = run_cli(
        "mail", "invite", str(open_round_id), "--side", "a", addresses_file(tmp_path, PEOPLE)
    )
    assert result.exit_code == 1 and "PUBLIC_URL is not set" in result.output
    assert inbox.messages == []
    db = open_db(app.config["DATABASE"])
    assert invites.issued_counts(db, open_round_id) == {"a": 0, "b": 0}


# --- the person's language (issue 22 items 1 and 4) -----------------------------------


def _round_closing_in(db, days: int) -> int:
    """An open round (Polish, the default) whose closing day is `days` from today."""
    today = dt.datetime.now(ZoneInfo(DEFAULT_TIMEZONE)).date()
    closes = (today + dt.timedelta(days=days)).isoformat()
    round_id = create_round(
        db, "Badanie", "sales-production", "Sprzedaż", "Produkcja", closes_on=closes
    )
    open_round(db, round_id)
    return round_id


def _link_of(message) -> str:
    plain = message.get_body(("plain",)).get_content()
    return next(word for word in plain.split() if word.startswith(f"{PUBLIC_URL}/r/"))


def _page_language(client, link: str) -> str:
    """The language the survey opens in from a mailed link (the welcome page's lang)."""
    parts = urlsplit(link)
    started = client.get(f"{parts.path}?{parts.query}")
    assert started.status_code == 302, started.get_data(as_text=True)
    page = client.get(started.headers["Location"]).get_data(as_text=True)
    return re.search(r'<html lang="([a-z]+)"', page).group(1)


MIXED = {  # address -> the language its line names (None: the round's, Polish)
    "anna@firma.example": "uk",
    "jan@firma.example": "en",
    "ola@firma.example": None,
    "petro@firma.example": "uk",
}


def test_a_mixed_list_gets_each_mail_in_its_own_language_and_its_link_opens_in_it(
    run_cli, app, tmp_path, inbox, db
):
    round_id = _round_closing_in(db, 2)
    lines = ["anna@firma.example uk", "jan@firma.example,en", "ola@firma.example"]
    lines.append("petro@firma.example\tUK")  # a tab and capitals: still the language
    result = run_cli(
        "mail", "invite", str(round_id), "--side", "a", addresses_file(tmp_path, lines)
    )
    assert result.exit_code == 0, result.output
    assert "Invitations: 4 sent, 0 failed." in result.output
    got = {m["To"]: m for m in inbox.messages}
    assert sorted(got) == sorted(MIXED)
    subjects = {"uk": "Ваше запрошення", "en": "Your invitation", "pl": "Twoje zaproszenie"}
    days_left = {  # 2 days: the "few" form in Ukrainian and Polish
        "uk": "Опитування закривається через 2 дні.",
        "en": "The survey closes in 2 days.",
        "pl": "Ankieta zamyka się za 2 dni.",
    }
    for address, lang in MIXED.items():
        lang = lang or "pl"
        message = got[address]
        plain = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert message["Subject"].startswith(subjects[lang])  # no folded leading space
        assert days_left[lang] in plain and days_left[lang] in html
        assert f'<html lang="{lang}">' in html
        assert _link_of(message).endswith(f"?lang={lang}")
        assert _page_language(app.test_client(), _link_of(message)) == lang
    assert "Запрошуємо вас" in got["anna@firma.example"].get_body(("plain",)).get_content()
    # The language is sealed with the address, not kept beside it.
    columns = {row[1] for row in db.execute("PRAGMA table_info(mail_recipients)")}
    assert columns == {"id", "round_id", "side", "tag", "sealed", "state", "bounced"}
    sealer = mailing.Sealer(mailing.load_key(tmp_path / "instance"))
    opened = [sealer.open(row[0]) for row in db.execute("SELECT sealed FROM mail_recipients")]
    assert {address: lang for address, _code, lang in opened} == MIXED
    # The reminder goes out in each person's language too, with their own code.
    codes = {address: code_of(message) for address, message in got.items()}
    inbox.clear()
    assert run_cli("mail", "remind", str(round_id)).exit_code == 0
    reminders = {m["To"]: m for m in inbox.messages}
    assert sorted(reminders) == sorted(MIXED)
    reminder_subjects = {"uk": "Нагадування", "en": "Reminder", "pl": "Przypomnienie"}
    for address, lang in MIXED.items():
        assert reminder_subjects[lang or "pl"] in reminders[address]["Subject"]
        assert code_of(reminders[address]) == codes[address]
        assert _link_of(reminders[address]).endswith(f"?lang={lang or 'pl'}")


@pytest.mark.parametrize(
    ("days", "words"),
    [
        (1, "через 1 день."),
        (2, "через 2 дні."),
        (4, "через 4 дні."),
        (5, "через 5 днів."),
        (11, "через 11 днів."),
        (21, "через 21 день."),
        (22, "через 22 дні."),
    ],
)
def test_ukrainian_mails_count_the_days_left_with_the_right_plural_form(
    run_cli, tmp_path, inbox, db, days, words
):
    round_id = _round_closing_in(db, days)
    people = addresses_file(tmp_path, ["anna@firma.example uk"])
    assert run_cli("mail", "invite", str(round_id), "--side", "b", people).exit_code == 0
    (message,) = inbox.messages
    assert f"Опитування закривається {words}" in message.get_body(("plain",)).get_content()


def test_an_unknown_language_refuses_the_list_naming_its_line_and_stores_nothing(
    run_cli, app, tmp_path, inbox, open_round_id
):
    people = ["anna@firma.example uk", "hans@firma.example de", "ola@firma.example"]
    result = run_cli(
        "mail", "invite", str(open_round_id), "--side", "a", addresses_file(tmp_path, people)
    )
    assert result.exit_code == 1
    assert "Line 2 names the language “de”, which Lustro does not speak" in result.output
    assert "(it speaks pl, en, uk)" in result.output
    assert inbox.messages == []
    db = open_db(app.config["DATABASE"])
    assert invites.issued_counts(db, open_round_id) == {"a": 0, "b": 0}
    assert db.execute("SELECT count(*) FROM mail_recipients").fetchone()[0] == 0
    db.conn.close()


def test_the_invite_help_says_how_a_line_names_a_language(run_cli):
    result = run_cli("mail", "invite", "--help")
    assert result.exit_code == 0
    assert "anna@firma.pl uk" in result.output and "pl, en, uk" in result.output


# --- bounces that arrive later (issue 22 item 1: "sent, failed, bounced addresses") -----

BOUNCE_ADDRESS = "zwroty@firma.example"
VERP = re.compile(r"zwroty\+([0-9a-f]{24})@firma\.example")


def delivery_report(
    to: str, recipient: str, action: str = "failed", status: str = "5.1.1"
) -> bytes:
    """A delivery status notification as a receiving mail server writes one (RFC 3464):
    multipart/report with a human part, the message/delivery-status fields, and the
    returned message's headers."""
    report = MIMEMultipart("report", **{"report-type": "delivery-status"})
    report["From"] = "Mail Delivery System <MAILER-DAEMON@mx.odbiorca.example>"
    report["To"] = to
    report["Subject"] = "Undelivered Mail Returned to Sender"
    report.attach(MIMEText("This is the mail system at host mx.odbiorca.example.\n"))
    per_message = Message()
    per_message["Reporting-MTA"] = "dns; mx.odbiorca.example"
    per_message["Arrival-Date"] = "Fri, 4 Dec 2026 10:00:00 +0100"
    per_recipient = Message()
    per_recipient["Final-Recipient"] = f"rfc822; {recipient}"
    per_recipient["Original-Recipient"] = f"rfc822;{recipient}"
    per_recipient["Action"] = action
    per_recipient["Status"] = status
    per_recipient["Diagnostic-Code"] = "smtp; 550 5.1.1 <user>: Recipient address rejected"
    fields = Message()  # its payload: the blocks of fields, per message then per recipient
    fields["Content-Type"] = "message/delivery-status"
    fields.set_payload([per_message, per_recipient])
    report.attach(fields)
    headers = MIMEText(f"Return-Path: <{to}>\nFrom: {SENDER}\nTo: {recipient}\n")
    headers.replace_header("Content-Type", "text/rfc822-headers")
    report.attach(headers)
    return report.as_bytes()


def test_delivery_reports_that_come_back_later_count_as_bounced_and_get_no_reminder(
    run_cli, app, tmp_path, inbox, open_round_id, monkeypatch
):
    monkeypatch.setenv("SURVEY_MAIL_BOUNCE_ADDRESS", BOUNCE_ADDRESS)
    result = run_cli(
        "mail", "invite", str(open_round_id), "--side", "a", addresses_file(tmp_path, PEOPLE)
    )
    assert result.exit_code == 0, result.output
    # Each invitation has its own envelope sender, which names neither address nor code.
    senders = inbox.envelope_senders
    assert sorted(senders) == sorted(PEOPLE)
    assert all(VERP.fullmatch(sender) for sender in senders.values())
    assert len(set(senders.values())) == len(PEOPLE)
    codes = {m["To"]: code_of(m) for m in inbox.messages}
    for address, sender in senders.items():
        assert address.split("@")[0] not in sender and codes[address][:4] not in sender
    assert all(m["From"] == SENDER for m in inbox.messages)  # people see the usual sender
    # Reports come back: saved as a maildir, an mbox file and single message files.
    maildir = mailbox.Maildir(tmp_path / "Zwroty", create=True)
    # 1: back to the envelope address, naming a forwarded address nobody was invited at
    maildir.add(delivery_report(senders[PEOPLE[0]], "osoba1@stara-skrzynka.example"))
    # 2: with no envelope address (a server that writes to the From), matched by recipient
    maildir.add(delivery_report(SENDER, PEOPLE[1].upper()))
    box = mailbox.mbox(tmp_path / "zwroty.mbox", create=True)
    box.add(delivery_report(senders[PEOPLE[2]], PEOPLE[2], action="delayed", status="4.4.1"))
    box.add(delivery_report(senders[PEOPLE[3]], PEOPLE[3]))  # 3: failed, in the mbox
    box.close()
    (tmp_path / "nieznany.eml").write_bytes(delivery_report(SENDER, "ktos@inna.example"))
    (tmp_path / "zwykly.eml").write_bytes(b"From: jan@firma.example\nSubject: hej\n\nhej\n")
    files = [str(tmp_path / name) for name in ("Zwroty", "zwroty.mbox", "nieznany.eml")]
    files.append(str(tmp_path / "zwykly.eml"))
    read = run_cli("mail", "bounces", str(open_round_id), *files)
    assert read.exit_code == 0, read.output
    assert "Read 6 messages, 4 of them reports of a failed delivery" in read.output
    assert "3 more addresses bounced, 3 in all." in read.output
    assert "1 reports named no invitation of this round." in read.output
    for address in [*PEOPLE, "osoba1@stara-skrzynka.example", "ktos@inna.example"]:
        assert address.lower() not in read.output.lower()  # counts only, no address
    assert not CODE.search(read.output) and not VERP.search(read.output)
    db = open_db(app.config["DATABASE"])
    assert mailing.counts(db, open_round_id) == {
        "pending": 0,
        "sent": 6,
        "failed": 0,
        "bounced": 3,
    }
    db.conn.close()
    # The same reports read again change nothing.
    again = run_cli("mail", "bounces", str(open_round_id), *files)
    assert "0 more addresses bounced, 3 in all." in again.output
    # A bounced address gets no reminder; the delayed one and the others do.
    inbox.clear()
    reminded = run_cli("mail", "remind", str(open_round_id))
    assert "Reminded 3, failed 0." in reminded.output
    assert sorted(m["To"] for m in inbox.messages) == sorted([PEOPLE[2], *PEOPLE[4:]])


def test_closing_the_round_stops_a_command_line_sending_at_once(
    run_cli, tmp_path, inbox, open_round_id, db_path
):
    inbox.delay = 0.1  # a slow server: 40 messages over 4 connections take a second
    people = [f"osoba{n}@firma.example" for n in range(40)]

    def close_when_mail_arrives() -> None:
        while not inbox.messages:
            time.sleep(0.01)
        db = open_db(db_path)
        close_round(db, open_round_id)
        db.conn.close()

    closer = threading.Thread(target=close_when_mail_arrives)
    closer.start()
    result = run_cli(
        "mail", "invite", str(open_round_id), "--side", "a", addresses_file(tmp_path, people)
    )
    closer.join()
    assert result.exit_code == 1
    assert "The round was closed while the messages were going out" in result.output
    assert 0 < len(inbox.messages) < 20 and not CODE.search(result.output)


def test_a_language_the_round_s_questionnaire_lacks_is_refused_and_nothing_is_made(
    run_cli, app, tmp_path, inbox, open_round_id, db
):
    offer_only(db, ["pl", "en"])
    people = addresses_file(tmp_path, ["jan@firma.example en", "anna@firma.example uk"])
    result = run_cli("mail", "invite", str(open_round_id), "--side", "a", people)
    assert result.exit_code == 1
    assert "Language 'uk' is not offered by 'sales-production' (pl, en)." in result.output
    assert inbox.messages == []
    assert invites.issued_counts(db, open_round_id) == {"a": 0, "b": 0}
