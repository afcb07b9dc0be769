from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    """Read-only: the audit trail is append-only (no add, change or delete here)."""

    list_display = [
        "occurred_at", "actor_name", "organisation", "app", "action", "object_type", "object_label"
    ]  # fmt: skip
    list_filter = ["app", "action"]
    search_fields = ["actor_name", "object_label", "summary"]
    date_hierarchy = "occurred_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
