"""Writes of the priority-setting round, from collecting inputs to the final strategy.

Access: the network's coordinators manage the round (criteria, scores, mapping, selection,
consultation, adjustments, final strategy); a member's coordinator adds and removes only the
inputs of its own municipality (the form and the upload), see `access.py`. Every service checks
again, whatever the page showed.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ivp.accounts.access import AnyUser, can_change
from ivp.accounts.models import User
from ivp.areas.models import Area
from ivp.core.errors import AccessDenied, DataFileError, FileProblem, ValidationFailed
from ivp.plans.selectors import plan_priorities
from ivp.plans.services import EditConflict

from .access import member_can_edit_inputs, require_member_inputs, require_network_manage
from .audit import network_audit
from .catalogue import catalogue_ensure, theme_match
from .constants import DEFAULT_CRITERIA, SCORE_MAX, SCORE_MIN, InputSource, Position, RoundStatus
from .models import (
    CatalogueTheme,
    ConceptPriority,
    ConsultationPosition,
    CriterionScore,
    DistrictMeeting,
    Network,
    NetworkPartner,
    PriorityInput,
    PriorityRound,
    RoundCriterion,
    SteeringAdjustment,
    SteeringMember,
)
from .priority_upload import priorities_file_read
from .selectors import member_plans
from .services_governance import checked_save

OPEN = (RoundStatus.COLLECTING, RoundStatus.SELECTED)


def _user(actor: AnyUser) -> User | None:
    return actor if isinstance(actor, User) and actor.is_authenticated else None


class RoundStateError(ValidationFailed):
    """The round is not at a step where this can be done (a problem of the round, not of a field)."""


def _require_status(round: PriorityRound, allowed: tuple[str, ...], doing: str) -> None:
    if round.status not in allowed:
        raise RoundStateError(
            [
                _("%(doing)s is not possible now: the round is at '%(status)s'.")
                % {"doing": doing, "status": round.get_status_display()}
            ]
        )


def _require_version(round: PriorityRound, expected_version: int | None) -> None:
    """Lock the round until the end of the transaction; with `expected_version` (the version the
    caller read), refuse the change when someone else changed the round since (EditConflict)."""
    locked = PriorityRound.objects.select_for_update().filter(pk=round.pk).values("version", "status").first()
    if locked is not None:
        round.status = locked["status"]  # the step as stored now, not as read before the lock
    if expected_version is not None and (locked is None or locked["version"] != expected_version):
        raise EditConflict(
            _("Someone else changed the round %(title)s after you read it; nothing was changed.")
            % {"title": round.title}
        )


def _touch(round: PriorityRound) -> None:
    PriorityRound.objects.filter(pk=round.pk).update(
        version=F("version") + 1, updated_at=datetime.datetime.now(tz=datetime.UTC)
    )
    round.refresh_from_db(fields=["version", "updated_at"])


@transaction.atomic
def round_create(
    *, actor: AnyUser, network: Network, title: str, criteria: list[tuple[str, str, int]] | None = None
) -> PriorityRound:
    """A new round with the criteria (default: the five of the method) and the local priorities
    of every member that has an adopted plan in ivp, collected automatically."""
    require_network_manage(user=actor, network=network)
    catalogue_ensure(network=network)
    round = checked_save(PriorityRound(network=network, title=title.strip()))
    given = criteria or [(code, name, 1) for code, name in DEFAULT_CRITERIA]
    for position, (code, name, weight) in enumerate(given):
        checked_save(RoundCriterion(round=round, code=code, name=name, weight=weight, position=position))
    count = _collect_plans(round)
    network_audit(actor=actor, network=network, action="created", object_type="round", obj=round,
                  summary=_from_plans(count), changes={"criteria": [n for _c, n, _w in given]})  # fmt: skip
    return round


def _from_plans(count: int) -> str:
    return _("%(count)d priorities from the members' plans in ivp") % {"count": count}


def _collect_plans(round: PriorityRound) -> int:
    catalogue = list(round.network.catalogue.all())
    round.inputs.filter(source=InputSource.PLAN).delete()
    created = 0
    for area, plan in member_plans(network=round.network).items():
        for theme in plan_priorities(plan=plan):
            if theme.municipality_id is not None and theme.municipality_id != area.pk:
                continue  # another municipality's local spearhead in a joint plan
            PriorityInput.objects.create(
                round=round,
                area=area,
                source=InputSource.PLAN,
                plan=plan,
                given_code=theme.code,
                given_name=theme.name,
                theme=theme_match(catalogue, code=theme.code, name=theme.name),
            )
            created += 1
    return created


@transaction.atomic
def round_plans_collect(*, actor: AnyUser, round: PriorityRound) -> int:
    """Collect the plans' priorities again (after a member adopted a new plan)."""
    require_network_manage(user=actor, network=round.network)
    _require_status(round, OPEN, _("Collecting inputs"))
    count = _collect_plans(round)
    _touch(round)
    network_audit(actor=actor, network=round.network, action="collected", object_type="inputs", obj=round,
                  summary=_from_plans(count))  # fmt: skip
    return count


