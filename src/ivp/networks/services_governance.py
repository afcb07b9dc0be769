"""Writes on a network's governance: steering group, expert teams, working group, milestones and
the year calendar. Only the network's coordinators (and superusers) make these changes."""

from __future__ import annotations

import datetime
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from ivp.accounts.access import AnyUser
from ivp.core.errors import ValidationFailed
from ivp.plans.services import ItemInvalid

from .access import require_network_manage
from .audit import network_audit
from .constants import MilestoneStatus, Recurrence, TeamStatus
from .models import (
    CalendarActivity,
    CatalogueTheme,
    ExpertTeam,
    ExpertTeamMember,
    Milestone,
    Network,
    SteeringMember,
    WorkingGroupMember,
)

M = TypeVar("M", bound=models.Model)


def checked_save(obj: M) -> M:
    """Validate (every field and constraint) and save; the problems name each field (ItemInvalid:
    `by_field` by model field name, "__all__" for a rule across fields)."""
    try:
        obj.full_clean()
    except ValidationError as error:
        problems = []
        for field, messages in error.message_dict.items():
            label = field
            if field != "__all__":
                label = str(getattr(obj._meta.get_field(field), "verbose_name", field))
            for message in messages:
                problems.append(message if field == "__all__" else f"{label}: {message}")
        raise ItemInvalid(problems, by_field=dict(error.message_dict)) from error
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as error:
        raise ValidationFailed(
            [_("This conflicts with what is already there: %(e)s") % {"e": error}]
        ) from error
    return obj


def _theme_of(network: Network, theme: CatalogueTheme | None) -> CatalogueTheme | None:
    if theme is not None and theme.network_id != network.pk:
        raise ValidationFailed(
            [_("The theme %(theme)s is not in this network's catalogue.") % {"theme": theme}]
        )
    return theme


@transaction.atomic
def steering_member_add(
    *,
    actor: AnyUser,
    network: Network,
    name: str,
    office: str,
    district: str = "",
    is_chair: bool = False,
    portfolio: CatalogueTheme | None = None,
) -> SteeringMember:
    """Add a member to the steering group; a new chair replaces the previous one."""
    require_network_manage(user=actor, network=network)
    previous = network.steering_group.filter(is_chair=True).first() if is_chair else None
    if previous is not None:
        network.steering_group.filter(pk=previous.pk).update(is_chair=False)
    member = checked_save(
        SteeringMember(
            network=network,
            name=name.strip(),
            office=office.strip(),
            district=district.strip(),
            is_chair=is_chair,
            portfolio=_theme_of(network, portfolio),
        )
    )
    chair = {"chair": [previous.name, member.name]} if previous is not None else None
    network_audit(actor=actor, network=network, action="added", object_type="steering member", obj=member,
                  summary=f"{member.office}, {portfolio or ''}".strip(" ,"), changes=chair)  # fmt: skip
    return member


def _audit(
    actor: AnyUser, network: Network, action: str, kind: str, obj: models.Model, summary: str = ""
) -> None:
    network_audit(actor=actor, network=network, action=action, object_type=kind, obj=obj,
                  summary=summary.strip(" ,"))  # fmt: skip


@transaction.atomic
def expert_team_create(
    *,
    actor: AnyUser,
    network: Network,
    theme: CatalogueTheme,
    name: str,
    started_on: datetime.date,
    task: str = "",
) -> ExpertTeam:
    require_network_manage(user=actor, network=network)
    team = checked_save(
        ExpertTeam(
            network=network,
            theme=_theme_of(network, theme),
            name=name.strip(),
            task=task.strip(),
            started_on=started_on,
        )
    )
    _audit(actor, network, "created", "expert team", team, summary=f"{theme}, {started_on.isoformat()}")
    return team


@transaction.atomic
def expert_team_member_add(
    *, actor: AnyUser, team: ExpertTeam, name: str, organisation_name: str, role: str = ""
) -> ExpertTeamMember:
    require_network_manage(user=actor, network=team.network)
    if team.status == TeamStatus.DISSOLVED:
        raise ValidationFailed([_("The expert team %(team)s has been dissolved.") % {"team": team.name}])
    member = checked_save(
        ExpertTeamMember(team=team, name=name.strip(), organisation_name=organisation_name.strip(), role=role)
    )
    _audit(
        actor,
        team.network,
        "added",
        "expert team member",
        member,
        summary=f"{team.name}, {organisation_name}",
    )
    return member


