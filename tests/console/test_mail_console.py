"""Issue 22 in the console: paste or upload addresses, preview, send in the background,
remind; every page shows counts only, never a code of a mailed invitation."""

from __future__ import annotations

import html
import io
import re
import time

import pytest
from mail_server import code_of, offer_only, serving

from survey.store import mailing

CODE = re.compile(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}")
PEOPLE = [f"pracownik{n}@firma.example" for n in range(1, 9)]
NAMES = [("uk", "Українська"), ("en", "English"), ("pl", "Polski")]


@pytest.fixture
def inbox(monkeypatch):
    yield from serving(monkeypatch)


def wait_until_finished(hr, url: str) -> str:
    for _ in range(200):
        page = hr.get(url).get_data(as_text=True)
        if 'data-finished="true"' in page:  # the page moves in place, without a refresh
            return page
        time.sleep(0.05)
    raise AssertionError("the sending never finished")


def shown_codes(page: str) -> set[str]:
    return set(CODE.findall(page)) - {"XXXX-XXXX-XXXX"}


def test_hr_previews_sends_and_reminds_and_sees_counts_only(inbox, hr, open_round_id):
    url = f"/console/rounds/{open_round_id}/mail"
    pasted = "\n".join(PEOPLE[:5])
    uploaded = (io.BytesIO("\n".join(PEOPLE[5:]).encode()), "lista.txt")
    preview = hr.post(url, data={"side": "a", "addresses": pasted, "upload": uploaded})
    text = preview.get_data(as_text=True)
    assert preview.status_code == 200, text
    assert "8 nowych adresów" in text and "Twoje zaproszenie" in text
    assert inbox.messages == [] and not shown_codes(text)  # a preview sends nothing
    sent = hr.post(f"{url}/send", data={"side": "a", "addresses": "\n".join(PEOPLE)})
    assert sent.status_code == 302
    done = wait_until_finished(hr, sent.headers["Location"])
    assert "Gotowe: wysłano 8 wiadomości" in done and not shown_codes(done)
    assert sorted(m["To"] for m in inbox.messages) == sorted(PEOPLE)
    codes = {m["To"]: code_of(m) for m in inbox.messages}
    page = hr.get(url).get_data(as_text=True)
    assert not shown_codes(page) and not any(address in page for address in PEOPLE)
    # The reminder: everyone is unspent here; a second one the same day is refused.
    inbox.clear()
    reminded = hr.post(f"{url}/remind")
    done = wait_until_finished(hr, reminded.headers["Location"])
    assert "Gotowe: wysłano 8 wiadomości" in done and not shown_codes(done)
    assert {m["To"]: code_of(m) for m in inbox.messages} == codes
    again = hr.post(f"{url}/remind", follow_redirects=True).get_data(as_text=True)
    assert "następne może pójść jutro" in again
    audit = hr.get("/console/audit").get_data(as_text=True)
    assert not shown_codes(audit) and not any(address in audit for address in PEOPLE)


def test_a_list_with_a_non_address_is_refused_in_polish_and_nothing_is_made(
    inbox, hr, open_round_id, db
):
    url = f"/console/rounds/{open_round_id}/mail"
    response = hr.post(url, data={"side": "b", "addresses": "jan@firma.example\nnie adres"})
    assert response.status_code == 400
    assert "Wiersz 2 nie jest adresem e-mail" in response.get_data(as_text=True)
    assert mailing.counts(db, open_round_id) == {"pending": 0, "sent": 0, "failed": 0, "bounced": 0}


def test_the_mail_pages_are_hr_only(facilitator, open_round_id):
    assert facilitator.get(f"/console/rounds/{open_round_id}/mail").status_code == 403


def test_failed_invitations_are_sent_again_from_the_mail_page(inbox, hr, open_round_id):
    url = f"/console/rounds/{open_round_id}/mail"
    inbox.unknown.add(PEOPLE[0])  # refused for good, this time
    sent = hr.post(f"{url}/send", data={"side": "b", "addresses": "\n".join(PEOPLE[:3])})
    assert "2 wiadomości" in wait_until_finished(hr, sent.headers["Location"])
    page = hr.get(url).get_data(as_text=True)
    assert "1 nieudana" in page and "Wyślij ponownie nieudane i oczekujące zaproszenia" in page
    inbox.unknown.clear()
    inbox.clear()
    again = hr.post(f"{url}/retry")
    done = wait_until_finished(hr, again.headers["Location"])
    assert "Gotowe: wysłano 1 wiadomość" in done
    assert [m["To"] for m in inbox.messages] == [PEOPLE[0]]
    assert "Wyślij ponownie nieudane" not in hr.get(url).get_data(as_text=True)


