"""Network decisions in the audit trail: one helper, so that every service of the networks
(and of their funding and bulletins) records the same way.

Each event is appended with `ivp.core.audit.audit_record` inside the transaction of the change
it records, under the network's organisation (so the network's administrators see it on
/audit/). `action` and `object_type` are stable English keys (translated when shown, see
`ivp.ops.audit`); names, reasons and texts go into the summary and `changes` as entered.
"""

from __future__ import annotations

from typing import Any

from ivp.accounts.access import AnyUser
from ivp.core.audit import audit_record

from .models import Network


def network_audit(
    *,
    actor: AnyUser | None,
    network: Network,
    action: str,
    object_type: str,
    obj: Any = None,
    label: str = "",
    summary: str = "",
    changes: dict[str, Any] | None = None,
    app: str = "networks",
) -> None:
    audit_record(
        actor=actor,
        app=app,
        action=action,
        object_type=object_type,
        object_id=getattr(obj, "pk", "") if obj is not None else network.pk,
        object_label=label or (str(obj) if obj is not None else network.name),
        summary=summary,
        organisation=network.organisation,
        changes=changes,
    )
