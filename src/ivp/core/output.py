"""Render rows as a text table, CSV or JSON, for the CLI and downloads."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from django.utils.formats import number_format

FORMATS = ("table", "csv", "json")


def _cell(value: Any, key: str = "") -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "✓" if value else ""
    if isinstance(value, int | float):
        # Years and codes stay as they are; counts get the language's thousands separator.
        return str(value) if key.endswith("year") else number_format(value, force_grouping=True)
    return str(value)


def render_table(rows: Sequence[dict[str, Any]], columns: Sequence[tuple[str, str]]) -> str:
    """A plain text table. `columns` pairs a row key with its (translated) heading."""
    head = [title for _key, title in columns]
    body = [[_cell(row.get(key), key) for key, _title in columns] for row in rows]
    numeric = [
        all(isinstance(row.get(key), int | float) or row.get(key) is None for row in rows)
        for key, _ in columns
    ]
    widths = [max([len(h)] + [len(r[i]) for r in body]) for i, h in enumerate(head)]

    def line(cells: list[str]) -> str:
        parts = [c.rjust(w) if num else c.ljust(w) for c, w, num in zip(cells, widths, numeric, strict=True)]
        return "  ".join(parts).rstrip()

    return "\n".join([line(head), line(["-" * w for w in widths]), *(line(r) for r in body)])


def render_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if row.get(k) is None else row.get(k)) for k in columns})
    return buffer.getvalue()


def render_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)
