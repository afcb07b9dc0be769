"""The plan editor's pages through the Django test client: real database, real services."""

from __future__ import annotations

import re
from decimal import Decimal
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ivp.accounts.constants import Role
from ivp.accounts.tests.factories import MembershipFactory, UserFactory
from ivp.areas.selectors import area_get
from ivp.plans.constants import Direction, IndicatorSource, IndicatorUnit, PlanStatus
from ivp.plans.models import Indicator, IndicatorValue, Partner, Plan, PlanRevision, Theme
from ivp.plans.services import item_create, item_update

from .factories import PlanWorld, municipality_organisation, plan_world

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text_of(response: Any) -> str:
    """The page's visible text, roughly: tags removed, whitespace collapsed."""
    html = response.content.decode()
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def url(name: str, world: PlanWorld, **kwargs: Any) -> str:
    return reverse(f"plans:{name}", kwargs={"plan_id": world.plan.pk, **kwargs})


def theme_form_data(theme: Theme, **changes: Any) -> dict[str, Any]:
    data = {
        "version": theme.version, "position": theme.position, "field": theme.field_id, "code": theme.code,
        "name": theme.name, "problem": "", "approach_basis": "", "approach_focus": "", "related_policy": "",
        "goals": "", "council_input_on": "", "council_input": "",
    }  # fmt: skip
    if theme.is_priority:
        data["is_priority"] = "on"
    return data | changes


def indicator_form_data(**changes: Any) -> dict[str, Any]:
    data = {
        "code": "I1", "name": "Rapportcijfer veiligheid in de buurt", "theme": "", "source": "survey",
        "source_detail": "Inwonerspanel", "unit": "mark", "baseline_value": "7,1", "baseline_year": "2023",
        "target_comparator": "at_least", "target_value": "7,5", "target_year": "", "direction": "up",
        "stats_crime_code": "", "position": "0",
    }  # fmt: skip
    return data | changes


# -- creating and editing --------------------------------------------------------------------


def test_an_editor_creates_a_plan_for_their_municipality_from_the_kbv_catalogue() -> None:
    world = plan_world()
    client = client_for(world.editor)
    response = client.post(
        reverse("plans:create"),
        {"organisation": world.organisation.pk, "title": "IVP Maasgouw 2028-2031", "start_year": "2028",
         "end_year": "2031", "with_catalogue": "on"},
    )  # fmt: skip
    plan = Plan.objects.get(title="IVP Maasgouw 2028-2031")
    assert response.status_code == 302 and response["Location"] == reverse("plans:detail", args=[plan.pk])
    assert [link.area.code for link in plan.plan_municipalities.all()] == ["GM1641"]
    assert plan.themes.count() == 22 and plan.status == PlanStatus.DRAFT
    page = text_of(client.get(response["Location"]))
    assert "5.2 Ondermijning en georganiseerde criminaliteit" in page
    assert "Concept" in page  # the status, in Dutch


def test_marking_a_theme_as_priority_with_problem_approach_and_goals_shows_it_highlighted() -> None:
    world = plan_world()
    theme = Theme.objects.get(plan=world.plan, code="5.2")
    client = client_for(world.editor)
    data = theme_form_data(
        theme, is_priority="on", problem="Drugslabs in het buitengebied\n- Witwassen via vastgoed\n\n",
        approach_basis="Barrièremodel", approach_focus="Integrale controles op bedrijventerreinen",
        goals="Meer meldingen bij Meld Misdaad Anoniem", council_input_on="2024-02-06",
        council_input="Aandacht voor weerbaarheid van ondernemers",
    )  # fmt: skip
    response = client.post(url("item-edit", world, kind="themes", item_id=theme.pk), data)
    assert response.status_code == 302
    theme.refresh_from_db()
    assert theme.is_priority
    assert theme.problem == ["Drugslabs in het buitengebied", "Witwassen via vastgoed"]
    assert theme.council_input_on is not None and theme.council_input_on.isoformat() == "2024-02-06"
    html = client.get(url("detail", world)).content.decode()
    priorities = html[html.index('id="priorities"') : html.index('id="fields"')]
    assert "5.2 Ondermijning" in priorities and "Witwassen via vastgoed" in priorities
    assert "Meer meldingen bij Meld Misdaad Anoniem" in priorities
    assert re.search(
        r'ivp-priority-row">\s*<th[^>]*>5\.2 Ondermijning[^<]*<span class="ivp-priority-badge">', html
    )


