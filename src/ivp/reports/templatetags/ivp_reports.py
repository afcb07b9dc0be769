"""Filters for report content (JSON-safe dicts): values with their unit, status labels, flags."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from ivp.plans.monitoring import STATUS_LABELS, Status, format_value

register = template.Library()

STATUS_BADGES = {
    Status.ON_TRACK: "success",
    Status.OFF_TRACK: "error",
    Status.NO_TARGET: "neutral",
    Status.NO_DATA: "neutral",
}


@register.filter
def figure(value: str | None, unit: str = "") -> str:
    """A stored value (a decimal string) as shown: Dutch notation, % for percentages."""
    return format_value(value, unit) if value is not None else ""


@register.filter
def reading_text(reading: dict[str, Any], unit: str = "") -> str:
    """A year's value, or why there is none: suppressed or no data (never 0)."""
    if reading.get("value") is not None:
        return format_value(reading["value"], unit)
    if reading.get("is_suppressed"):
        return _("suppressed")
    return _("no data")


@register.filter
def reading_flags(reading: dict[str, Any]) -> str:
    """Marks for a value: provisional, incomplete year, demonstration data."""
    flags = []
    if reading.get("is_provisional"):
        flags.append(_("provisional"))
    if reading.get("is_incomplete"):
        flags.append(_("incomplete year"))
    if reading.get("is_demo"):
        flags.append("demonstratiegegevens")
    return ", ".join(flags)


@register.filter
def status_label(status: str) -> str:
    try:
        return str(STATUS_LABELS[Status(status)])
    except ValueError:
        return status


@register.filter
def status_badge(status: str) -> str:
    try:
        return STATUS_BADGES[Status(status)]
    except ValueError:
        return "neutral"


@register.filter
def source_line(reading: dict[str, Any]) -> str:
    """Where a value comes from: table or entered source, with its date and who entered it."""
    parts = []
    for ref in reading.get("sources", []):
        text = f"{ref['table_id']} {ref['title']}".strip() if ref.get("table_id") else ref.get("title", "")
        if ref.get("data_date"):
            text += " (" + _("data of %(date)s") % {"date": ref["data_date"]} + ")"
        parts.append(text)
    if reading.get("entered_by"):
        parts.append(_("entered by %(name)s") % {"name": reading["entered_by"]})
    return "; ".join(p for p in parts if p)
