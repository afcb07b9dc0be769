"""The audit trail as one list: who changed what and when, from every app that keeps history.

Each app contributes through an *audit source*: a function that returns its newest entries
within a scope (the organisations whose history the reader may see). Built in are the shared
append-only `ivp.core.models.AuditEvent` (which any app writes with
`ivp.core.audit.audit_record`) and the plan revisions (`ivp.plans.models.PlanRevision`).
An app with its own history table (e.g. network decisions) adds a source with
`audit_source_register` in its `AppConfig.ready()`.

Who may read it: superusers everything; an organisation's administrators the entries of
their organisations; nobody else (AccessDenied).
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ivp.accounts.access import AnyUser
from ivp.accounts.constants import Role
from ivp.accounts.models import Membership, User
from ivp.core.errors import AccessDenied
from ivp.core.models import AuditEvent

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditScope:
    """Whose history may be read: None means every organisation (a superuser)."""

    organisation_ids: frozenset[int] | None

    def allows_everything(self) -> bool:
        return self.organisation_ids is None


@dataclass(frozen=True)
class AuditEntry:
    occurred_at: dt.datetime
    who: str
    organisation: str
    part: str
    action: str
    object_label: str
    summary: str
    url: str = ""


AuditSource = Callable[[AuditScope, int], list[AuditEntry]]
"""`source(scope, limit)`: at most `limit` entries within the scope, newest first."""

_SOURCES: list[AuditSource] = []


def audit_source_register(source: AuditSource) -> AuditSource:
    if source not in _SOURCES:
        _SOURCES.append(source)
    return source


def audit_scope_for(*, user: AnyUser) -> AuditScope:
    if not (isinstance(user, User) and user.is_authenticated and user.is_active):
        raise AccessDenied(_("Only administrators may see the audit trail."))
    if user.is_superuser:
        return AuditScope(None)
    ids = frozenset(
        Membership.objects.filter(user=user, role=Role.ADMINISTRATOR).values_list(
            "organisation_id", flat=True
        )
    )
    if not ids:
        raise AccessDenied(_("Only administrators may see the audit trail."))
    return AuditScope(ids)


def audit_entries(
    *, scope: AuditScope, page: int = 1, page_size: int = PAGE_SIZE
) -> tuple[list[AuditEntry], bool]:
    """One page of the merged trail, newest first, and whether there is a next page."""
    page = max(1, page)
    wanted = page * page_size + 1
    streams = [source(scope, wanted) for source in _SOURCES]
    merged = heapq.merge(*streams, key=lambda e: e.occurred_at, reverse=True)
    window = list(itertools.islice(merged, (page - 1) * page_size, wanted))
    return window[:page_size], len(window) > page_size


# Apps record stable English keys (app, action, object type); shown in the reader's language.
# A key missing here is shown as recorded.
LABELS = {
    "networks": gettext_lazy("networks"), "funding": gettext_lazy("funding"),
    "bulletins": gettext_lazy("bulletins"),
    "created": gettext_lazy("created"), "changed": gettext_lazy("changed"), "added": gettext_lazy("added"),
    "removed": gettext_lazy("removed"), "mapped": gettext_lazy("mapped"),
    "uploaded": gettext_lazy("uploaded"),
    "collected": gettext_lazy("collected"), "scored": gettext_lazy("scored"),
    "selected": gettext_lazy("selected"), "started": gettext_lazy("started"),
    "recorded": gettext_lazy("recorded"), "adjusted": gettext_lazy("adjusted"),
    "adopted": gettext_lazy("adopted"), "dissolved": gettext_lazy("dissolved"), "sent": gettext_lazy("sent"),
    "activated": gettext_lazy("activated"), "deactivated": gettext_lazy("deactivated"),
    "unsubscribed": gettext_lazy("unsubscribed"),
    "api": gettext_lazy("API"), "replaced": gettext_lazy("replaced"), "revoked": gettext_lazy("revoked"),
    "api token": gettext_lazy("API token"),
    "network": gettext_lazy("network"), "round": gettext_lazy("priority-setting round"),
    "input": gettext_lazy("priority input"), "inputs": gettext_lazy("priority inputs"),
    "criteria": gettext_lazy("criteria"), "scores": gettext_lazy("scores"),
    "concept priorities": gettext_lazy("concept priorities"),
    "concept priority": gettext_lazy("concept priority"), "consultation": gettext_lazy("consultation"),
    "position": gettext_lazy("consultation position"), "strategy": gettext_lazy("strategy"),
    "steering member": gettext_lazy("steering group member"), "expert team": gettext_lazy("expert team"),
    "expert team member": gettext_lazy("expert team member"),
    "working group member": gettext_lazy("working group member"), "milestone": gettext_lazy("milestone"),
    "calendar activity": gettext_lazy("calendar activity"), "funding scheme": gettext_lazy("funding scheme"),
    "funding scenario": gettext_lazy("funding scenario"), "budget": gettext_lazy("budget"),
    "in-kind contribution": gettext_lazy("in-kind contribution"),
    "subscriber": gettext_lazy("bulletin subscriber"), "bulletin sending": gettext_lazy("bulletin sending"),
}  # fmt: skip


def label(key: str) -> str:
    return str(LABELS.get(key, key))


# --- built-in sources ---------------------------------------------------------------------


@audit_source_register
def _audit_events(scope: AuditScope, limit: int) -> list[AuditEntry]:
    events = AuditEvent.objects.select_related("organisation").order_by("-occurred_at", "-pk")
    if not scope.allows_everything():
        events = events.filter(organisation_id__in=scope.organisation_ids or ())
    return [
        AuditEntry(
            occurred_at=e.occurred_at,
            who=e.actor_name or _("system"),
            organisation=e.organisation.name if e.organisation else "",
            part=label(e.app),
            action=label(e.action),
            object_label=": ".join(p for p in (label(e.object_type), e.object_label) if p),
            summary=e.summary,
        )
        for e in events[:limit]
    ]


@audit_source_register
def _plan_revisions(scope: AuditScope, limit: int) -> list[AuditEntry]:
    from ivp.plans.models import PlanRevision

    revisions = PlanRevision.objects.select_related("plan__organisation", "user").order_by(
        "-created_at", "-pk"
    )
    if not scope.allows_everything():
        ids = scope.organisation_ids or frozenset()
        revisions = revisions.filter(
            Q(plan__organisation_id__in=ids) | Q(plan__plan_municipalities__area__organisations__in=ids)
        ).distinct()
    entries = []
    for r in revisions[:limit]:
        try:
            url = reverse("plans:revision", kwargs={"plan_id": r.plan_id, "number": r.number})
        except NoReverseMatch:
            url = ""
        entries.append(
            AuditEntry(
                occurred_at=r.created_at,
                who=r.user.get_username() if r.user else _("system"),
                organisation=r.plan.organisation.name,
                part=_("plans"),
                action=r.get_kind_display(),
                object_label=" ".join(p for p in (r.object_type, r.object_label) if p),
                summary=_("%(plan)s, revision %(number)d") % {"plan": r.plan.title, "number": r.number}
                + (": " + ", ".join(sorted(r.changes)) if r.changes else ""),
                url=url,
            )
        )
    return entries
