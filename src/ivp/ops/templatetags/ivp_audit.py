"""`{% audit_readable as show_audit %}`: may the signed-in user read the audit trail? (For the
"Audit trail" link in the header: administrators and superusers only.)"""

from __future__ import annotations

from typing import Any

from django import template

from ivp.core.errors import AccessDenied
from ivp.ops.audit import audit_scope_for

register = template.Library()


@register.simple_tag(takes_context=True)
def audit_readable(context: dict[str, Any]) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    try:
        audit_scope_for(user=user)
    except AccessDenied:
        return False
    return True
