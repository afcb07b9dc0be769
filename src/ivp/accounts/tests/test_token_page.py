"""The API token on the account page: made (shown once), replaced and revoked by its user."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from ivp.accounts.constants import Role
from ivp.accounts.models import Organisation, User
from ivp.api.models import ApiToken
from ivp.api.services import key_digest, token_create

from .factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PROFILE = reverse("accounts:profile")
CREATE = reverse("accounts:token-create")
REVOKE = reverse("accounts:token-revoke")


def _client(user: User, *, csrf: bool = False) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="nl", enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def _shown_key(html: str) -> str:
    match = re.search(r'<input id="api-token-key"[^>]* value="([^"]+)"[^>]*>', html)
    assert match, "the new key is not shown"
    return match.group(1)


def _viewer() -> User:
    maasgouw = Organisation.objects.get(name="Gemeente Maasgouw")
    user: User = MembershipFactory(organisation=maasgouw, role=Role.VIEWER).user
    return user


def test_a_user_without_a_token_makes_one_and_sees_the_key_once_with_focus_on_it() -> None:
    user = _viewer()  # a viewer too: the token only lets scripts do what its user may
    client = _client(user)
    page = client.get(PROFILE).content.decode()
    assert "U hebt geen API-token." in page and f'action="{CREATE}"' in page
    response = client.post(CREATE)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    html = response.content.decode()
    key = _shown_key(html)
    assert re.search(r'<input id="api-token-key"[^>]* readonly autofocus', html)
    assert '<label class="utrecht-form-label" for="api-token-key">' in html
    token = ApiToken.objects.get(user=user)
    assert token.key_digest == key_digest(key) and key not in token.key_digest
    again = client.get(PROFILE).content.decode()
    assert key not in again and token.key_prefix in again  # shown once; afterwards only its start
    api = Client().get("/api/v1/areas", HTTP_AUTHORIZATION=f"Token {key}")
    assert api.status_code == 200


def test_replacing_needs_a_tick_named_next_to_the_box_and_then_stops_the_old_token() -> None:
    user = UserFactory()
    _old, old_key = token_create(user=user)
    client = _client(user)
    refused = client.post(CREATE, {})
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "Vink het vakje aan" in html and 'role="alert"' in html
    assert re.search(r'<input type="checkbox" name="replace-confirm"[^>]*aria-invalid="true"', html)
    assert 'aria-describedby="id_replace-confirm_errors"' in html and 'id="id_replace-confirm_errors"' in html
    assert ApiToken.objects.get(user=user).key_digest == key_digest(old_key)  # nothing changed

    replaced = client.post(CREATE, {"replace-confirm": "on"})
    new_key = _shown_key(replaced.content.decode())
    assert new_key != old_key and ApiToken.objects.filter(user=user).count() == 1
    assert Client().get("/api/v1/areas", HTTP_AUTHORIZATION=f"Token {old_key}").status_code == 401
    assert Client().get("/api/v1/areas", HTTP_AUTHORIZATION=f"Token {new_key}").status_code == 200


def test_revoking_needs_a_tick_and_removes_the_token() -> None:
    user = UserFactory()
    _token, key = token_create(user=user)
    client = _client(user)
    assert client.post(REVOKE, {}).status_code == 400 and ApiToken.objects.filter(user=user).exists()
    done = client.post(REVOKE, {"revoke-confirm": "on"}, follow=True)
    assert done.redirect_chain == [(PROFILE, 302)]
    html = done.content.decode()
    assert "Uw API-token is ingetrokken" in html and "U hebt geen API-token." in html
    assert not ApiToken.objects.filter(user=user).exists()
    assert Client().get("/api/v1/areas", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_each_user_manages_only_their_own_token() -> None:
    mine, other = UserFactory(), UserFactory()
    _token, other_key = token_create(user=other)
    client = _client(mine)
    client.post(CREATE)
    client.post(REVOKE, {"revoke-confirm": "on"})
    assert not ApiToken.objects.filter(user=mine).exists()
    assert ApiToken.objects.get(user=other).key_digest == key_digest(other_key)


def test_the_token_forms_need_a_sign_in_a_post_and_the_csrf_token() -> None:
    assert Client().post(CREATE)["Location"].startswith(reverse("accounts:login"))
    user = UserFactory()
    assert _client(user).get(CREATE).status_code == 405
    assert _client(user, csrf=True).post(CREATE).status_code == 403
    assert not ApiToken.objects.exists()
    page = _client(user, csrf=True).get(PROFILE).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page