def _without_plan(round: PriorityRound, area: Area) -> None:
    if round.inputs.filter(area=area, source=InputSource.PLAN).exists():
        raise ValidationFailed(
            [
                _("The priorities of %(name)s come from its plan in ivp; change the plan instead.")
                % {"name": area.name}
            ]
        )


@transaction.atomic
def input_add(
    *, actor: AnyUser, round: PriorityRound, area: Area, theme: CatalogueTheme, remark: str = ""
) -> PriorityInput:
    """A member's local priority entered with the form (members without a plan in ivp)."""
    require_member_inputs(user=actor, network=round.network, area=area)
    _require_status(round, OPEN, _("Adding inputs"))
    if not round.network.members.filter(area=area).exists():
        raise ValidationFailed([_("%(name)s is not a member of this network.") % {"name": area.name}])
    if theme.network_id != round.network_id:
        raise ValidationFailed([_("The theme is not in this network's catalogue.")])
    _without_plan(round, area)
    if round.inputs.filter(area=area, theme=theme).exists():
        raise ValidationFailed(
            [_("%(name)s already has the theme %(theme)s.") % {"name": area.name, "theme": theme}]
        )
    item = checked_save(
        PriorityInput(
            round=round,
            area=area,
            source=InputSource.FORM,
            given_code=theme.code,
            given_name=theme.name,
            remark=remark.strip(),
            theme=theme,
            created_by=_user(actor),
        )
    )
    _touch(round)
    _input_audit(actor, item, "added")
    return item


def _input_audit(actor: AnyUser, item: PriorityInput, action: str, before: str | None = None) -> None:
    """A member's or partner's input added, removed or mapped (`before`: the earlier theme code)."""
    who = item.area.name if item.area is not None else str(item.partner.organisation if item.partner else "")
    theme = item.theme.code if item.theme else ""
    network_audit(
        actor=actor, network=item.round.network, action=action, object_type="input", obj=item,
        label=f"{item.round.title}: {who}",
        summary=" — ".join(p for p in (str(item.theme or item.given_name), item.remark) if p),
        changes={"theme": [before, theme] if before is not None else theme, "given": item.given_name},
    )  # fmt: skip


@transaction.atomic
def input_delete(*, actor: AnyUser, item: PriorityInput) -> None:
    round = item.round
    if item.source == InputSource.PARTNER:
        require_network_manage(user=actor, network=round.network)
    else:
        assert item.area is not None
        require_member_inputs(user=actor, network=round.network, area=item.area)
    _require_status(round, OPEN, _("Removing inputs"))
    if item.source == InputSource.PLAN:
        raise ValidationFailed([_("A priority from a plan in ivp is changed in that plan.")])
    _input_audit(actor, item, "removed")
    item.delete()
    _touch(round)


@transaction.atomic
def partner_input_add(
    *,
    actor: AnyUser,
    round: PriorityRound,
    partner: NetworkPartner,
    name: str,
    theme: CatalogueTheme,
    remark: str = "",
) -> PriorityInput:
    """A partner's input (e.g. OM policy plan, RIEC phenomena): by the coordinators or the partner."""
    if not can_change(user=actor, organisation=partner.organisation):
        require_network_manage(user=actor, network=round.network)
    _require_status(round, OPEN, _("Adding inputs"))
    if partner.network_id != round.network_id or theme.network_id != round.network_id:
        raise ValidationFailed([_("The partner and the theme must belong to this network.")])
    item = checked_save(
        PriorityInput(
            round=round,
            partner=partner,
            source=InputSource.PARTNER,
            given_name=name.strip(),
            given_code=theme.code,
            remark=remark.strip(),
            theme=theme,
        )
    )
    _touch(round)
    _input_audit(actor, item, "added")
    return item