def test_an_indicator_with_a_target_and_a_value_entered_by_hand_appear_on_the_overview() -> None:
    world = plan_world()
    client = client_for(world.editor)
    response = client.post(url("item-create", world, kind="indicators"), indicator_form_data())
    assert response.status_code == 302, text_of(response)
    indicator = Indicator.objects.get(plan=world.plan, code="I1")
    assert (indicator.baseline_value, indicator.target_value) == (Decimal("7.1"), Decimal("7.5"))
    values_url = url("indicator-values", world, item_id=indicator.pk)
    response = client.post(values_url, {"year": "2024", "value": "7,3", "source": "Inwonerspanel 2024"})
    assert response.status_code == 302
    client.post(values_url, {"year": "2024", "value": "7,4", "source": "Inwonerspanel 2024, herzien"})
    assert [v.value for v in IndicatorValue.objects.filter(indicator=indicator)] == [
        Decimal("7.3"),
        Decimal("7.4"),
    ]
    history = text_of(client.get(values_url))
    assert "7,3" in history and "nee, vervangen door een latere invoer" in history
    html = client.get(url("detail", world)).content.decode()
    row = html[html.index('data-code="I1"') :]
    row = text_of_html(row[: row.index("</tr>")])
    assert "ten minste 7,5 in 2027" in row  # the target in words, default year = plan end
    assert "7,1 (2023)" in row and "7,4 (2024)" in row


