"""The priority-setting round end to end: the bundled example plans plus an uploaded CSV for the
other members give a tally, a ranked list, a selection of at most seven and a decision memo PDF."""

from __future__ import annotations

import datetime
import io

import pytest
from pypdf import PdfReader

from ivp.core.errors import ValidationFailed
from ivp.networks.constants import InputSource, RoundStatus
from ivp.networks.memo import memo_pdf
from ivp.networks.models import PriorityInput, PriorityRound
from ivp.networks.selectors import round_view
from ivp.networks.services_governance import steering_member_add
from ivp.networks.services_rounds import (
    adjustment_add,
    concepts_select,
    consultation_start,
    partner_input_add,
    position_set,
    priorities_upload,
    round_create,
    round_finalise,
    scores_set,
    strategy_set,
)

from .factories import LimburgWorld, limburg_world

pytestmark = pytest.mark.django_db

WITH_PLAN = {"GM1641", "GM1883", "GM0888", "GM0971"}


def others_csv(world: LimburgWorld) -> bytes:
    """5.2 for every member without a plan, 5.4 for every second one, 4.1 and 2.5 for one each."""
    codes = sorted(
        m.area.code for m in world.network.members.select_related("area") if m.area.code not in WITH_PLAN
    )
    lines = ["gemeente_code;thema;toelichting"]
    for i, code in enumerate(codes):
        lines.append(f"{code};5.2;Ondermijning buitengebied")
        if i % 2 == 0:
            lines.append(f"{code};Zorg en veiligheid;Verward gedrag")
    lines.append(f"{codes[0]};4.1;Verkeer")
    lines.append(f"{codes[1]};2.5;Recreatieparken")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _round_with_inputs(world: LimburgWorld) -> PriorityRound:
    round = round_create(actor=world.coordinator, network=world.network, title="Prioriteiten 2025-2028")
    stored = priorities_upload(
        actor=world.coordinator, round=round, file=io.BytesIO(others_csv(world)), name="prioriteiten.csv"
    )
    assert stored == 27 + 14 + 2
    om = world.network.partners.get(organisation__name="Openbaar Ministerie")
    catalogue = {t.code: t for t in world.network.catalogue.all()}
    partner_input_add(
        actor=world.coordinator, round=round, partner=om, name="Drugscriminaliteit", theme=catalogue["5.2"]
    )
    return round


def test_the_plans_priorities_are_collected_and_mapped_onto_the_catalogue() -> None:
    world = limburg_world()
    round = round_create(actor=world.coordinator, network=world.network, title="Ronde")
    got = {
        (i.area.code, i.given_name, i.theme.code if i.theme else None)
        for i in PriorityInput.objects.filter(round=round, source=InputSource.PLAN).select_related(
            "area", "theme"
        )
    }
    assert ("GM1641", "Zorg en veiligheid", "5.4") in got
    assert ("GM0971", "Veiligheidsgevoel in de kernen", "1.4") in got  # Stein's own spearhead, by keyword
    assert ("GM0888", "Jeugd en veiligheid in Beek", "3.2") in got
    assert ("GM1883", "Veiligheid in het sociaal domein", "5.4") in got
    assert not any(code == "GM0971" and name == "Jeugd en veiligheid in Beek" for code, name, _t in got)
    assert {code for code, _n, _t in got} == WITH_PLAN
    assert len(round.criteria.all()) == 5


def test_a_round_over_the_example_plans_and_an_uploaded_csv_ends_in_a_decision_memo_pdf() -> None:
    world = limburg_world()
    round = _round_with_inputs(world)
    view = round_view(round=round)
    assert view.members_with_input == 31 and not view.members_without_input
    first = view.ranking[0]
    assert first.theme.code == "5.2"
    assert first.tally.member_count == 31 and first.tally.member_pct == 100
    assert first.tally.partner_names == ["Openbaar Ministerie"]

    chair = steering_member_add(
        actor=world.coordinator,
        network=world.network,
        name="Voorzitter",
        office="Burgemeester",
        is_chair=True,
    )
    other = steering_member_add(
        actor=world.coordinator, network=world.network, name="Politiechef", office="Politie"
    )
    criteria = [c.code for c in view.criteria]
    scores_set(actor=world.coordinator, round=round, scorer=chair, scores={("5.3", c): 5 for c in criteria})
    scores_set(actor=world.coordinator, round=round, scorer=other, scores={("5.3", c): 4 for c in criteria})
    ranking = round_view(round=round).ranking
    assert [r.theme.code for r in ranking][:2] == ["5.3", "5.2"]  # scored themes first
    assert str(ranking[0].item.total) == "22.50"  # 5 criteria x mean 4.5 x weight 1
    assert len(ranking) == 8

    candidates = [(r.theme, f"Reden {r.theme.code}") for r in ranking]
    with pytest.raises(ValidationFailed, match="At most 7 concept priorities; 8 were selected"):
        concepts_select(actor=world.coordinator, round=round, selections=candidates)
    with pytest.raises(ValidationFailed, match="Give the reason"):
        concepts_select(actor=world.coordinator, round=round, selections=[(ranking[0].theme, " ")])
    concepts = concepts_select(actor=world.coordinator, round=round, selections=candidates[:7])
    assert [c.rank for c in concepts] == list(range(1, 8))

    meetings = {m.district: m for m in consultation_start(actor=world.coordinator, round=round)}
    assert set(meetings) == {"Noord", "Zuid"}
    position_set(actor=world.coordinator, meeting=meetings["Noord"], concept=concepts[0], position="support")
    with pytest.raises(ValidationFailed, match="Remarks"):
        position_set(
            actor=world.coordinator, meeting=meetings["Zuid"], concept=concepts[0], position="reject"
        )
    position_set(
        actor=world.coordinator,
        meeting=meetings["Zuid"],
        concept=concepts[0],
        position="support_with_remarks",
        remarks="Let op ouderen",
        held_on=datetime.date(2025, 9, 3),
    )
    adjustment_add(
        actor=world.coordinator,
        round=round,
        concept=concepts[6],
        drop=True,
        text="Geschrapt: past beter in het lokale beleid",
    )
    with pytest.raises(ValidationFailed, match="no strategic goal"):
        round_finalise(actor=world.coordinator, round=round, adopted_on=datetime.date(2025, 12, 10))
    for concept in concepts[:6]:
        strategy_set(actor=world.coordinator, concept=concept, goals=[f"Doel bij {concept.theme.code}"])
    round_finalise(actor=world.coordinator, round=round, adopted_on=datetime.date(2025, 12, 10))
    assert round.status == RoundStatus.FINAL

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(memo_pdf(round=round))).pages)
    text = " ".join(text.split())
    for expected in [
        "Prioriteiten 2025-2028",
        "Reden 5.3",
        "Doel bij 5.2",
        "Let op ouderen",
        "Geschrapt: past beter",
        "Maastricht",
        "Maasgouw",
        "Openbaar Ministerie",
        "Veiligheidsgevoel in de kernen",
        "Integraal Veiligheidsplan Maasgouw",
    ]:
        assert expected in text, expected
    assert text.index("Reden 5.3") < text.index("Reden 5.2")
