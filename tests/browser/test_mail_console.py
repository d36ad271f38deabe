"""Issue 22: the console's mail pages in real Chromium, axe on every page: HR pastes a
side's addresses, checks the preview, sends, watches the progress, reminds; no page ever
shows an address's code."""

from __future__ import annotations

import re

from mail_server import SENDER, Inbox, code_of, start
from playwright.sync_api import expect

from survey.store.accounts import add_user
from survey.store.rounds import create_round, open_round

from .test_console import PASSWORD, _log_in

PEOPLE = ["anna@firma.example", "jan@firma.example", "ola@firma.example"]


def test_hr_mails_a_side_and_reminds_seeing_counts_only(page, live_server, axe):
    inbox = Inbox()
    smtp = start(inbox)
    try:
        live_server.app.config.update(
            MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_DEFAULT_SENDER=SENDER
        )
        db = live_server.db()
        add_user(db, "hr@firma.example", "hr", PASSWORD)
        round_id = create_round(db, "Jesień", "sales-production", "Sprzedaż", "Produkcja")
        open_round(db, round_id)
        db.conn.close()
        _log_in(page, live_server.url, "hr@firma.example", axe)
        page.goto(f"{live_server.url}/console/rounds/{round_id}")
        axe("round")
        page.get_by_role("link", name="Invitations by mail").click()
        expect(page.locator("h1")).to_have_text("Invitations by mail")
        axe("mail page")
        page.get_by_label("Produkcja").check()
        page.get_by_label("E-mail addresses").fill("\n".join(PEOPLE))
        page.get_by_role("button", name="Preview the message").click()
        expect(page.locator("h1")).to_have_text("Check the invitation")
        expect(page.get_by_text("3 new addresses for Produkcja.")).to_be_visible()
        expect(page.locator("pre")).to_contain_text("/r/XXXX-XXXX-XXXX")
        axe("preview")
        assert inbox.messages == []
        page.get_by_role("button", name="Send the invitations").click()
        expect(page.get_by_role("status")).to_contain_text("Done: 3 messages sent", timeout=20000)
        axe("progress")
        codes = {code_of(message) for message in inbox.messages}
        assert sorted(m["To"] for m in inbox.messages) == sorted(PEOPLE) and len(codes) == 3
        assert not codes & set(re.findall(r"\S+", page.content()))
        page.get_by_role("link", name="Back to invitations by mail").click()
        expect(page.get_by_text("3 invitations sent")).to_be_visible()
        axe("mail page after sending")
        inbox.clear()
        page.get_by_role("button", name="Send a reminder").click()
        expect(page.get_by_role("status")).to_contain_text("Done: 3 messages sent", timeout=20000)
        axe("reminder progress")
        assert {code_of(message) for message in inbox.messages} == codes
        assert not any(code in page.content() for code in codes)
    finally:
        smtp.stop()


def test_hr_mails_people_in_their_languages_and_a_close_stops_the_sending(page, live_server, axe):
    inbox = Inbox(delay=0.1)  # a slow server: the close comes while the mails go out
    smtp = start(inbox)
    people = [f"osoba{n}@firma.example {'uk' if n % 2 else 'en'}" for n in range(40)]
    try:
        live_server.app.config.update(
            MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_DEFAULT_SENDER=SENDER
        )
        db = live_server.db()
        add_user(db, "hr@firma.example", "hr", PASSWORD)
        round_id = create_round(db, "Zima", "sales-production", "Sprzedaż", "Produkcja")
        open_round(db, round_id)
        db.conn.close()
        _log_in(page, live_server.url, "hr@firma.example", axe)
        page.goto(f"{live_server.url}/console/rounds/{round_id}/mail")
        expect(page.get_by_text("for example “anna@firma.pl uk”")).to_be_visible()
        expect(page.get_by_text("0 addresses bounced later")).to_be_visible()
        axe("mail page")
        page.get_by_label("Sprzedaż").check()
        page.get_by_label("E-mail addresses").fill("\n".join(people))
        page.get_by_role("button", name="Preview the message").click()
        expect(page.get_by_text("40 new addresses for Sprzedaż.")).to_be_visible()
        languages = page.get_by_text("Languages of the messages:")
        expect(languages).to_contain_text("Українська: 20")
        expect(languages).to_contain_text("English: 20")
        axe("preview")
        page.get_by_role("button", name="Send the invitations").click()
        expect(page.locator("progress")).to_be_visible()
        axe("progress, sending")
        progress = page.url
        page.goto(f"{live_server.url}/console/rounds/{round_id}/close")  # HR closes meanwhile
        axe("close page")
        page.get_by_role("button", name="Yes, close the round for good").click()
        expect(page.get_by_text("The round is closed.")).to_be_visible()
        axe("round, closed")
        page.goto(progress)
        expect(page.get_by_role("status")).to_contain_text(
            "Stopped: the round was closed while the messages were going out", timeout=20000
        )
        axe("progress, stopped by the close")
        arrived = len(inbox.messages)
        assert 0 < arrived < 40
        assert {m["Subject"].split(" ")[0] for m in inbox.messages} <= {"Your", "Ваше"}
        page.wait_for_timeout(300)
        assert len(inbox.messages) == arrived  # nothing more went out
    finally:
        smtp.stop()
