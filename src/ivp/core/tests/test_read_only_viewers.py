"""A viewer who sends a change to any page gets a refusal, and nothing changes.

The URL list is read from the project's URL configuration, so every page added later is
covered without touching this test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from ivp.accounts.constants import Role
from ivp.accounts.middleware import ALLOWED_FOR_VIEWERS
from ivp.accounts.models import Organisation, User
from ivp.accounts.tests.factories import MembershipFactory, UserFactory
from ivp.areas.models import Area
from ivp.areas.services import group_create

pytestmark = pytest.mark.django_db

_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>[^>]+)>[^)]*\)")


def _walk(
    patterns: list[URLPattern | URLResolver], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str]]:
    for pattern in patterns:
        text = str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, prefix + text, ns)
        else:
            yield prefix + text, f"{namespace}{pattern.name}" if pattern.name else ""


def _concrete(path: str, sample: str) -> str:
    path = _ROUTE_PARAM.sub(lambda m: "1" if m.group("converter") == "int" else sample, path)
    path = _REGEX_GROUP.sub("1", path)
    return "/" + path.replace("^", "").replace("$", "").replace("\\", "")


def all_paths(sample: str) -> list[tuple[str, str]]:
    return sorted({(_concrete(p, sample), name) for p, name in _walk(get_resolver().url_patterns)})


def database_state() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


@pytest.fixture
def viewer() -> User:
    maasgouw = Organisation.objects.get(name="Gemeente Maasgouw")
    user: User = MembershipFactory(organisation=maasgouw, role=Role.VIEWER).user
    return user


@pytest.fixture
def group() -> Area:
    maasgouw = Organisation.objects.get(name="Gemeente Maasgouw")
    return group_create(
        actor=UserFactory(is_superuser=True), owner=maasgouw, name="Groep", member_codes=["GM1641"]
    )


def test_the_url_walk_finds_the_pages_that_change_things(group: Area) -> None:
    paths = dict(all_paths(group.code))
    assert f"/areas/groups/{group.code}/delete/" in paths
    assert "/areas/groups/new/" in paths
    assert any(p.startswith("/admin/") for p in paths)


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_viewer_is_refused_every_change_on_every_page(viewer: User, group: Area, method: str) -> None:
    client = Client()
    client.force_login(viewer)
    before = database_state()
    checked = 0
    for path, name in all_paths(group.code):
        if name in ALLOWED_FOR_VIEWERS:
            continue
        response = getattr(client, method)(path, {"name": "Gewijzigd", "members": ["GM0363"], "owner": "1"})
        assert response.status_code == 403, f"{method.upper()} {path} answered {response.status_code}"
        checked += 1
    assert checked >= 5
    assert database_state() == before
    group.refresh_from_db()
    assert group.name == "Groep"


def test_the_refusal_page_says_nothing_was_changed(viewer: User, group: Area) -> None:
    client = Client()
    client.force_login(viewer)
    response = client.post(f"/areas/groups/{group.code}/delete/", HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 403
    assert "Er is niets gewijzigd" in response.content.decode()
    assert Area.objects.filter(pk=group.pk).exists()


def test_a_viewer_may_still_log_out_and_switch_language(viewer: User) -> None:
    client = Client()
    client.force_login(viewer)
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    assert client.post("/accounts/logout/").status_code == 302


def test_the_exceptions_for_viewers_are_few_and_named_one_by_one() -> None:
    """Each exception is a decision (see docs/security.md): a new one changes this test."""
    assert set(ALLOWED_FOR_VIEWERS) == {
        "accounts:login", "accounts:logout", "set_language",
        "explorer:saved-view-create", "explorer:saved-view-rename", "explorer:saved-view-delete",
        "bulletins:unsubscribe",
        "accounts:token-create", "accounts:token-revoke",
    }  # fmt: skip
