"""The plan file format as data (which keys each mapping has) and the typed checks of values.

`SCHEMA` is the one declaration of the format's keys: the importer refuses other keys, and a
test checks that docs/plan-format.md documents every one. `Checker` reads values of the parsed
file and records a problem (YAML path, line, reason) instead of raising, so that every problem
is reported at once. `check_format` accepts only plan files of a version this ivp reads.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from ivp.core.constants import YEAR_MAX, YEAR_MIN
from ivp.core.errors import DataFileError, FileProblem

from .constants import PLAN_FORMAT_VERSION
from .plan_file import NotADate, ParsedFile, YamlPath
from .serialization import FORMAT_NAME

Schema = dict[str, tuple[tuple[str, ...], tuple[str, ...]]]

SCHEMA: Schema = {
    "": (
        ("format", "format_version", "plan"),
        ("fields", "partners", "portfolio_holders", "indicators", "actions"),
    ),
    "plan": (
        ("title", "organisation", "municipalities", "period"),
        ("status", "adopted", "vision", "budget"),
    ),
    "plan.period": (("start", "end"), ()),
    "plan.adopted": ((), ("on", "by")),
    "fields[]": (("code", "name"), ("themes",)),
    "fields[].themes[]": (
        ("code", "name"),
        ("priority", "municipality", "problem", "approach", "goals", "council_input"),
    ),
    "fields[].themes[].approach": ((), ("basis", "focus", "related_policy")),
    "fields[].themes[].council_input": ((), ("on", "text")),
    "partners[]": (("name", "kind"), ("role",)),
    "portfolio_holders[]": (("name", "office"), ("themes",)),
    "indicators[]": (
        ("code", "name", "source", "unit", "direction"),
        ("theme", "municipality", "baseline", "target", "link", "values"),
    ),
    "indicators[].source": (("kind",), ("detail",)),
    "indicators[].baseline": ((), ("value", "year")),
    "indicators[].target": (("comparator", "value"), ("year",)),
    "indicators[].link": (("crime_code",), ("per_1000",)),
    "indicators[].values[]": (("year", "value", "source"), ("measured_on", "note")),
    "actions[]": (("year", "title", "lead_party"), ("theme", "description", "partners", "timing", "status")),
}
"""Every mapping of the format: its required and its optional keys (in the order written)."""

UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}
"""Format version N → a function that turns a version-N file into version N+1 (none yet)."""

NUMBER_LIMIT = Decimal(10) ** 11  # DecimalField(max_digits=14, decimal_places=3)
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def schema_pattern(path: YamlPath) -> str:
    """("indicators", 3, "target") → "indicators[].target" (the key of SCHEMA)."""
    text = ""
    for part in path:
        text += "[]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def max_length(model: type[models.Model], name: str) -> int:
    length = getattr(model._meta.get_field(name), "max_length", None)
    return int(length) if length else 100_000


def got(value: Any) -> str:
    if value is None:
        return _("nothing")
    if isinstance(value, NotADate):
        return _("%(value)s, which is not a valid date") % {"value": str(value)}
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value if len(value) <= 60 else value[:57] + "...", ensure_ascii=False)
    if isinstance(value, dict):
        return _("a mapping")
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


class Checker:
    """Typed getters that record a problem (with path) instead of raising."""

    def __init__(self, parsed: ParsedFile) -> None:
        self.parsed = parsed
        self.problems: list[FileProblem] = []

    def add(self, path: YamlPath, message: str) -> None:
        self.problems.append(self.parsed.problem(path, message))

    def mapping(self, value: Any, path: YamlPath) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.add(path, _("expected a mapping (key: value), got %(got)s") % {"got": got(value)})
            return None
        required, optional = SCHEMA[schema_pattern(path)]
        allowed = (*required, *optional)
        for key in value:
            if key not in allowed:
                self.add(
                    (*path, str(key)),
                    _("unknown key (allowed here: %(allowed)s)") % {"allowed": ", ".join(allowed)},
                )
        for key in required:
            if key not in value or value[key] is None:
                self.add((*path, key), _("required, but missing"))
        return value

    def items(self, m: dict[str, Any], key: str, path: YamlPath) -> list[tuple[YamlPath, Any]]:
        value = m.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.add((*path, key), _("expected a list, got %(got)s") % {"got": got(value)})
            return []
        return [((*path, key, i), item) for i, item in enumerate(value)]

    def mappings(
        self, m: dict[str, Any], key: str, path: YamlPath
    ) -> list[tuple[int, YamlPath, dict[str, Any]]]:
        """The list under `key` as (position, path, mapping); other items are reported."""
        result = []
        for index, (where, raw) in enumerate(self.items(m, key, path)):
            checked = self.mapping(raw, where)
            if checked is not None:
                result.append((index, where, checked))
        return result

    def text(
        self, m: dict[str, Any], key: str, path: YamlPath, *, max_length: int, blank: bool = True
    ) -> str:
        value = m.get(key)
        if value is None:
            return ""
        where = (*path, key)
        if not isinstance(value, str) or isinstance(value, NotADate):
            hint = (
                _(" (put it in quotes: '%(value)s')") % {"value": value}
                if isinstance(value, int | float | dt.date | NotADate)
                else ""
            )
            self.add(where, _("expected text, got %(got)s") % {"got": got(value)} + hint)
            return ""
        if not blank and not value.strip():
            self.add(where, _("must not be empty"))
        if len(value) > max_length:
            self.add(
                where,
                _("at most %(max)d characters, got %(length)d") % {"max": max_length, "length": len(value)},
            )
        return value

    def texts(self, m: dict[str, Any], key: str, path: YamlPath) -> list[str]:
        result = []
        for where, item in self.items(m, key, path):
            if not isinstance(item, str) or isinstance(item, NotADate) or not item.strip():
                self.add(where, _("expected text, got %(got)s") % {"got": got(item)})
            else:
                result.append(item)
        return result

    def year(self, m: dict[str, Any], key: str, path: YamlPath) -> int | None:
        value = m.get(key)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            self.add((*path, key), _("expected a year, got %(got)s") % {"got": got(value)})
            return None
        if not YEAR_MIN <= value <= YEAR_MAX:
            self.add(
                (*path, key),
                _("the year %(year)d is not between %(min)d and %(max)d")
                % {"year": value, "min": YEAR_MIN, "max": YEAR_MAX},
            )
            return None
        return value

    def number(self, m: dict[str, Any], key: str, path: YamlPath) -> Decimal | None:
        value = m.get(key)
        if value is None:
            return None
        where = (*path, key)
        if not isinstance(value, int | float) or isinstance(value, bool):
            self.add(where, _("expected a number, got %(got)s") % {"got": got(value)})
            return None
        result = Decimal(str(value))
        if not result.is_finite() or abs(result) >= NUMBER_LIMIT:
            self.add(where, _("expected a number below 100 billion, got %(got)s") % {"got": got(value)})
            return None
        exponent = result.normalize().as_tuple().exponent
        if isinstance(exponent, int) and exponent < -3:
            self.add(where, _("at most three decimals, got %(got)s") % {"got": got(value)})
            return None
        return result

    def boolean(self, m: dict[str, Any], key: str, path: YamlPath) -> bool:
        value = m.get(key)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.add((*path, key), _("expected true or false, got %(got)s") % {"got": got(value)})
            return False
        return value

    def date(self, m: dict[str, Any], key: str, path: YamlPath) -> dt.date | None:
        value = m.get(key)
        if value is None:
            return None
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if isinstance(value, str) and DATE.match(value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        self.add((*path, key), _("expected a date (YYYY-MM-DD), got %(got)s") % {"got": got(value)})
        return None

    def choice(
        self, m: dict[str, Any], key: str, path: YamlPath, options: list[str], default: str = ""
    ) -> str:
        value = m.get(key)
        if value is None:
            return default
        if value not in options:
            self.add(
                (*path, key),
                _("expected one of %(options)s, got %(got)s")
                % {"options": ", ".join(options), "got": got(value)},
            )
            return default
        return str(value)


def check_format(parsed: ParsedFile) -> dict[str, Any]:
    """The file must be a plan file of a version this ivp reads; upgraded to the current one."""
    root = parsed.data
    if not isinstance(root, dict):
        raise DataFileError(
            [
                parsed.problem(
                    (), _("Not a plan file: expected a mapping with format, format_version and plan.")
                )
            ]
        )
    if root.get("format") != FORMAT_NAME:
        raise DataFileError(
            [
                parsed.problem(
                    ("format",),
                    _("Not a plan file: format must be “%(name)s”, got %(got)s")
                    % {"name": FORMAT_NAME, "got": got(root.get("format"))},
                )
            ]
        )
    version = root.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        message = _("expected a format version (a whole number from 1), got %(got)s") % {"got": got(version)}
        raise DataFileError([parsed.problem(("format_version",), message)])
    if version > PLAN_FORMAT_VERSION:
        raise DataFileError(
            [
                parsed.problem(
                    ("format_version",),
                    _(
                        "format version %(version)d is newer than this ivp reads "
                        "(up to %(supported)d); update ivp"
                    )
                    % {"version": version, "supported": PLAN_FORMAT_VERSION},
                )
            ]
        )
    data: dict[str, Any] = root
    while version < PLAN_FORMAT_VERSION:
        data = UPGRADES[version](data)
        version += 1
    return data
