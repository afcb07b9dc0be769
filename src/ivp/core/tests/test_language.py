"""The interface is Dutch for everyone; English only when the user chooses it with the switch.
The browser's Accept-Language is no choice (outside the API, whose clients have no switch)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from ivp.accounts.constants import Role
from ivp.accounts.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def _lang(client: Client, path: str = LOGIN, **headers: str) -> str:
    body = client.get(path, **headers).content.decode()
    return body.split('<html lang="', 1)[1].split('"', 1)[0]


def test_an_english_browser_without_a_choice_gets_dutch(client: Client) -> None:
    response = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    body = response.content.decode()
    assert '<html lang="nl"' in body and "Naar de hoofdinhoud" in body and "Skip to main content" not in body
    assert response["Content-Language"] == "nl"
    assert "Accept-Language" not in response.get("Vary", "")


def test_after_choosing_english_the_pages_are_english_whatever_the_browser_says(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/areas/GM1641/"})
    assert response.status_code == 302 and response["Location"] == "/areas/GM1641/"
    cookie = client.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en" and int(cookie["max-age"]) == 365 * 24 * 60 * 60  # not just the session
    body = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert '<html lang="en"' in body and "Skip to main content" in body
    assert _lang(client, "/areas/GM1641/") == "en"
    client.post("/i18n/setlang/", {"language": "nl", "next": "/"})  # and back
    assert _lang(client, HTTP_ACCEPT_LANGUAGE="en") == "nl"


def test_a_signed_in_viewer_may_choose_english_too(client: Client) -> None:
    viewer = MembershipFactory(role=Role.VIEWER).user
    client.force_login(viewer)
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    assert _lang(client, "/") == "en"


@pytest.mark.parametrize("cookie", ["de", "", "en-US"])
def test_an_unknown_language_in_the_cookie_falls_back_to_dutch(client: Client, cookie: str) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie
    assert _lang(client, HTTP_ACCEPT_LANGUAGE="en") == ("en" if cookie == "en-US" else "nl")


def test_the_api_keeps_accept_language_as_its_documented_choice(client: Client) -> None:
    assert client.get("/api/v1/areas", HTTP_ACCEPT_LANGUAGE="en")["Content-Language"] == "en"
    assert client.get("/api/v1/areas")["Content-Language"] == "nl"
