"""The explorer page, its downloads and saved views through Django's test client."""

from __future__ import annotations

import csv
import io
import itertools

import pytest
from django.conf import settings
from django.test import Client

from ivp.accounts.constants import Role
from ivp.accounts.models import Membership, Organisation, User
from ivp.core.errors import AccessDenied, ValidationFailed
from ivp.explorer.models import SavedView
from ivp.explorer.services import saved_view_create, saved_view_delete, saved_view_rename
from ivp.stats.store import StatsStore

pytestmark = pytest.mark.django_db

VIEW = (
    "area=GM0935&area=GM0917&area=GM1641&area=RE10&crime=1.1.1&from=2021&to=2023&grain=year"
    "&measure=per_1000&chart=line"
)


def _user(name: str, role: Role | None) -> User:
    user = User.objects.create_user(username=name, password="pw")
    if role is not None:
        organisation = Organisation.objects.get(name="Gemeente Maasgouw")
        Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def test_the_page_without_a_query_shows_the_form_only(client: Client, demo_store: StatsStore) -> None:
    response = client.get("/explorer/")
    html = response.content.decode()
    assert response.status_code == 200 and 'id="explorer-form"' in html and 'id="result-table"' not in html
    assert 'value="2019"' in html and 'value="2023"' in html  # the last five years of the loaded data


def test_the_page_shows_table_chart_map_sources_and_the_demo_notice(
    client: Client, demo_store: StatsStore
) -> None:
    response = client.get(f"/explorer/?{VIEW}")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<tr class="utrecht-table__row"><td class="utrecht-table__cell">') >= 12
    assert 'id="demo-notice"' in html and "DEMO-47013NED" in html and "2024-03-01" in html
    assert "ivp-chart" in html and "ivp-map" in html and "gemeenten-2023.topo.json" in html
    assert "Gemeentegrenzen van 2023" in html and "Elke gekozen gemeente heeft een vorm." in html


def test_a_query_in_another_spelling_redirects_to_the_one_canonical_link(
    client: Client, demo_store: StatsStore
) -> None:
    response = client.get("/explorer/?area=Maastricht%2C+gm0917&area=GM1641&area=RE10&area=&crime=1.1.1"
                          "&from=2021&to=2023&grain=year&measure=per_1000")  # fmt: skip
    assert response.status_code == 302 and response["Location"] == f"/explorer/?{VIEW}"


