"""Recording audit events: the one service that writes `AuditEvent` rows (append-only)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from .models import AuditEvent

if TYPE_CHECKING:
    from ivp.accounts.models import Organisation, User


def audit_record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    app: str,
    action: str,
    object_type: str,
    object_id: object = "",
    object_label: str = "",
    summary: str = "",
    organisation: Organisation | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. Call it inside the transaction of the change it records, so that the
    change and its record are stored together or not at all."""
    user: User | None = actor if actor is not None and actor.is_authenticated else None  # type: ignore[assignment]
    return AuditEvent.objects.create(
        actor=user,
        actor_name=user.get_username() if user is not None else "",
        organisation=organisation,
        app=app,
        action=action,
        object_type=object_type,
        object_id="" if object_id is None else str(object_id),
        object_label=object_label[:300],
        summary=summary,
        changes=changes or {},
    )