@transaction.atomic
def expert_team_dissolve(
    *, actor: AnyUser, team: ExpertTeam, dissolved_on: datetime.date, final_report: str
) -> ExpertTeam:
    """End an expert team's life cycle: active → dissolved, with the date and its final report."""
    require_network_manage(user=actor, network=team.network)
    problems = []
    if team.status == TeamStatus.DISSOLVED:
        problems.append(_("The expert team %(team)s has already been dissolved.") % {"team": team.name})
    if not final_report.strip():
        problems.append(_("Final report: a dissolved expert team leaves its final report."))
    if dissolved_on < team.started_on:
        problems.append(_("Dissolved on: the team cannot be dissolved before it started."))
    if problems:
        raise ValidationFailed(problems)
    team.status = TeamStatus.DISSOLVED
    team.dissolved_on = dissolved_on
    team.final_report = final_report.strip()
    checked_save(team)
    _audit(actor, team.network, "dissolved", "expert team", team, summary=dissolved_on.isoformat())
    return team


@transaction.atomic
def working_group_member_add(
    *, actor: AnyUser, network: Network, name: str, organisation_name: str, role: str = ""
) -> WorkingGroupMember:
    require_network_manage(user=actor, network=network)
    member = checked_save(
        WorkingGroupMember(
            network=network, name=name.strip(), organisation_name=organisation_name.strip(), role=role.strip()
        )
    )
    _audit(actor, network, "added", "working group member", member, summary=organisation_name)
    return member


@transaction.atomic
def milestone_create(
    *,
    actor: AnyUser,
    network: Network,
    title: str,
    due_on: datetime.date,
    status: str = MilestoneStatus.PLANNED,
    notes: str = "",
) -> Milestone:
    require_network_manage(user=actor, network=network)
    milestone = checked_save(
        Milestone(network=network, title=title.strip(), due_on=due_on, status=status, notes=notes)
    )
    _audit(actor, network, "created", "milestone", milestone, summary=f"{due_on.isoformat()}, {status}")
    return milestone


@transaction.atomic
def milestone_status_set(*, actor: AnyUser, milestone: Milestone, status: str) -> Milestone:
    require_network_manage(user=actor, network=milestone.network)
    before, milestone.status = milestone.status, status
    checked_save(milestone)
    network_audit(actor=actor, network=milestone.network, action="changed", object_type="milestone",
                  obj=milestone, summary=status, changes={"status": [before, status]})  # fmt: skip
    return milestone


@transaction.atomic
def calendar_activity_create(
    *,
    actor: AnyUser,
    network: Network,
    title: str,
    starts_on: datetime.date,
    recurrence: str = Recurrence.YEARLY,
    description: str = "",
    location: str = "",
) -> CalendarActivity:
    require_network_manage(user=actor, network=network)
    activity = checked_save(
        CalendarActivity(
            network=network,
            title=title.strip(),
            starts_on=starts_on,
            recurrence=recurrence,
            description=description.strip(),
            location=location.strip(),
        )
    )
    _audit(
        actor,
        network,
        "created",
        "calendar activity",
        activity,
        summary=f"{starts_on.isoformat()}, {recurrence}",
    )
    return activity


GOVERNANCE_MODELS: dict[str, type[models.Model]] = {
    "steering": SteeringMember,
    "working": WorkingGroupMember,
    "milestone": Milestone,
    "activity": CalendarActivity,
    "expert_member": ExpertTeamMember,
}


@transaction.atomic
def governance_item_delete(*, actor: AnyUser, network: Network, kind: str, item_id: int) -> None:
    """Remove a steering/working group member, milestone, activity or expert team member."""
    require_network_manage(user=actor, network=network)
    model = GOVERNANCE_MODELS.get(kind)
    if model is None:
        raise ValidationFailed([_("Unknown kind of item: %(kind)s.") % {"kind": kind}])
    scope = {"team__network": network} if model is ExpertTeamMember else {"network": network}
    item = model._default_manager.filter(pk=item_id, **scope).first()
    if item is None:
        raise ValidationFailed([_("That item is not (or no longer) part of this network.")])
    kinds = {"steering": "steering member", "working": "working group member",
             "expert_member": "expert team member", "activity": "calendar activity"}  # fmt: skip
    _audit(actor, network, "removed", kinds.get(kind, kind), item)
    item.delete()
