"""The year calendar as iCalendar (RFC 5545), parsed back: folding, escaping, events, rules."""

from __future__ import annotations

import datetime

import pytest
from dateutil.rrule import rrulestr

from ivp.networks.ical import calendar_ics, escape_text, fold
from ivp.networks.services_governance import calendar_activity_create, milestone_create

from .factories import network_world

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2025, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)


def unfold(text: str) -> list[str]:
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")  # every line ends in CRLF
    physical = text[:-2].split("\r\n")
    for line in physical:
        assert len(line.encode("utf-8")) <= 75, line
    logical: list[str] = []
    for line in physical:
        if line.startswith(" "):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    return logical


def unescape(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        if value[i] == "\\":
            nxt = value[i + 1]
            out.append("\n" if nxt in "nN" else nxt)
            i += 2
        else:
            assert value[i] not in ";,", f"unescaped {value[i]!r} in {value!r}"
            out.append(value[i])
            i += 1
    return "".join(out)


def events(text: str) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    for line in unfold(text):
        name, _sep, value = line.partition(":")
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            assert current is not None
            found.append(current)
            current = None
        elif current is not None:
            current[name] = value
    return found


def test_the_calendar_has_a_vevent_per_activity_and_milestone_with_rules_until_the_period_ends() -> None:
    world = network_world()
    long_description = (
        "Bezoek aan Den Haag; gesprek met ministerie, politie en OM.\nDaarna: Brussel, één dag. " * 3
    )
    calendar_activity_create(actor=world.coordinator, network=world.network, title="Werkbezoek Den Haag, Brussel",
                             starts_on=datetime.date(2023, 3, 14), recurrence="yearly", description=long_description,
                             location="Den Haag; Brussel")  # fmt: skip
    calendar_activity_create(actor=world.coordinator, network=world.network, title="Stuurgroep",
                             starts_on=datetime.date(2023, 2, 6), recurrence="quarterly")  # fmt: skip
    calendar_activity_create(actor=world.coordinator, network=world.network, title="Netwerkdag",
                             starts_on=datetime.date(2024, 6, 1), recurrence="once")  # fmt: skip
    milestone_create(actor=world.coordinator, network=world.network, title="Strategie vastgesteld",
                     due_on=datetime.date(2023, 12, 10))  # fmt: skip
    text = calendar_ics(network=world.network, now=NOW)
    lines = unfold(text)
    assert lines[:2] == ["BEGIN:VCALENDAR", "VERSION:2.0"] and lines[-1] == "END:VCALENDAR"
    assert any(line.startswith("PRODID:") for line in lines)
    found = {unescape(e["SUMMARY"]): e for e in events(text)}
    assert set(found) == {"Werkbezoek Den Haag, Brussel", "Stuurgroep", "Netwerkdag", "Strategie vastgesteld"}
    assert len({e["UID"] for e in found.values()}) == 4
    for event in found.values():
        assert event["DTSTAMP"] == "20250102T030405Z"
    visit = found["Werkbezoek Den Haag, Brussel"]
    assert visit["DTSTART;VALUE=DATE"] == "20230314"
    assert unescape(visit["DESCRIPTION"]) == long_description.strip()  # folded over several lines, escaped
    assert unescape(visit["LOCATION"]) == "Den Haag; Brussel"
    rule = rrulestr(visit["RRULE"], dtstart=datetime.datetime(2023, 3, 14))
    assert [d.year for d in rule] == [2023, 2024, 2025, 2026]  # until the network's last year
    steering = rrulestr(found["Stuurgroep"]["RRULE"], dtstart=datetime.datetime(2023, 2, 6))
    assert [d.month for d in list(steering)[:5]] == [2, 5, 8, 11, 2]
    assert "RRULE" not in found["Netwerkdag"] and "RRULE" not in found["Strategie vastgesteld"]
    assert found["Strategie vastgesteld"]["DTSTART;VALUE=DATE"] == "20231210"


def test_folding_never_splits_a_character_and_escaping_covers_the_special_characters() -> None:
    line = "SUMMARY:" + "é" * 80
    folded = fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert parts[0] + "".join(p[1:] for p in parts[1:]) == line
    assert escape_text("a\\b;c,d\ne") == "a\\\\b\\;c\\,d\\ne"
