import pytest


@pytest.mark.parametrize(
    "lang,text",
    [
        ("pl", "Anonimowa ankieta o tym, jak dwa działy widzą siebie nawzajem."),
        ("en", "An anonymous survey of how two departments see themselves and each other."),
    ],
)
def test_start_page_speaks_the_browser_language(client, lang, text):
    page = client.get("/", headers={"Accept-Language": lang})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert text in html
    assert f'<html lang="{lang}">' in html


def test_language_switch_is_remembered_and_only_redirects_within_the_site(client):
    switched = client.get("/lang/en?next=/", headers={"Accept-Language": "pl"})
    assert switched.status_code == 302 and switched.headers["Location"] == "/"
    page = client.get("/", headers={"Accept-Language": "pl"}).get_data(as_text=True)
    assert '<html lang="en">' in page
    away = client.get("/lang/pl?next=//evil.example/")
    assert away.headers["Location"] == "/"


def test_unknown_page_is_a_404_in_the_persons_language(client):
    page = client.get("/nowhere", headers={"Accept-Language": "pl"})
    assert page.status_code == 404
    assert "Nie znaleziono" in page.get_data(as_text=True)


def test_every_page_sends_security_headers(client):
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "no-referrer"