def test_a_bad_query_gives_the_form_with_messages_not_a_server_error(
    client: Client, demo_store: StatsStore
) -> None:
    response = client.get(
        "/explorer/?area=GM9999&area=GM0935&crime=1.1.1&from=20x1&to=2023&grain=year&measure=count"
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'href="#id_area">Gebieden</a>' in html and "GM9999" in html and 'href="#id_from">Van</a>' in html
    assert 'id="area-GM0935" checked' in html  # what was right stays chosen
    assert 'value="GM9999"' in html  # what was wrong stays in the box, to be corrected


@pytest.mark.parametrize(("suffix", "kind"), [("csv", "text/csv"), ("xlsx", "spreadsheetml")])
def test_downloads_are_attachments_of_the_view(
    client: Client, demo_store: StatsStore, suffix: str, kind: str
) -> None:
    response = client.get(f"/explorer/download.{suffix}?{VIEW}")
    assert response.status_code == 200 and kind in response["Content-Type"]
    assert response["Content-Disposition"].startswith('attachment; filename="ivp-verkenner-')
    assert client.get(f"/explorer/download.{suffix}?area=GM9999").status_code == 400


def test_the_csv_is_dutch_excel_in_the_dutch_interface_and_plain_on_request_or_in_english(
    client: Client, demo_store: StatsStore
) -> None:
    dutch = client.get(f"/explorer/download.csv?{VIEW}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert dutch.startswith("\ufeffGebiedscode;Gebied;")
    plain = client.get(f"/explorer/download.csv?{VIEW}&dialect=plain").content.decode()
    assert plain.startswith("Gebiedscode,Gebied,")
    dutch_row = next(itertools.islice(csv.reader(io.StringIO(dutch), delimiter=";"), 1, None))
    plain_row = next(itertools.islice(csv.reader(io.StringIO(plain)), 1, None))
    assert dutch_row[5] == plain_row[5].replace(".", ",") and "," in dutch_row[5]
    html = client.get(f"/explorer/?{VIEW}").content.decode()
    assert 'id="download-csv" href="/explorer/download.csv?area=' in html
    assert 'id="download-csv-plain"' in html and "&amp;dialect=plain" in html

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # chose English: the plain CSV by default
    assert client.get(f"/explorer/download.csv?{VIEW}").content.decode().startswith("Area code,Area,")
    assert 'id="download-csv-excel-nl"' in client.get(f"/explorer/?{VIEW}").content.decode()
    response = client.get(f"/explorer/download.csv?{VIEW}&dialect=excel-nl")
    assert response.content.decode().startswith("\ufeffArea code;Area;")
    assert client.get(f"/explorer/download.csv?{VIEW}&dialect=tsv").status_code == 400


def test_the_boundaries_are_served_from_the_bundled_file(client: Client) -> None:
    response = client.get("/explorer/boundaries/gemeenten-2023.topo.json")
    assert response.status_code == 200 and b'"gm_features"' in b"".join(response.streaming_content)


def test_an_editor_saves_and_deletes_a_view_of_their_own(client: Client, demo_store: StatsStore) -> None:
    client.force_login(_user("editor", Role.EDITOR))
    response = client.post("/explorer/views/", {"name": "Limburg inbraak", "query": VIEW})
    assert response.status_code == 302 and response["Location"] == f"/explorer/?{VIEW}"
    saved = SavedView.objects.get()
    assert (saved.name, saved.query) == ("Limburg inbraak", VIEW)
    html = client.get(f"/explorer/?{VIEW}").content.decode()
    assert "Limburg inbraak" in html and 'id="saved-view-name"' in html
    response = client.post(f"/explorer/views/{saved.pk}/delete/", {"next": "https://elsewhere.example/"})
    assert response["Location"] == "/explorer/" and not SavedView.objects.exists()


def test_nobody_sees_or_deletes_someone_elses_view(client: Client, demo_store: StatsStore) -> None:
    owner, other = _user("owner", Role.EDITOR), _user("other", Role.EDITOR)
    saved = saved_view_create(actor=owner, name="Mine", query=VIEW)
    client.force_login(other)
    assert "Mine" not in client.get("/explorer/").content.decode()
    assert client.post(f"/explorer/views/{saved.pk}/delete/").status_code == 404
    with pytest.raises(AccessDenied):
        saved_view_delete(actor=other, saved_view=saved)
    assert SavedView.objects.filter(pk=saved.pk).exists()


def test_a_viewer_saves_renames_and_deletes_a_view_of_their_own(
    client: Client, demo_store: StatsStore
) -> None:
    """A saved view is a personal bookmark, not municipal data: read-only users keep their own."""
    viewer = _user("viewer", Role.VIEWER)
    client.force_login(viewer)
    html = client.get(f"/explorer/?{VIEW}").content.decode()
    assert 'id="saved-view-name"' in html and 'id="read-only-note"' not in html
    response = client.post("/explorer/views/", {"name": "Inbraak Limburg", "query": VIEW})
    assert response.status_code == 302 and response["Location"] == f"/explorer/?{VIEW}"
    saved = SavedView.objects.get(owner=viewer)
    html = client.get(f"/explorer/?{VIEW}").content.decode()
    assert f'id="saved-view-rename-{saved.pk}"' in html and "Inbraak Limburg" in html

    back = f"/explorer/?{VIEW}"
    response = client.post(
        f"/explorer/views/{saved.pk}/rename/", {"name": " Woninginbraak  2021-2023 ", "next": back}
    )
    assert response.status_code == 302 and response["Location"] == back
    saved.refresh_from_db()
    assert saved.name == "Woninginbraak 2021-2023" and saved.query == VIEW
    assert "heet nu" in client.get(back).content.decode()  # the message says so, in Dutch

    response = client.post(f"/explorer/views/{saved.pk}/delete/", {"next": back})
    assert response.status_code == 302 and not SavedView.objects.exists()


def test_nobody_renames_someone_elses_view_not_even_a_superuser(
    client: Client, demo_store: StatsStore
) -> None:
    owner = _user("owner", Role.VIEWER)
    saved = saved_view_create(actor=owner, name="Mine", query=VIEW)
    for other in (_user("other", Role.VIEWER), _user("coordinator", Role.ADMINISTRATOR)):
        client.force_login(other)
        assert client.post(f"/explorer/views/{saved.pk}/rename/", {"name": "Stolen"}).status_code == 404
        assert client.post(f"/explorer/views/{saved.pk}/delete/").status_code == 404
        with pytest.raises(AccessDenied):
            saved_view_rename(actor=other, saved_view=saved, name="Stolen")
    client.force_login(User.objects.create_superuser(username="root", password="pw"))
    assert client.post(f"/explorer/views/{saved.pk}/rename/", {"name": "Stolen"}).status_code == 404
    saved.refresh_from_db()
    assert saved.name == "Mine"


def test_an_anonymous_visitor_saves_nothing(client: Client, demo_store: StatsStore) -> None:
    response = client.post("/explorer/views/", {"name": "x", "query": VIEW})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not SavedView.objects.exists()


def test_renaming_refuses_an_empty_or_taken_name_and_keeps_the_old_one(
    client: Client, demo_store: StatsStore
) -> None:
    user = _user("viewer", Role.VIEWER)
    first = saved_view_create(actor=user, name="Een", query=VIEW)
    saved_view_create(actor=user, name="Twee", query=VIEW)
    with pytest.raises(ValidationFailed) as caught:
        saved_view_rename(actor=user, saved_view=first, name="  Twee ")
    assert "Twee" in caught.value.problems[0]
    with pytest.raises(ValidationFailed):
        saved_view_rename(actor=user, saved_view=first, name="   ")
    assert saved_view_rename(actor=user, saved_view=first, name="Een").name == "Een"  # its own name
    client.force_login(user)
    response = client.post(
        f"/explorer/views/{first.pk}/rename/", {"name": "Twee", "next": "https://elsewhere.example/"}
    )
    assert response["Location"] == "/explorer/"
    first.refresh_from_db()
    assert first.name == "Een"


def test_saving_refuses_an_empty_or_duplicate_name_with_reasons(demo_store: StatsStore) -> None:
    user = _user("editor", Role.EDITOR)
    saved_view_create(actor=user, name="  Twee   spaties ", query=f"?{VIEW}")
    assert SavedView.objects.get().name == "Twee spaties" and SavedView.objects.get().query == VIEW
    with pytest.raises(ValidationFailed) as caught:
        saved_view_create(actor=user, name="Twee spaties", query=VIEW)
    assert "Twee spaties" in caught.value.problems[0]
    with pytest.raises(ValidationFailed):
        saved_view_create(actor=user, name=" ", query="")
