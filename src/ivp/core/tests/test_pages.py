from __future__ import annotations

import pytest
from django.test import Client

from ivp.accounts.constants import Role
from ivp.accounts.models import Organisation
from ivp.accounts.tests.factories import MembershipFactory
from ivp.areas.models import Area

pytestmark = pytest.mark.django_db


def test_home_page_lists_all_342_municipalities(client: Client) -> None:
    body = client.get("/").content.decode()
    for code in Area.objects.filter(kind="municipality").values_list("code", flat=True):
        assert f'href="/areas/{code}/"' in body


def test_home_search_finds_a_municipality_by_alias(client: Client) -> None:
    body = client.get("/", {"q": "den bosch"}).content.decode()
    assert 'href="/areas/GM0796/"' in body


def test_home_search_answers_htmx_with_only_the_results(client: Client) -> None:
    response = client.get("/", {"q": "maasgouw"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="search-results")
    body = response.content.decode()
    assert "<html" not in body and 'href="/areas/GM1641/"' in body


def test_home_search_says_when_nothing_matches(client: Client) -> None:
    body = client.get("/", {"q": "Atlantis"}, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Geen gemeente of regio gevonden" in body


def test_municipality_page_shows_province_regions_and_population(client: Client) -> None:
    body = client.get("/areas/GM1641/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Gemeente Maasgouw" in body
    for text in (
        "Limburg",
        "/areas/PV31/",
        "/areas/RE10/",
        "/areas/VR23/",
        "Limburg-Noord",
        "24.400",
    ):
        assert text in body


def test_region_page_lists_members_with_population_and_total(client: Client) -> None:
    body = client.get("/areas/RE02/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert body.count('<th scope="row" class="utrecht-table__cell"><a') == 76
    assert "3.338.110" in body


def test_region_members_download_as_csv(client: Client) -> None:
    response = client.get("/areas/RE10/members.csv")
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0] == "region_code,code,name,population,population_year"
    assert len(lines) == 1 + 31
    assert "RE10,GM1641,Maasgouw,24400,2024" in lines


def test_unknown_area_gives_a_dutch_not_found_page(client: Client) -> None:
    response = client.get("/areas/GM9999/", HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.content.decode()


def test_anonymous_user_is_sent_to_login_before_changing(client: Client) -> None:
    response = client.post("/areas/groups/new/", {"name": "x"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Area.objects.filter(kind="group").exists()


def test_editor_creates_group_through_the_form(client: Client) -> None:
    maasgouw = Organisation.objects.get(name="Gemeente Maasgouw")
    client.force_login(MembershipFactory(organisation=maasgouw, role=Role.EDITOR).user)
    members = list(Area.objects.filter(code__in=["GM1641", "GM0957"]).values_list("pk", flat=True))
    response = client.post(
        "/areas/groups/new/",
        {"owner": maasgouw.pk, "name": "Vergelijkbaar", "members": members, "description": ""},
    )
    group = Area.objects.get(kind="group")
    assert response.status_code == 302 and response["Location"] == f"/areas/{group.code}/"
    assert group.members.count() == 2


def test_group_form_shows_dutch_validation_messages(client: Client) -> None:
    maasgouw = Organisation.objects.get(name="Gemeente Maasgouw")
    client.force_login(MembershipFactory(organisation=maasgouw, role=Role.EDITOR).user)
    response = client.post(
        "/areas/groups/new/", {"owner": maasgouw.pk, "name": ""}, HTTP_ACCEPT_LANGUAGE="nl"
    )
    assert response.status_code == 200
    from django import forms
    from django.utils import translation

    with translation.override("nl"):  # Django's own Dutch wording (it changed between releases)
        required = str(forms.Field.default_error_messages["required"])
    assert required.startswith("Dit veld is")
    assert required in response.content.decode()
    assert not Area.objects.filter(kind="group").exists()


def test_editor_cannot_choose_an_organisation_of_which_they_are_no_editor(client: Client) -> None:
    maasgouw = Organisation.objects.get(name="Gemeente Maasgouw")
    other = Organisation.objects.get(name="Gemeente Venlo")
    client.force_login(MembershipFactory(organisation=maasgouw, role=Role.EDITOR).user)
    gm = Area.objects.get(code="GM1641").pk
    response = client.post("/areas/groups/new/", {"owner": other.pk, "name": "Kaping", "members": [gm]})
    assert response.status_code == 200
    assert not Area.objects.filter(kind="group").exists()


def test_health_endpoint_checks_the_database(client: Client) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
