"""Making, replacing and revoking an API token is recorded in the audit trail: who, for whom and
what, never the key."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from ivp.accounts.tests.factories import UserFactory
from ivp.api.services import token_create, token_revoke
from ivp.cli import main
from ivp.core.models import AuditEvent
from ivp.ops.audit import AuditScope, audit_entries

pytestmark = pytest.mark.django_db


def _events() -> list[tuple[str, str, str, str, str]]:
    return [
        (e.actor_name, e.app, e.action, e.object_type, e.object_label)
        for e in AuditEvent.objects.order_by("pk")
    ]


def _no_key_recorded(*keys: str) -> None:
    for event in AuditEvent.objects.all():
        text = " ".join(str(v) for v in (event.object_id, event.object_label, event.summary, event.changes))
        for key in keys:
            assert key[:8] not in text, "the key (or its start) is in the audit trail"


def test_the_account_page_records_made_replaced_and_revoked_by_the_user() -> None:
    user = UserFactory(username="j.jansen")
    client = Client()
    client.force_login(user)
    made = client.post(reverse("accounts:token-create"))
    replaced = client.post(reverse("accounts:token-create"), {"replace-confirm": "on"})
    client.post(reverse("accounts:token-revoke"), {"revoke-confirm": "on"})
    client.post(reverse("accounts:token-revoke"))  # no token any more: nothing happens, nothing recorded
    assert made.status_code == replaced.status_code == 200
    assert _events() == [
        ("j.jansen", "api", "created", "api token", "j.jansen"),
        ("j.jansen", "api", "replaced", "api token", "j.jansen"),
        ("j.jansen", "api", "revoked", "api token", "j.jansen"),
    ]
    assert {e.object_id for e in AuditEvent.objects.all()} == {str(user.pk)}
    _no_key_recorded(made.content.decode(), replaced.content.decode())


def test_the_command_line_records_without_an_actor_and_the_service_records_who_acted(
    capsys: pytest.CaptureFixture[str],
) -> None:
    user, admin = UserFactory(username="script-user"), UserFactory(username="beheerder")
    assert main(["api", "token", "script-user"]) == 0
    key = capsys.readouterr().out.strip()
    assert main(["api", "token", "script-user", "--revoke"]) == 0
    _token, other_key = token_create(user=user, actor=admin)
    assert token_revoke(user=user, actor=admin)
    assert _events() == [
        ("", "api", "created", "api token", "script-user"),
        ("", "api", "revoked", "api token", "script-user"),
        ("beheerder", "api", "created", "api token", "script-user"),
        ("beheerder", "api", "revoked", "api token", "script-user"),
    ]
    assert AuditEvent.objects.filter(actor=admin).count() == 2
    _no_key_recorded(key, other_key)


def test_the_audit_trail_shows_the_events_in_the_readers_language() -> None:
    user = UserFactory(username="j.jansen")
    token_create(user=user, actor=user)
    token_create(user=user, actor=user)
    with translation.override("nl"):
        entries, _more = audit_entries(scope=AuditScope(None))
    assert [(e.who, e.action, e.object_label) for e in entries[:2]] == [
        ("j.jansen", "vervangen", "API-token: j.jansen"),
        ("j.jansen", "aangemaakt", "API-token: j.jansen"),
    ]