@transaction.atomic
def input_map(*, actor: AnyUser, item: PriorityInput, theme: CatalogueTheme) -> PriorityInput:
    """Map an input onto a catalogue theme (the coordinators decide the shared catalogue)."""
    require_network_manage(user=actor, network=item.round.network)
    _require_status(item.round, OPEN, _("Mapping inputs"))
    if theme.network_id != item.round.network_id:
        raise ValidationFailed([_("The theme is not in this network's catalogue.")])
    before = item.theme.code if item.theme else ""
    item.theme = theme
    item.save(update_fields=["theme"])
    _touch(item.round)
    _input_audit(actor, item, "mapped", before)
    return item


@transaction.atomic
def priorities_upload(*, actor: AnyUser, round: PriorityRound, file: Any, name: str) -> int:
    """Store the priorities of an uploaded CSV/XLSX file, all or nothing.

    Every problem (columns, codes, themes, non-members, members with a plan in ivp, rows of a
    municipality the actor may not change) is reported with its row and field; on any problem
    nothing is stored. The rows replace the earlier form/upload inputs of the municipalities in
    the file. Returns the number of priorities stored."""
    network = round.network
    if not (can_change(user=actor, organisation=network.organisation) or _changes_any_member(actor, network)):
        raise AccessDenied(_("You may not add inputs to %(name)s.") % {"name": network.name})
    _require_status(round, OPEN, _("Uploading inputs"))
    members = {m.area_id: m.area for m in network.members.select_related("area")}
    rows = priorities_file_read(
        file=file, name=name, members=members, catalogue=list(network.catalogue.all())
    )
    with_plan = set(round.inputs.filter(source=InputSource.PLAN).values_list("area_id", flat=True))
    problems = []
    for row in rows:
        if row.area.pk in with_plan:
            problems.append(
                FileProblem(
                    name,
                    row.row,
                    "gemeente_code",
                    _("the priorities of %(name)s come from its plan in ivp") % {"name": row.area.name},
                )
            )
        elif not member_can_edit_inputs(user=actor, network=network, area=row.area):
            problems.append(
                FileProblem(
                    name,
                    row.row,
                    "gemeente_code",
                    _("you may change only the inputs of your own municipality, not of %(name)s")
                    % {"name": row.area.name},
                )
            )
    if problems:
        raise DataFileError(problems)
    areas = {row.area.pk for row in rows}
    round.inputs.filter(area_id__in=areas, source__in=[InputSource.UPLOAD, InputSource.FORM]).delete()
    user = _user(actor)
    PriorityInput.objects.bulk_create(
        PriorityInput(
            round=round,
            area=row.area,
            source=InputSource.UPLOAD,
            given_code=row.theme.code,
            given_name=row.theme.name,
            remark=row.remark,
            theme=row.theme,
            created_by=user,
        )
        for row in rows
    )
    _touch(round)
    network_audit(
        actor=actor, network=network, action="uploaded", object_type="inputs", obj=round,
        summary=_("%(file)s: %(count)d priorities of %(members)s")
        % {"file": name, "count": len(rows), "members": ", ".join(sorted({row.area.name for row in rows}))},
        changes={"rows": [[row.area.code, row.theme.code, row.remark] for row in rows]},
    )  # fmt: skip
    return len(rows)


def _changes_any_member(actor: AnyUser, network: Network) -> bool:
    return any(
        member_can_edit_inputs(user=actor, network=network, area=m.area)
        for m in network.members.select_related("area")
    )


def criterion_code(name: str, taken: set[str]) -> str:
    """A criterion's code made from its text, unique among `taken` (which it is added to)."""
    code = slugify(name)[:36] or "criterion"
    while code in taken:
        code += "-x"
    taken.add(code)
    return code


