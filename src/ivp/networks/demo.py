"""The demo network for `ivp setup` with demo accounts: Veiligheidsnetwerk Limburg (demo), the
municipalities of police unit Limburg (RE10) in two districts (the safety regions), with a
governance and a first priority-setting round over the bundled example plans plus the fictional
priorities of the other members in `data/ivp/networks/limburg-demo-priorities.csv`."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from ivp.accounts.models import Organisation, User
from ivp.accounts.services import DEMO_NETWORK
from ivp.areas.selectors import area_get, area_regions

from .catalogue import catalogue_ensure
from .models import Network, PriorityRound
from .selectors import round_view
from .services import network_create
from .services_governance import (
    calendar_activity_create,
    expert_team_create,
    expert_team_member_add,
    milestone_create,
    steering_member_add,
    working_group_member_add,
)
from .services_rounds import concepts_select, priorities_upload, round_create, scores_set

DEMO_REGION = "RE10"
DEMO_PRIORITIES_FILE = "ivp/networks/limburg-demo-priorities.csv"
DEMO_ROUND = "Regionale prioriteiten 2025-2028"
DEMO_COORDINATOR = "demo"


@dataclass(frozen=True)
class DemoNetwork:
    network: Network
    created: bool
    round: PriorityRound | None


@transaction.atomic
def demo_network_create(*, data_dir: Path) -> DemoNetwork:
    """Create the demo network (idempotent: an existing one is left as it is). Needs the demo
    accounts (ivp.accounts.services.demo_accounts_create) and the example plans first."""
    organisation = Organisation.objects.get(name=DEMO_NETWORK)
    existing = Network.objects.filter(organisation=organisation).first()
    if existing is not None:
        return DemoNetwork(existing, False, existing.rounds.first())
    actor = User.objects.get(username=DEMO_COORDINATOR)
    region = area_get(code_or_name=DEMO_REGION)
    partners = [
        (
            Organisation.objects.get(kind="police", area=region),
            "Politie-eenheid: capaciteit, informatie, meerjarenplan",
        ),
        (Organisation.objects.get(kind="public_prosecutor"), "Beleidsplan OM, strafrechtelijke aanpak"),
        (Organisation.objects.get(kind="riec", area=region), "Fenomeenanalyses ondermijning"),
    ]
    network = network_create(
        actor=actor,
        organisation=organisation,
        name=DEMO_NETWORK,
        region=region,
        start_year=2025,
        end_year=2028,
        partners=partners,
        max_priorities=7,
    )
    for member in network.members.select_related("area"):
        districts = [r.name for r in area_regions(area=member.area) if r.kind == "safety_region"]
        if districts:
            member.district = districts[0]
            member.save(update_fields=["district"])
    _governance(network, actor)
    round = round_create(actor=actor, network=network, title=DEMO_ROUND)
    path = data_dir / DEMO_PRIORITIES_FILE
    with path.open("rb") as handle:
        priorities_upload(actor=actor, round=round, file=handle, name=path.name)
    _score_and_select(round, actor)
    return DemoNetwork(network, True, round)


def _governance(network: Network, actor: User) -> None:
    themes = {t.code: t for t in catalogue_ensure(network=network)}
    for name, office, district, chair, theme in [
        ("Voorzitter stuurgroep (demo)", "Burgemeester, voorzitter", "Limburg-Zuid", True, None),
        ("Burgemeester Noord (demo)", "Burgemeester namens Limburg-Noord", "Limburg-Noord", False, "5.2"),
        ("Burgemeester Zuid (demo)", "Burgemeester namens Limburg-Zuid", "Limburg-Zuid", False, "5.4"),
        ("Politiechef (demo)", "Politiechef eenheid Limburg", "", False, "5.3"),
        ("Hoofdofficier (demo)", "Hoofdofficier van justitie", "", False, None),
    ]:
        steering_member_add(
            actor=actor,
            network=network,
            name=name,
            office=office,
            district=district,
            is_chair=chair,
            portfolio=themes[theme] if theme else None,
        )
    team = expert_team_create(
        actor=actor,
        network=network,
        theme=themes["5.2"],
        name="Expertteam ondermijning",
        started_on=datetime.date(2025, 3, 1),
        task="Regionaal beeld en instrumenten tegen ondermijning in het buitengebied.",
    )
    for name, org, role in [
        ("Adviseur OOV (demo)", "Gemeente Venlo", "Trekker"),
        ("Analist (demo)", "RIEC Limburg", "Informatie"),
    ]:
        expert_team_member_add(actor=actor, team=team, name=name, organisation_name=org, role=role)
    working_group_member_add(
        actor=actor,
        network=network,
        name="Netwerkcoördinator (demo)",
        organisation_name=DEMO_NETWORK,
        role="Voorzitter werkgroep",
    )
    for title, due, status in [
        ("Inbreng van de gemeenten compleet", datetime.date(2025, 3, 31), "done"),
        ("Conceptprioriteiten in de stuurgroep", datetime.date(2025, 5, 15), "in_progress"),
        ("Consultatie in de districtelijke veiligheidsoverleggen", datetime.date(2025, 9, 30), "planned"),
        ("Vaststelling regionale strategie", datetime.date(2025, 12, 10), "planned"),
    ]:
        milestone_create(actor=actor, network=network, title=title, due_on=due, status=status)
    for title, start, recurrence in [
        ("Stuurgroep veiligheidsnetwerk", datetime.date(2025, 2, 6), "quarterly"),
        ("Maandcijfers naar de gemeenten", datetime.date(2025, 1, 15), "monthly"),
        ("Regionaal veiligheidscongres", datetime.date(2025, 11, 20), "yearly"),
    ]:
        calendar_activity_create(
            actor=actor, network=network, title=title, starts_on=start, recurrence=recurrence
        )


def _score_and_select(round: PriorityRound, actor: User) -> None:
    view = round_view(round=round)
    criteria = [c.code for c in view.criteria]
    for index, scorer in enumerate(round.network.steering_group.all()):
        scores: dict[tuple[str, str], int] = {}
        for row in view.ranking:
            share = row.tally.member_share
            base = 5 if share >= 0.5 else 4 if share >= 0.25 else 3 if share >= 0.1 else 2
            for position, code in enumerate(criteria):
                scores[(row.theme.code, code)] = max(0, base - (index + position) % 2)
        scores_set(actor=actor, round=round, scorer=scorer, scores=scores)
    ranked = round_view(round=round).ranking[:5]
    concepts_select(
        actor=actor,
        round=round,
        selections=[
            (
                row.theme,
                f"Prioriteit van {row.tally.member_count} van de {len(view.members)} gemeenten "
                f"({row.tally.member_pct}% van de leden, {row.tally.population_pct}% van de inwoners); "
                "hoogst gescoord op de criteria.",
            )
            for row in ranked
        ],
    )
