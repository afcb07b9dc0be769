"""The network pages: a member's coordinator sees the network but changes only their own inputs;
the coordinators manage; outsiders see nothing."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from ivp.networks.constants import InputSource
from ivp.networks.models import PriorityInput
from ivp.networks.services_governance import milestone_create, steering_member_add
from ivp.networks.services_rounds import round_create

from .factories import limburg_world

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_a_members_coordinator_sees_the_network_but_changes_only_their_own_inputs() -> None:
    world = limburg_world()
    round = round_create(actor=world.coordinator, network=world.network, title="Ronde 1")
    catalogue = {t.code: t for t in world.network.catalogue.all()}
    client = _client(world.maastricht_editor)

    dashboard = client.get(reverse("networks:detail", args=[world.network.pk]))
    assert dashboard.status_code == 200
    assert "Integraal Veiligheidsplan Maasgouw 2024-2027" in dashboard.content.decode()
    page = client.get(reverse("networks:round", args=[round.pk])).content.decode()
    assert 'name="input-area"' in page and '<option value="GM0935">Maastricht</option>' in page
    assert '<option value="GM0917"' not in page  # not Heerlen's inputs
    assert f'action="/networks/rounds/{round.pk}/selection/"' not in page  # no coordinator forms

    added = client.post(
        reverse("networks:input-add", args=[round.pk]),
        {"input-area": "GM0935", "input-theme": catalogue["5.2"].pk, "input-remark": "Drugs"},
    )
    assert added.status_code == 302
    assert (
        PriorityInput.objects.filter(round=round, area__code="GM0935", source=InputSource.FORM).count() == 1
    )
    refused = client.post(
        reverse("networks:input-add", args=[round.pk]),
        {"input-area": "GM0917", "input-theme": catalogue["5.2"].pk},
    )
    assert refused.status_code == 302  # not a choice for this user: the form refuses it
    assert not PriorityInput.objects.filter(round=round, area__code="GM0917").exists()

    heerlen_csv = b"gemeente_code;thema;toelichting\nGM0917;5.2;x\nGM0935;5.3;y\n"
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("networks:upload", args=[round.pk]),
        {"upload-file": SimpleUploadedFile("p.csv", heerlen_csv, "text/csv")},
        follow=True,
    )
    text = response.content.decode()
    assert "p.csv, rij 2, veld gemeente_code" in text or "p.csv, row 2, field gemeente_code" in text
    assert "Heerlen" in text
    assert not PriorityInput.objects.filter(round=round, area__code__in=["GM0917"]).exists()
    assert PriorityInput.objects.filter(round=round, area__code="GM0935").count() == 1  # nothing stored

    # Coordinator's pages and writes are refused to the member.
    assert client.post(reverse("networks:scores", args=[round.pk]), {"scorer": "1"}).status_code == 404
    steering_member_add(
        actor=world.coordinator, network=world.network, name="Voorzitter", office="Burgemeester"
    )
    scorer = world.network.steering_group.get()
    assert client.post(reverse("networks:scores", args=[round.pk]), {"scorer": scorer.pk}).status_code == 403
    assert (
        client.post(
            reverse("networks:governance-add", args=[world.network.pk]),
            {
                "form": "milestone",
                "milestone-title": "X",
                "milestone-due_on": "2025-01-01",
                "milestone-status": "planned",
            },
        ).status_code
        == 403
    )
    assert client.post(reverse("networks:select", args=[round.pk]), {"select": "5.2"}).status_code == 403
    own = PriorityInput.objects.get(round=round, area__code="GM0935")
    maasgouw_plan_input = PriorityInput.objects.filter(round=round, area__code="GM1641").first()
    assert maasgouw_plan_input is not None
    assert (
        client.post(
            reverse("networks:input-delete", args=[round.pk]), {"item": maasgouw_plan_input.pk}
        ).status_code
        == 403
    )
    assert client.post(reverse("networks:input-delete", args=[round.pk]), {"item": own.pk}).status_code == 302
    assert not PriorityInput.objects.filter(pk=own.pk).exists()


def test_an_outsider_does_not_see_the_network() -> None:
    world = limburg_world()
    round = round_create(actor=world.coordinator, network=world.network, title="Ronde 1")
    from ivp.networks.tests.factories import UserFactory

    outsider = UserFactory()
    client = _client(outsider)
    assert client.get(reverse("networks:detail", args=[world.network.pk])).status_code == 403
    assert client.get(reverse("networks:round", args=[round.pk])).status_code == 403
    assert world.network.name not in client.get(reverse("networks:list")).content.decode()


def test_the_coordinator_adds_governance_and_downloads_the_calendar() -> None:
    world = limburg_world()
    client = _client(world.coordinator)
    response = client.post(
        reverse("networks:governance-add", args=[world.network.pk]),
        {
            "form": "activity",
            "activity-title": "Veiligheidscongres, jaarlijks",
            "activity-starts_on": "2025-11-20",
            "activity-recurrence": "yearly",
        },
    )
    assert response.status_code == 302
    milestone_create(
        actor=world.coordinator,
        network=world.network,
        title="Strategie vastgesteld",
        due_on=datetime.date(2025, 12, 10),
    )
    page = client.get(reverse("networks:governance", args=[world.network.pk])).content.decode()
    assert "Veiligheidscongres, jaarlijks" in page and "Strategie vastgesteld" in page
    ics = client.get(reverse("networks:calendar", args=[world.network.pk]))
    assert ics["Content-Type"].startswith("text/calendar")
    assert "SUMMARY:Veiligheidscongres\\, jaarlijks" in ics.content.decode()


def test_the_round_page_memo_and_templates_answer() -> None:
    world = limburg_world()
    round = round_create(actor=world.coordinator, network=world.network, title="Ronde 1")
    client = _client(world.coordinator)
    page = client.get(reverse("networks:round", args=[round.pk]))
    assert page.status_code == 200
    assert client.get(reverse("networks:memo", args=[round.pk])).status_code == 200
    csv = client.get(reverse("networks:template-csv", args=[round.pk])).content.decode("utf-8-sig")
    assert csv.splitlines()[0] == "gemeente_code;thema;toelichting"
    assert "GM0935;;" in csv and "GM1641" not in csv  # only members without a plan in ivp
    xlsx = client.get(reverse("networks:template-xlsx", args=[round.pk]))
    assert xlsx.content[:2] == b"PK"