@transaction.atomic
def criteria_set(
    *,
    actor: AnyUser,
    round: PriorityRound,
    criteria: list[tuple[str, str, int]],
    expected_version: int | None = None,
) -> None:
    """Replace the criteria (code, text, weight) while nobody has scored yet: this adds, changes
    and removes criteria in one go."""
    require_network_manage(user=actor, network=round.network)
    _require_version(round, expected_version)
    _require_status(round, OPEN, _("Changing the criteria"))
    if CriterionScore.objects.filter(criterion__round=round).exists():
        raise ValidationFailed([_("The criteria are fixed once the steering group has scored.")])
    if not criteria:
        raise ValidationFailed([_("A round needs at least one criterion.")])
    codes = [code for code, _name, _weight in criteria]
    if len(set(codes)) != len(codes):
        raise ValidationFailed([_("Two criteria have the same code.")])
    before = [[c.name, c.weight] for c in round.criteria.all()]
    round.criteria.all().delete()
    for position, (code, name, weight) in enumerate(criteria):
        checked_save(RoundCriterion(round=round, code=code, name=name, weight=weight, position=position))
    _touch(round)
    network_audit(actor=actor, network=round.network, action="changed", object_type="criteria", obj=round,
                  summary="; ".join(f"{name} ({weight})" for _code, name, weight in criteria),
                  changes={"criteria": [before, [[n, w] for _code, n, w in criteria]]})  # fmt: skip


@transaction.atomic
def scores_set(
    *, actor: AnyUser, round: PriorityRound, scorer: SteeringMember, scores: dict[tuple[str, str], int]
) -> int:
    """Record a steering group member's scores: {(theme code, criterion code): 0..5}."""
    require_network_manage(user=actor, network=round.network)
    _require_status(round, OPEN, _("Scoring"))
    if scorer.network_id != round.network_id:
        raise ValidationFailed(
            [_("%(name)s is not in this network's steering group.") % {"name": scorer.name}]
        )
    themes = {t.code: t for t in round.network.catalogue.all()}
    criteria = {c.code: c for c in round.criteria.all()}
    problems = []
    for (theme_code, criterion_code), score in scores.items():
        if theme_code not in themes:
            problems.append(_("Unknown theme %(code)s.") % {"code": theme_code})
        if criterion_code not in criteria:
            problems.append(_("Unknown criterion %(code)s.") % {"code": criterion_code})
        if not SCORE_MIN <= score <= SCORE_MAX:
            problems.append(
                _("A score is from %(min)d to %(max)d, not %(score)d.")
                % {"min": SCORE_MIN, "max": SCORE_MAX, "score": score}
            )
    if problems:
        raise ValidationFailed(problems)
    for (theme_code, criterion_code), score in scores.items():
        CriterionScore.objects.update_or_create(
            criterion=criteria[criterion_code],
            theme=themes[theme_code],
            scorer=scorer,
            defaults={"score": score},
        )
    _touch(round)
    network_audit(actor=actor, network=round.network, action="scored", object_type="scores", obj=round,
                  summary=f"{scorer.name}: {len(scores)}",
                  changes={"scores": {f"{t}|{c}": v for (t, c), v in sorted(scores.items())}})  # fmt: skip
    return len(scores)


@transaction.atomic
def concepts_select(
    *,
    actor: AnyUser,
    round: PriorityRound,
    selections: list[tuple[CatalogueTheme, str]],
    expected_version: int | None = None,
) -> list[ConceptPriority]:
    """Select the concept priorities (at most the network's maximum), each with its reason, ranked
    in the order given; a new selection replaces the earlier one."""
    require_network_manage(user=actor, network=round.network)
    _require_version(round, expected_version)
    _require_status(round, OPEN, _("Selecting concept priorities"))
    problems = []
    limit = round.network.max_priorities
    if not selections:
        problems.append(_("Select at least one concept priority."))
    if len(selections) > limit:
        problems.append(
            _("At most %(max)d concept priorities; %(n)d were selected.")
            % {"max": limit, "n": len(selections)}
        )
    candidates = set(round.inputs.exclude(theme=None).values_list("theme_id", flat=True))
    seen: set[int] = set()
    for theme, reason in selections:
        if theme.pk not in candidates:
            problems.append(
                _("%(theme)s is not a candidate: no member or partner named it.") % {"theme": theme}
            )
        if not reason.strip():
            problems.append(_("Give the reason for selecting %(theme)s.") % {"theme": theme})
        if theme.pk in seen:
            problems.append(_("%(theme)s was selected twice.") % {"theme": theme})
        seen.add(theme.pk)
    if problems:
        raise ValidationFailed(problems)
    round.concepts.all().delete()
    concepts = [
        ConceptPriority.objects.create(
            round=round, theme=theme, rank=i, reason=reason.strip(), final_name=theme.name
        )
        for i, (theme, reason) in enumerate(selections, start=1)
    ]
    round.status = RoundStatus.SELECTED
    round.save(update_fields=["status"])
    _touch(round)
    network_audit(
        actor=actor, network=round.network, action="selected", object_type="concept priorities", obj=round,
        summary="\n".join(f"{c.rank}. {c.theme}: {c.reason}" for c in concepts),
        changes={"selected": [{"rank": c.rank, "theme": c.theme.code, "reason": c.reason} for c in concepts]},
    )  # fmt: skip
    return concepts


