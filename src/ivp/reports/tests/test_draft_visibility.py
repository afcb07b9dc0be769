"""A draft annual report is unpublished work: on the web (page and PDF) only the plan's members
see it, also when the plan is adopted; final editions stay visible to everyone who sees the plan."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ivp.accounts.models import User
from ivp.accounts.tests.factories import UserFactory
from ivp.plans.constants import PlanStatus
from ivp.plans.services import plan_status_set
from ivp.reports.selectors import DraftHidden, report_default_year_for, report_view_for
from ivp.reports.services import annual_report_finalise, annual_report_reopen, explanation_save

from .factories import YEAR, ReportWorld, report_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_store(settings: Any, tmp_path: Any) -> None:
    settings.VAR_DIR = tmp_path


@pytest.fixture
def adopted() -> ReportWorld:
    world = report_world()
    plan_status_set(actor=world.editor, plan=world.plan, status=PlanStatus.ADOPTED,
                    expected_version=world.plan.version, adopted_on=dt.date(2024, 3, 12))  # fmt: skip
    return world


def _client(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="nl")
    client.force_login(user)
    return client


def _finalise_and_reopen(world: ReportWorld) -> None:
    explanation_save(actor=world.editor, plan=world.plan, year=YEAR, indicator=world.off_track, text="Uitleg",
                     expected_version=0)  # fmt: skip
    annual_report_finalise(actor=world.editor, plan=world.plan, year=YEAR, expected_version=1)
    annual_report_reopen(actor=world.editor, plan=world.plan, year=YEAR, expected_version=2)


def test_the_draft_of_an_adopted_plan_is_refused_to_outsiders_on_the_page_and_as_pdf(
    adopted: ReportWorld,
) -> None:
    page = reverse("reports:annual", args=[adopted.plan.pk, YEAR])
    pdf = reverse("reports:annual-pdf", args=[adopted.plan.pk, YEAR])
    outsider = _client(adopted.outsider)
    refused = outsider.get(page)
    assert refused.status_code == 403 and "nog niet definitief" in refused.content.decode()
    assert "U mag deze pagina niet zien." in refused.content.decode()  # a page refused, not a change
    assert outsider.get(pdf).status_code == 403
    assert _client(adopted.outsider).get(reverse("plans:detail", args=[adopted.plan.pk])).status_code == 200
    for member in (adopted.viewer, adopted.editor, UserFactory(is_superuser=True)):
        assert _client(member).get(page).status_code == 200
    assert _client(adopted.viewer).get(pdf)["Content-Type"] == "application/pdf"


def test_outsiders_see_the_final_edition_also_while_the_report_is_a_draft_again(adopted: ReportWorld) -> None:
    _finalise_and_reopen(adopted)
    page = reverse("reports:annual", args=[adopted.plan.pk, YEAR])
    outsider = _client(adopted.outsider)
    shown = outsider.get(page)
    html = shown.content.decode()
    assert shown.status_code == 200 and "editie 1" in html
    assert "huidig concept" not in html  # no link to the draft
    assert outsider.get(reverse("reports:annual-pdf", args=[adopted.plan.pk, YEAR]))[
        "Content-Disposition"
    ].endswith('-editie-1.pdf"')
    member = _client(adopted.viewer).get(page).content.decode()
    assert "huidig concept" in member and "Concept: de cijfers" in member
    latest = outsider.get(reverse("reports:annual-latest", args=[adopted.plan.pk]))
    assert latest.status_code == 302 and latest["Location"] == page


def test_report_view_for_shows_members_the_draft_and_others_the_latest_edition(adopted: ReportWorld) -> None:
    with pytest.raises(DraftHidden):
        report_view_for(user=adopted.outsider, plan=adopted.plan, year=YEAR)
    assert not report_view_for(user=adopted.viewer, plan=adopted.plan, year=YEAR).is_frozen
    _finalise_and_reopen(adopted)
    seen = report_view_for(user=adopted.outsider, plan=adopted.plan, year=YEAR)
    assert seen.is_frozen and seen.edition is not None and seen.edition.number == 1
    assert not report_view_for(user=adopted.editor, plan=adopted.plan, year=YEAR).is_frozen
    today = dt.date(2028, 6, 1)  # the default year would be 2027, a draft never finalised
    assert report_default_year_for(user=adopted.outsider, plan=adopted.plan, today=today) == YEAR
    assert report_default_year_for(user=adopted.viewer, plan=adopted.plan, today=today) == 2027
