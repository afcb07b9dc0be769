"""Who gets in: tokens for scripts, sessions for the browser, nothing for anonymous callers."""

from __future__ import annotations

import pytest
from django.test import Client

from ivp.accounts.constants import Role
from ivp.accounts.tests.factories import MembershipFactory, UserFactory
from ivp.api.models import ApiToken
from ivp.api.services import token_create, token_revoke
from ivp.cli import main
from ivp.plans.tests.factories import PlanWorld

from .conftest import Api, api_for

pytestmark = pytest.mark.django_db

PROBLEM_KEYS = {"type", "title", "status", "detail", "instance"}


def test_anonymous_callers_get_401_problem_details_naming_the_token_scheme() -> None:
    for path in (
        "/api/v1/areas",
        "/api/v1/areas/GM1641",
        "/api/v1/figures",
        "/api/v1/plans",
        "/api/v1/store",
    ):
        response = Client().get(path)
        assert response.status_code == 401, path
        assert response["Content-Type"] == "application/problem+json"
        assert response["WWW-Authenticate"] == "Token"
        body = response.json()
        assert set(body) >= PROBLEM_KEYS and body["status"] == 401 and body["instance"] == path


def test_the_schema_is_public_and_everything_else_needs_a_sign_in() -> None:
    response = Client().get("/api/v1/schema")
    assert response.status_code == 200
    assert b"openapi: 3" in response.content


def test_a_token_signs_a_script_in_and_only_its_digest_is_stored() -> None:
    user = UserFactory()
    token, key = token_create(user=user)
    assert key not in token.key_digest and token.key_prefix == key[:8]
    response = Client().get("/api/v1/areas", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_new_token_replaces_the_old_one_and_a_revoked_or_wrong_token_is_refused() -> None:
    user = UserFactory()
    _first, old_key = token_create(user=user)
    _second, new_key = token_create(user=user)
    assert ApiToken.objects.filter(user=user).count() == 1
    for key in (old_key, "not-a-token"):
        response = Client().get("/api/v1/areas", HTTP_AUTHORIZATION=f"Token {key}")
        assert response.status_code == 401
        assert response.json()["detail"]
    assert Client().get("/api/v1/areas", HTTP_AUTHORIZATION=f"Token {new_key}").status_code == 200
    assert token_revoke(user=user)
    assert Client().get("/api/v1/areas", HTTP_AUTHORIZATION=f"Token {new_key}").status_code == 401


def test_the_token_of_a_deactivated_user_no_longer_works() -> None:
    user = UserFactory()
    api = api_for(user)
    user.is_active = False
    user.save()
    assert api.get("/api/v1/areas").status_code == 401


def test_a_browser_session_reads_the_api_too() -> None:
    client = Client()
    client.force_login(UserFactory())
    assert client.get("/api/v1/areas").status_code == 200


def test_viewers_read_but_every_write_is_refused_with_403_by_token_and_by_session(world: PlanWorld) -> None:
    theme = world.plan.themes.first()
    assert theme is not None
    path = f"/api/v1/themes/{theme.pk}"
    api = api_for(world.viewer)
    assert api.get(path).status_code == 200
    response = api.patch(path, {"version": 1, "name": "x"})
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    session = Client()
    session.force_login(world.viewer)
    response = session.patch(path, {"version": 1, "name": "x"}, content_type="application/json")
    assert response.status_code == 403 and response["Content-Type"] == "application/problem+json"


def test_a_session_write_without_csrf_token_is_refused(world: PlanWorld) -> None:
    theme = world.plan.themes.first()
    assert theme is not None
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.editor)
    response = client.patch(
        f"/api/v1/themes/{theme.pk}", {"version": theme.version, "name": "x"}, content_type="application/json"
    )
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]


def test_ivp_api_token_prints_a_working_key_and_revoke_removes_it(capsys: pytest.CaptureFixture[str]) -> None:
    user = UserFactory(username="script-user")
    MembershipFactory(user=user, role=Role.VIEWER)
    assert main(["api", "token", "script-user"]) == 0
    key = capsys.readouterr().out.strip()
    assert Api(Client(), key).get("/api/v1/areas").status_code == 200
    assert main(["api", "token", "script-user", "--revoke"]) == 0
    assert Api(Client(), key).get("/api/v1/areas").status_code == 401
    assert main(["api", "token", "nobody"]) == 2