@transaction.atomic
def consultation_start(
    *, actor: AnyUser, round: PriorityRound, expected_version: int | None = None
) -> list[DistrictMeeting]:
    """Send the concept priorities to the district meetings (DVO): one per district of the members."""
    require_network_manage(user=actor, network=round.network)
    _require_version(round, expected_version)
    _require_status(round, (RoundStatus.SELECTED,), _("Starting the consultation"))
    districts = sorted({m.district for m in round.network.members.all() if m.district}) or [
        _("Whole network")
    ]
    meetings = [DistrictMeeting.objects.get_or_create(round=round, district=d)[0] for d in districts]
    round.status = RoundStatus.CONSULTING
    round.save(update_fields=["status"])
    _touch(round)
    network_audit(actor=actor, network=round.network, action="started", object_type="consultation", obj=round,
                  summary=", ".join(districts))  # fmt: skip
    return meetings


@transaction.atomic
def position_set(
    *,
    actor: AnyUser,
    meeting: DistrictMeeting,
    concept: ConceptPriority,
    position: str,
    remarks: str = "",
    held_on: datetime.date | None = None,
) -> ConsultationPosition:
    """A district meeting's position on a concept priority (support / with remarks / reject)."""
    round = meeting.round
    require_network_manage(user=actor, network=round.network)
    _require_status(round, (RoundStatus.CONSULTING,), _("Recording positions"))
    if concept.round_id != round.pk:
        raise ValidationFailed([_("The concept priority is not part of this round.")])
    if position not in Position.values:
        raise ValidationFailed([_("Unknown position %(p)s.") % {"p": position}])
    if position != Position.SUPPORT and not remarks.strip():
        raise ValidationFailed([_("Remarks: give the remarks with this position.")])
    if held_on is not None:
        meeting.held_on = held_on
        meeting.save(update_fields=["held_on"])
    item, _created = ConsultationPosition.objects.update_or_create(
        meeting=meeting, concept=concept, defaults={"position": position, "remarks": remarks.strip()}
    )
    _touch(round)
    network_audit(
        actor=actor, network=round.network, action="recorded", object_type="position", obj=item,
        label=f"{round.title}: {meeting.district}, {concept}",
        summary=" — ".join(p for p in (item.get_position_display(), item.remarks) if p),
        changes={"position": item.position, "remarks": item.remarks},
    )  # fmt: skip
    return item


@transaction.atomic
def positions_set(
    *,
    actor: AnyUser,
    meeting: DistrictMeeting,
    positions: list[tuple[ConceptPriority, str, str]],
    held_on: datetime.date | None = None,
) -> list[ConsultationPosition]:
    """A district meeting's positions on several concept priorities (concept, position, remarks),
    all or nothing: one refused position stores none of them. Each is recorded in the audit trail."""
    round = meeting.round
    require_network_manage(user=actor, network=round.network)
    _require_status(round, (RoundStatus.CONSULTING,), _("Recording positions"))
    if not positions:
        raise ValidationFailed([_("Give the district meeting's position on at least one concept priority.")])
    problems: list[str] = []
    stored: list[ConsultationPosition] = []
    seen: set[int] = set()
    for concept, position, remarks in positions:
        if concept.pk in seen:
            problems.append(_("%(name)s: given twice.") % {"name": concept})
            continue
        seen.add(concept.pk)
        try:
            stored.append(position_set(actor=actor, meeting=meeting, concept=concept, position=position,
                                       remarks=remarks, held_on=held_on))  # fmt: skip
        except ValidationFailed as error:  # its savepoint is rolled back; the rest is checked too
            problems += [f"{concept}: {p}" for p in error.problems]
    if problems:
        raise ValidationFailed(problems)  # the whole transaction is rolled back
    return stored