def text_of_html(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_adopting_a_plan_needs_a_date_and_then_records_date_and_body() -> None:
    world = plan_world()
    client = client_for(world.editor)
    response = client.post(url("status", world), {"version": world.plan.version, "status": "adopted",
                                                   "adopted_on": "", "adopted_by": "gemeenteraad"})  # fmt: skip
    assert response.status_code == 200
    assert "Een vastgesteld plan heeft de datum van vaststelling nodig." in text_of(response)
    response = client.post(url("status", world), {"version": world.plan.version, "status": "adopted",
                                                   "adopted_on": "2024-03-12", "adopted_by": "gemeenteraad"})  # fmt: skip
    assert response.status_code == 302
    world.plan.refresh_from_db()
    assert world.plan.status == PlanStatus.ADOPTED and world.plan.adopted_by == "gemeenteraad"


# -- validation messages in Dutch, next to their fields --------------------------------------


def test_refused_input_is_explained_in_dutch_next_to_each_field_and_in_a_linked_summary() -> None:
    world = plan_world()
    client = client_for(world.editor)
    data = indicator_form_data(name="", baseline_value="zeven", target_comparator="at_most", target_value="")
    response = client.post(url("item-create", world, kind="indicators"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert 'href="#id_name">Naam: Dit veld is vereist.' in html
    assert 'href="#id_baseline_value">Beginwaarde: Geef een getal, bijvoorbeeld 7,5.' in html
    assert 'id="id_name_errors"' in html and 'aria-invalid="true"' in html
    assert not Indicator.objects.filter(plan=world.plan).exists()
    # The service's rules (a target needs a value) also land next to their field, in Dutch.
    response = client.post(url("item-create", world, kind="indicators"), indicator_form_data(target_value=""))
    html = response.content.decode()
    assert 'href="#id_target_value">Streefwaarde: Een doel heeft een waarde nodig.' in html
    assert "Beperking" not in html  # never Django's raw "constraint violated"


def test_a_second_theme_with_an_existing_code_is_refused_with_a_readable_reason() -> None:
    world = plan_world()
    field = world.plan.fields.get(code="1")
    response = client_for(world.editor).post(
        url("item-create", world, kind="themes"),
        {"field": field.pk, "code": "1.1", "name": "Dubbel", "position": "9"},
    )
    assert response.status_code == 200
    assert "Dit plan heeft al een thema met deze code." in text_of(response)


# -- two people editing the same item --------------------------------------------------------


def test_a_stale_form_is_refused_with_a_clear_message_keeping_the_input_and_overwriting_nothing() -> None:
    world = plan_world()
    theme = Theme.objects.get(plan=world.plan, code="3.1")
    opened = theme_form_data(theme)  # both open the form with the same version
    colleague = UserFactory()
    MembershipFactory(user=colleague, organisation=world.organisation, role=Role.EDITOR)
    item_update(
        actor=colleague, item=theme, data={"goals": ["Minder jeugdoverlast"]}, expected_version=theme.version
    )

    client = client_for(world.editor)
    mine = opened | {"goals": "Meer jongerenwerk"}
    response = client.post(url("item-edit", world, kind="themes", item_id=theme.pk), mine)
    assert response.status_code == 200
    page = text_of(response)
    assert "Iemand anders heeft" in page and "niets is overschreven" in page
    assert "Minder jeugdoverlast" in page  # what is saved now, next to …
    assert "Meer jongerenwerk" in response.content.decode()  # … the input, kept in the form
    theme.refresh_from_db()
    assert theme.goals == ["Minder jeugdoverlast"]
    # The form now carries the current version: saving again is a deliberate choice.
    assert f'name="version" value="{theme.version}"' in response.content.decode()
    response = client.post(
        url("item-edit", world, kind="themes", item_id=theme.pk), mine | {"version": theme.version}
    )
    assert response.status_code == 302
    theme.refresh_from_db()
    assert theme.goals == ["Meer jongerenwerk"]


def test_deleting_a_partner_someone_else_just_changed_is_refused() -> None:
    world = plan_world()
    partner = item_create(actor=world.editor, plan=world.plan, model=Partner,
                          data={"name": "Halt", "kind": "external", "role": "Jeugd"})  # fmt: skip
    stale = partner.version
    item_update(actor=world.editor, item=partner, data={"role": "Jeugd en ouders"}, expected_version=stale)
    response = client_for(world.editor).post(
        url("item-delete", world, kind="partners", item_id=partner.pk), {"version": stale}
    )
    assert response.status_code == 200
    assert "niets is verwijderd" in text_of(response)
    assert Partner.objects.filter(pk=partner.pk).exists()


# -- who may see and change what -------------------------------------------------------------


def test_a_viewer_sees_the_plan_without_edit_controls_and_every_post_is_refused() -> None:
    world = plan_world()
    theme = Theme.objects.get(plan=world.plan, code="5.2")
    client = client_for(world.viewer)
    html = client.get(url("detail", world)).content.decode()
    assert "Integraal Veiligheidsplan 2024-2027" in html
    assert "/edit/" not in html and "/new/" not in html and "/status/" not in html
    assert client.get(url("item-edit", world, kind="themes", item_id=theme.pk)).status_code == 403
    for target in (
        url("item-edit", world, kind="themes", item_id=theme.pk),
        url("edit", world),
        url("status", world),
        url("item-create", world, kind="partners"),
        reverse("plans:create"),
    ):
        response = client.post(target, theme_form_data(theme, is_priority="on", name="Gekaapt"))
        assert response.status_code == 403, target
    theme.refresh_from_db()
    assert not theme.is_priority and theme.name.startswith("Ondermijning")


def test_an_editor_of_another_municipality_cannot_see_a_draft_nor_change_an_adopted_plan() -> None:
    world = plan_world()
    client = client_for(world.outsider)
    assert client.get(url("detail", world)).status_code == 404
    assert client.get(url("history", world)).status_code == 404
    assert world.plan.title not in text_of(client.get(reverse("plans:list")))
    item_update(actor=world.editor, item=world.plan, expected_version=world.plan.version,
                data={"status": PlanStatus.ADOPTED, "adopted_on": __import__("datetime").date(2024, 3, 1)})  # fmt: skip
    assert client.get(url("detail", world)).status_code == 200  # adopted: public to signed-in users
    theme = Theme.objects.get(plan=world.plan, code="5.2")
    response = client.post(
        url("item-edit", world, kind="themes", item_id=theme.pk), theme_form_data(theme, name="x")
    )
    assert response.status_code == 403
    assert Theme.objects.get(pk=theme.pk).name.startswith("Ondermijning")


def test_signed_out_visitors_are_sent_to_the_login_page() -> None:
    world = plan_world()
    response = Client().get(url("detail", world))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# -- history ---------------------------------------------------------------------------------


def test_the_history_shows_who_changed_what_and_an_earlier_version_can_be_viewed() -> None:
    world = plan_world()
    client = client_for(world.editor)
    client.post(url("edit", world), {"version": world.plan.version, "title": "IVP Maasgouw 2024-2027",
                                     "start_year": "2024", "end_year": "2027", "vision": "Samen veilig",
                                     "budget_notes": ""})  # fmt: skip
    history = text_of(client.get(url("history", world)))
    assert world.editor.username in history
    assert "titel : Integraal Veiligheidsplan 2024-2027 → IVP Maasgouw 2024-2027" in history
    assert "visie : — → Samen veilig" in history
    first = text_of(client.get(url("revision", world, number=1)))
    assert "Integraal Veiligheidsplan 2024-2027" in first and "alleen-lezen" in first
    second = text_of(client.get(url("revision", world, number=2)))
    assert "Wat is er veranderd sinds versie 1" in second
    assert "plan \u203a titel Integraal Veiligheidsplan 2024-2027 IVP Maasgouw 2024-2027" in second
    assert PlanRevision.objects.filter(plan=world.plan).count() == 2


def test_the_municipality_page_links_to_its_plans_and_the_list_filters_by_municipality() -> None:
    world = plan_world()
    client = client_for(world.editor)
    page = client.get(reverse("areas:detail", args=["GM1641"])).content.decode()
    assert f"{reverse('plans:list')}?municipality=GM1641" in page
    listing = text_of(client.get(reverse("plans:list") + "?municipality=GM1641"))
    assert "Integraal Veiligheidsplan 2024-2027" in listing
    assert "Integraal Veiligheidsplan" not in text_of(
        client.get(reverse("plans:list") + "?municipality=GM0363")
    )


def test_in_a_joint_plan_local_spearheads_are_shown_per_municipality() -> None:
    organisation = municipality_organisation("GM1641")
    editor = UserFactory()
    MembershipFactory(user=editor, organisation=organisation, role=Role.EDITOR)
    client = client_for(editor)
    areas = [area_get(code_or_name=c) for c in ("GM1641", "GM0957", "GM1711")]
    response = client.post(reverse("plans:create"), {
        "organisation": organisation.pk, "title": "Samen veilig Midden-Limburg", "start_year": "2025",
        "end_year": "2028", "municipalities": [a.pk for a in areas], "with_catalogue": "on",
    })  # fmt: skip
    plan = Plan.objects.get(title="Samen veilig Midden-Limburg")
    theme = plan.themes.get(code="3.1")
    form = client.get(reverse("plans:item-edit", args=[plan.pk, "themes", theme.pk])).content.decode()
    assert "Gedeeld door alle gemeenten" in form  # the municipality choice of a joint plan
    data = {"version": theme.version, "position": 0, "field": theme.field_id, "code": "3.1", "name": theme.name,
            "is_priority": "on", "municipality": areas[1].pk, "goals": "Minder overlast"}  # fmt: skip
    assert (
        client.post(reverse("plans:item-edit", args=[plan.pk, "themes", theme.pk]), data).status_code == 302
    )
    page = text_of(client.get(response["Location"]))
    assert f"Lokale speerpunten van {areas[1].name}" in page


def test_a_police_indicator_can_be_linked_to_a_crime_type_and_then_takes_no_manual_values() -> None:
    world = plan_world()
    client = client_for(world.editor)
    form = client.get(url("item-create", world, kind="indicators")).content.decode()
    assert '<option value="1.1.1">1.1.1' in form
    data = indicator_form_data(code="I2", name="Woninginbraken", source="police", unit="count",
                               baseline_value="80", target_comparator="reduce_by_pct", target_value="10",
                               direction="down", stats_crime_code="1.1.1")  # fmt: skip
    assert client.post(url("item-create", world, kind="indicators"), data).status_code == 302
    indicator = Indicator.objects.get(plan=world.plan, code="I2")
    assert indicator.stats_crime_code == "1.1.1"
    page = client.get(url("indicator-values", world, item_id=indicator.pk)).content.decode()
    assert "politiestatistieken" in page and 'name="value"' not in page
    wrong = indicator_form_data(code="I3", source="survey", stats_crime_code="1.1.1")
    response = client.post(url("item-create", world, kind="indicators"), wrong)
    assert "Alleen een indicator met bron politie" in text_of(response)


def test_manual_indicator_values_by_a_viewer_are_refused() -> None:
    world = plan_world()
    indicator = item_create(actor=world.editor, plan=world.plan, model=Indicator, data={
        "code": "I1", "name": "Rapportcijfer", "source": IndicatorSource.SURVEY, "unit": IndicatorUnit.MARK,
        "direction": Direction.UP,
    })  # fmt: skip
    client = client_for(world.viewer)
    values_url = url("indicator-values", world, item_id=indicator.pk)
    assert 'name="value"' not in client.get(values_url).content.decode()
    assert client.post(values_url, {"year": "2024", "value": "7", "source": "x"}).status_code == 403
    assert not IndicatorValue.objects.filter(indicator=indicator).exists()


def test_portfolio_holders_with_themes_and_actions_per_year_are_added_and_shown() -> None:
    world = plan_world()
    client = client_for(world.editor)
    themes = list(Theme.objects.filter(plan=world.plan, code__in=["3.1", "5.2"]))
    response = client.post(url("item-create", world, kind="holders"), {
        "name": "J. de Vries", "office": "burgemeester", "themes": [t.pk for t in themes], "position": "0",
    })  # fmt: skip
    assert response.status_code == 302
    holder = world.plan.portfolio_holders.get()
    assert sorted(t.code for t in holder.themes.all()) == ["3.1", "5.2"]
    form = client.get(url("item-edit", world, kind="holders", item_id=holder.pk)).content.decode()
    assert "<fieldset" in form and "<legend" in form  # the themes are a group of checkboxes
    response = client.post(url("item-edit", world, kind="holders", item_id=holder.pk), {
        "version": holder.version, "name": "J. de Vries", "office": "burgemeester", "themes": [themes[0].pk],
    })  # fmt: skip
    assert response.status_code == 302
    assert [t.code for t in holder.themes.all()] == [themes[0].code]
    client.post(url("item-create", world, kind="actions"), {
        "year": "2025", "theme": themes[1].pk, "title": "Weerbaarheidstraining ondernemers",
        "lead_party": "Gemeente", "partners": "Politie, RIEC", "timing": "Q2 2025", "status": "planned",
    })  # fmt: skip
    page = text_of(client.get(url("detail", world)))
    assert "J. de Vries burgemeester" in page
    assert "Acties in 2025" in page and "Weerbaarheidstraining ondernemers" in page and "Gepland" in page
    changes = text_of(client.get(url("history", world)))
    assert (
        "thema's : 3.1 Jeugdoverlast; 5.2 Ondermijning en georganiseerde criminaliteit → 3.1 Jeugdoverlast"
        in changes
    )