def test_closing_the_round_while_a_sending_runs_stops_it_at_once(inbox, hr, open_round_id):
    url = f"/console/rounds/{open_round_id}/mail"
    people = [f"osoba{n}@firma.example" for n in range(40)]
    inbox.delay = 0.1  # a slow server: 40 messages over 4 connections take a second
    sent = hr.post(f"{url}/send", data={"side": "a", "addresses": "\n".join(people)})
    for _ in range(200):
        if inbox.messages:
            break
        time.sleep(0.01)
    closed = hr.post(f"/console/rounds/{open_round_id}/close")
    assert closed.status_code == 302
    done = wait_until_finished(hr, sent.headers["Location"])
    arrived = len(inbox.messages)
    time.sleep(0.3)
    assert len(inbox.messages) == arrived  # nothing more after the sending said it stopped
    assert 0 < arrived < 20  # at most the messages already in flight went out after the close
    assert "Zatrzymano: runda została zamknięta w trakcie wysyłki" in done
    assert "Przed zamknięciem wysłano" in done and not shown_codes(done)


def test_each_line_s_language_goes_through_the_preview_to_the_mails(inbox, hr, open_round_id):
    url = f"/console/rounds/{open_round_id}/mail"
    page = hr.get(url).get_data(as_text=True)
    assert "„anna@firma.pl uk”" in page and "(pl, en, uk)" in page  # how to name a language
    listed = "anna@firma.example uk\njan@firma.example, en\nola@firma.example"
    preview = hr.post(url, data={"side": "a", "addresses": listed})
    shown = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "3 nowe adresy" in shown
    assert re.search(r"Języki wiadomości: (<span lang=\"\w+\">\w+</span>: 1(, |\.)){3}", shown)
    assert all(f'lang="{lang}">{name}</span>: 1' in shown for lang, name in NAMES)
    confirm = re.search(
        r'name="addresses" type="hidden" value="([^"]*)"', preview.get_data(as_text=True)
    )
    assert confirm is not None
    sent = hr.post(f"{url}/send", data={"side": "a", "addresses": html.unescape(confirm.group(1))})
    wait_until_finished(hr, sent.headers["Location"])
    subjects = {m["To"]: m["Subject"] for m in inbox.messages}
    assert "Ваше запрошення" in subjects["anna@firma.example"]
    assert "Your invitation" in subjects["jan@firma.example"]
    assert "Twoje zaproszenie" in subjects["ola@firma.example"]


def test_an_unknown_language_is_refused_in_polish_naming_the_line(inbox, hr, open_round_id, db):
    url = f"/console/rounds/{open_round_id}/mail"
    response = hr.post(
        url, data={"side": "a", "addresses": "jan@firma.example\nola@firma.example xx"}
    )
    assert response.status_code == 400
    assert "Wiersz 2 podaje język „xx”, którego Lustro nie zna" in response.get_data(as_text=True)
    assert mailing.counts(db, open_round_id)["pending"] == 0 and inbox.messages == []


def test_the_mail_page_counts_the_addresses_that_bounced_later(
    inbox, hr, open_round_id, run_cli, tmp_path, monkeypatch
):
    from test_mail import delivery_report

    monkeypatch.setenv("SURVEY_MAIL_BOUNCE_ADDRESS", "zwroty@firma.example")
    url = f"/console/rounds/{open_round_id}/mail"
    sent = hr.post(f"{url}/send", data={"side": "a", "addresses": "\n".join(PEOPLE[:3])})
    wait_until_finished(hr, sent.headers["Location"])
    report = tmp_path / "zwrot.eml"
    report.write_bytes(delivery_report(inbox.envelope_senders[PEOPLE[1]], PEOPLE[1]))
    assert run_cli("mail", "bounces", str(open_round_id), str(report)).exit_code == 0
    page = hr.get(url).get_data(as_text=True)
    assert "3 zaproszenia wysłane" in page and "1 adres zwrócony później" in page
    assert PEOPLE[1] not in page


def test_a_language_the_questionnaire_lacks_is_refused_in_polish(inbox, hr, open_round_id, db):
    offer_only(db, ["pl", "en"])
    url = f"/console/rounds/{open_round_id}/mail"
    response = hr.post(url, data={"side": "a", "addresses": "anna@firma.example uk"})
    assert response.status_code == 400
    assert "nie ma wersji językowej „uk”" in response.get_data(as_text=True)
    assert mailing.counts(db, open_round_id)["pending"] == 0
