"""Vietnamese is the default UI language; English is available on request."""

import pytest

pytestmark = pytest.mark.django_db


def test_vietnamese_even_for_an_english_browser(client):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="vi"' in page.content.decode()
    assert "Đăng nhập" in page.content.decode()


def test_the_language_switcher_turns_the_portal_english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/")
    assert 'lang="en"' in page.content.decode()
    assert "Sign in" in page.content.decode()