@transaction.atomic
def adjustment_add(
    *,
    actor: AnyUser,
    round: PriorityRound,
    text: str,
    concept: ConceptPriority | None = None,
    drop: bool = False,
    final_name: str = "",
) -> SteeringAdjustment:
    """Record a steering group adjustment after the consultation (append-only); it may rename or
    drop a concept priority."""
    require_network_manage(user=actor, network=round.network)
    _require_status(round, (RoundStatus.CONSULTING,), _("Recording adjustments"))
    if not text.strip():
        raise ValidationFailed([_("Adjustment: describe what the steering group decided.")])
    if concept is not None:
        if concept.round_id != round.pk:
            raise ValidationFailed([_("The concept priority is not part of this round.")])
        if final_name.strip():
            concept.final_name = final_name.strip()
        concept.dropped = drop
        concept.save(update_fields=["final_name", "dropped"])
    item = checked_save(SteeringAdjustment(round=round, concept=concept, text=text.strip()))
    _touch(round)
    network_audit(
        actor=actor, network=round.network, action="adjusted", object_type="concept priority", obj=item,
        label=f"{round.title}: {concept}" if concept is not None else round.title, summary=item.text,
        changes={"dropped": drop, "final_name": final_name.strip()} if concept is not None else None,
    )  # fmt: skip
    return item


@transaction.atomic
def strategy_set(
    *, actor: AnyUser, concept: ConceptPriority, goals: list[str], final_name: str = ""
) -> ConceptPriority:
    """The strategic goals (and final wording) of a priority in the final strategy."""
    round = concept.round
    require_network_manage(user=actor, network=round.network)
    _require_status(round, (RoundStatus.CONSULTING,), _("Writing the strategy"))
    limit: int = getattr(ConceptPriority._meta.get_field("final_name"), "max_length", None) or 300
    if len(final_name.strip()) > limit:
        raise ValidationFailed(
            [_("%(name)s: the final wording has at most %(n)d characters.") % {"name": concept, "n": limit}]
        )
    concept.strategic_goals = [g.strip() for g in goals if g.strip()]
    if final_name.strip():
        concept.final_name = final_name.strip()
    concept.save(update_fields=["strategic_goals", "final_name"])
    _touch(round)
    network_audit(actor=actor, network=round.network, action="changed", object_type="strategy", obj=concept,
                  label=f"{round.title}: {concept}", summary="\n".join(concept.strategic_goals),
                  changes={"goals": concept.strategic_goals})  # fmt: skip
    return concept


@transaction.atomic
def strategies_set(
    *,
    actor: AnyUser,
    round: PriorityRound,
    strategies: list[tuple[ConceptPriority, list[str], str]],
    expected_version: int | None = None,
) -> list[ConceptPriority]:
    """The strategic goals and final wording of several priorities (concept, goals, final name),
    all or nothing."""
    require_network_manage(user=actor, network=round.network)
    _require_version(round, expected_version)
    _require_status(round, (RoundStatus.CONSULTING,), _("Writing the strategy"))
    problems: list[str] = []
    for concept, _goals, _name in strategies:
        if concept.round_id != round.pk:
            problems.append(_("The concept priority is not part of this round."))
        elif concept.dropped:
            problems.append(
                _("%(name)s was dropped by the steering group: it has no strategy.") % {"name": concept}
            )
    if len({concept.pk for concept, _goals, _name in strategies}) != len(strategies):
        problems.append(_("A priority is given twice."))
    if problems:
        raise ValidationFailed(problems)
    return [
        strategy_set(actor=actor, concept=concept, goals=goals, final_name=name)
        for concept, goals, name in strategies
    ]


@transaction.atomic
def round_finalise(
    *, actor: AnyUser, round: PriorityRound, adopted_on: datetime.date, expected_version: int | None = None
) -> PriorityRound:
    """Adopt the final strategy: every remaining priority needs at least one strategic goal."""
    require_network_manage(user=actor, network=round.network)
    _require_version(round, expected_version)
    _require_status(round, (RoundStatus.CONSULTING,), _("Adopting the strategy"))
    kept = list(round.concepts.filter(dropped=False))
    problems = [_("%(name)s has no strategic goal yet.") % {"name": c} for c in kept if not c.strategic_goals]
    if not kept:
        problems.append(_("The strategy has no priority left."))
    if problems:
        raise ValidationFailed(problems)
    round.status = RoundStatus.FINAL
    round.adopted_on = adopted_on
    round.save(update_fields=["status", "adopted_on"])
    _touch(round)
    network_audit(
        actor=actor, network=round.network, action="adopted", object_type="strategy", obj=round,
        summary=f"{adopted_on.isoformat()}: " + ", ".join(str(c) for c in kept),
        changes={"adopted_on": adopted_on.isoformat(), "priorities": [str(c) for c in kept]},
    )  # fmt: skip
    return round
