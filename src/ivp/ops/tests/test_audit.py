"""The audit trail: administrators see who changed what and when; it cannot be changed."""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site as admin_site
from django.db import DatabaseError, transaction
from django.test import Client, RequestFactory

from ivp.accounts.constants import Role
from ivp.accounts.tests.factories import MembershipFactory, UserFactory
from ivp.core.audit import audit_record
from ivp.core.models import AuditEvent
from ivp.plans.tests.factories import municipality_organisation, plan_world

pytestmark = pytest.mark.django_db


def _get(user: object | None, path: str = "/audit/") -> tuple[int, str]:
    client = Client()
    if user is not None:
        client.force_login(user)  # type: ignore[arg-type]
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="nl")
    return response.status_code, response.content.decode()


def test_everyone_but_administrators_is_refused() -> None:
    world = plan_world()
    assert _get(None)[0] == 403
    assert _get(world.viewer)[0] == 403
    assert _get(world.editor)[0] == 403
    coordinator = MembershipFactory(organisation=world.organisation, role=Role.NETWORK_COORDINATOR).user
    assert _get(coordinator)[0] == 403


def test_a_superuser_sees_plan_revisions_and_audit_events_newest_first() -> None:
    world = plan_world()
    audit_record(
        actor=world.editor, app="networks", action="decided", object_type="decision",
        object_label="Aanpak ondermijning", organisation=world.organisation,
    )  # fmt: skip
    status, body = _get(UserFactory(is_superuser=True))
    assert status == 200
    assert "Integraal Veiligheidsplan 2024-2027" in body and world.editor.username in body
    assert body.index("Aanpak ondermijning") < body.index("Integraal Veiligheidsplan 2024-2027")


def test_an_administrator_sees_only_the_history_of_their_own_organisations() -> None:
    own = plan_world()
    other = plan_world(code="GM0363", title="Veiligheidsplan Amsterdam")
    audit_record(actor=other.editor, app="funding", action="changed", object_type="budget",
                 object_label="Begroting Amsterdam", organisation=other.organisation)  # fmt: skip
    admin = MembershipFactory(organisation=own.organisation, role=Role.ADMINISTRATOR).user
    status, body = _get(admin)
    assert status == 200
    assert "Integraal Veiligheidsplan 2024-2027" in body
    assert "Veiligheidsplan Amsterdam" not in body and "Begroting Amsterdam" not in body


def test_the_trail_pages_through_everything_without_losing_an_entry() -> None:
    organisation = municipality_organisation("GM1641")
    for n in range(120):
        audit_record(actor=None, app="test", action="changed", object_type="item", object_label=f"nr-{n:03d}",
                     organisation=organisation)  # fmt: skip
    superuser = UserFactory(is_superuser=True)
    seen = []
    for page in (1, 2, 3):
        body = _get(superuser, f"/audit/?page={page}")[1]
        seen += [f"nr-{n:03d}" for n in range(120) if f"nr-{n:03d}" in body]
    assert sorted(seen) == [f"nr-{n:03d}" for n in range(120)]
    assert len(seen) == len(set(seen))


def test_an_audit_event_cannot_be_changed_in_the_database() -> None:
    event = audit_record(actor=None, app="test", action="created", object_type="item")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(summary="anders")
    event.refresh_from_db()
    assert event.summary == ""


def test_the_admin_offers_no_way_to_add_change_or_delete_audit_events() -> None:
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_superuser=True, is_staff=True)
    model_admin = admin_site._registry[AuditEvent]
    event = audit_record(actor=None, app="test", action="created", object_type="item")
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)


def test_the_header_links_the_audit_trail_for_administrators_only() -> None:
    world = plan_world()
    admin = MembershipFactory(organisation=world.organisation, role=Role.ADMINISTRATOR).user
    for user, shown in ((admin, True), (UserFactory(is_superuser=True), True), (world.editor, False),
                        (world.viewer, False), (None, False)):  # fmt: skip
        client = Client()
        if user is not None:
            client.force_login(user)
        body = client.get("/plans/" if user else "/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
        assert ('href="/audit/"' in body) is shown, user
