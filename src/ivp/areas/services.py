"""Writes on areas: loading reference data (see loading.py) and user-defined groups."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from ivp.accounts.access import AnyUser, require_change
from ivp.accounts.models import Organisation
from ivp.core.errors import ValidationFailed

from .constants import AreaKind
from .loading import search_text_for
from .models import Area, AreaMembership


def _group_members(member_codes: list[str]) -> list[Area]:
    codes = sorted({c.strip().upper() for c in member_codes if c.strip()})
    if not codes:
        raise ValidationFailed([_("A group needs at least one municipality.")])
    found = {a.code: a for a in Area.objects.filter(code__in=codes, kind=AreaKind.MUNICIPALITY)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ValidationFailed(
            [_("Unknown municipality code(s): %(codes)s.") % {"codes": ", ".join(unknown)}]
        )
    return [found[c] for c in codes]


def _next_group_code() -> str:
    last = Area.objects.filter(kind=AreaKind.GROUP).aggregate(last=Max("code"))["last"]
    number = int(last[2:]) + 1 if last else 1
    if number > 9999:
        raise ValidationFailed([_("No group codes left.")])
    return f"GR{number:04d}"


def _validate_name(name: str) -> str:
    cleaned = name.strip()
    if not cleaned:
        raise ValidationFailed([_("A group needs a name.")])
    if len(cleaned) > 120:
        raise ValidationFailed([_("A group name has at most 120 characters.")])
    return cleaned


@transaction.atomic
def group_create(
    *,
    actor: AnyUser,
    owner: Organisation,
    name: str,
    member_codes: list[str],
    description: str = "",
) -> Area:
    """Create a user-defined group of municipalities (a peer group, a joint plan's members...)."""
    require_change(user=actor, organisation=owner)
    cleaned = _validate_name(name)
    members = _group_members(member_codes)
    for _attempt in range(3):
        code = _next_group_code()
        try:
            with transaction.atomic():
                group = Area.objects.create(
                    code=code,
                    name=cleaned,
                    kind=AreaKind.GROUP,
                    owner=owner,
                    description=description.strip(),
                    search_text=search_text_for(code=code, name=cleaned, aliases=set()),
                )
            break
        except IntegrityError:
            continue  # another group took this code at the same moment
    else:
        raise ValidationFailed([_("Could not allocate a group code; please try again.")])
    AreaMembership.objects.bulk_create([AreaMembership(region=group, member=m) for m in members])
    return group


@transaction.atomic
def group_update(
    *, actor: AnyUser, group: Area, name: str, member_codes: list[str], description: str = ""
) -> Area:
    if group.kind != AreaKind.GROUP:
        raise ValidationFailed([_("Only user-defined groups can be changed.")])
    require_change(user=actor, organisation=group.owner)
    group.name = _validate_name(name)
    group.description = description.strip()
    group.search_text = search_text_for(code=group.code, name=group.name, aliases=set())
    group.save()
    members = _group_members(member_codes)
    AreaMembership.objects.filter(region=group).exclude(member__in=members).delete()
    current = set(AreaMembership.objects.filter(region=group).values_list("member_id", flat=True))
    AreaMembership.objects.bulk_create(
        [AreaMembership(region=group, member=m) for m in members if m.pk not in current]
    )
    return group


@transaction.atomic
def group_delete(*, actor: AnyUser, group: Area) -> None:
    if group.kind != AreaKind.GROUP:
        raise ValidationFailed([_("Only user-defined groups can be deleted.")])
    require_change(user=actor, organisation=group.owner)
    group.delete()
