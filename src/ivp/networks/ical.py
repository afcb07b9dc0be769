"""The network's year calendar as iCalendar (RFC 5545), written by hand (no dependency).

Each calendar activity is a VEVENT on a whole day (DTSTART;VALUE=DATE) with an RRULE for
recurring ones (monthly, quarterly = monthly with INTERVAL=3, yearly) until the end of the
network's period; each milestone is a single VEVENT. TEXT values are escaped (backslash,
semicolon, comma, newline, §3.3.11) and lines are folded at 75 octets without splitting a UTF-8
character (§3.1), with CRLF line ends.
"""

from __future__ import annotations

import datetime

from .constants import Recurrence
from .models import CalendarActivity, Milestone, Network

PRODID = "-//ivp//Veiligheidsnetwerk jaarkalender//NL"
RRULES = {
    Recurrence.MONTHLY: "FREQ=MONTHLY",
    Recurrence.QUARTERLY: "FREQ=MONTHLY;INTERVAL=3",
    Recurrence.YEARLY: "FREQ=YEARLY",
}


def escape_text(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets; continuations start with a space."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts: list[str] = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size, limit = "", 0, 74  # the leading space of a continuation is an octet
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def _date(value: datetime.date) -> str:
    return value.strftime("%Y%m%d")


def _event(
    uid: str,
    stamp: str,
    start: datetime.date,
    summary: str,
    description: str = "",
    location: str = "",
    rrule: str = "",
) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{_date(start)}",
        f"DTEND;VALUE=DATE:{_date(start + datetime.timedelta(days=1))}",
        f"SUMMARY:{escape_text(summary)}",
    ]
    if description:
        lines.append(f"DESCRIPTION:{escape_text(description)}")
    if location:
        lines.append(f"LOCATION:{escape_text(location)}")
    if rrule:
        lines.append(f"RRULE:{rrule}")
    lines.append("END:VEVENT")
    return lines


def calendar_ics(*, network: Network, now: datetime.datetime | None = None) -> str:
    stamp = (
        (now or datetime.datetime.now(tz=datetime.UTC)).astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    )
    until = _date(datetime.date(network.end_year, 12, 31))
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(network.name)}",
    ]
    activity: CalendarActivity
    for activity in network.calendar.all():
        rule = RRULES.get(Recurrence(activity.recurrence))
        lines += _event(
            f"{activity.uid}@ivp",
            stamp,
            activity.starts_on,
            activity.title,
            activity.description,
            activity.location,
            f"{rule};UNTIL={until}" if rule else "",
        )
    milestone: Milestone
    for milestone in network.milestones.all():
        lines += _event(
            f"milestone-{milestone.pk}-network-{network.pk}@ivp",
            stamp,
            milestone.due_on,
            milestone.title,
            milestone.notes,
        )
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
