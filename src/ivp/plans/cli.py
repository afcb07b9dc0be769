"""`ivp plan …`: list plans, export a plan to its file, import a plan file. Acts as the system.

ivp plan list [--format table|csv|json]
ivp plan export PLAN [-o FILE]          PLAN = id (or unique title); FILE `-` = standard output
ivp plan import FILE [--replace]        FILE `-` = standard input
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _


def _write(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def cmd_plan_list(args: argparse.Namespace) -> None:
    from ivp.core.output import render_csv, render_json, render_table

    from .selectors import plan_list

    rows: list[dict[str, Any]] = [
        {
            "id": plan.pk,
            "title": plan.title,
            "organisation": plan.organisation.name,
            "municipalities": " ".join(link.area.code for link in plan.plan_municipalities.all()),
            "start_year": plan.start_year,
            "end_year": plan.end_year,
            "status": plan.status,
            "indicators": plan.indicator_count,  # type: ignore[attr-defined]
            "revision": plan.revision,
        }
        for plan in plan_list(user=None)
    ]
    if args.format == "json":
        _write(render_json(rows))
        return
    if args.format == "csv":
        _write(render_csv(rows, list(rows[0]) if rows else ["id", "title"]))
        return
    if not rows:
        _write(_("No plans yet. Import one with `ivp plan import FILE`."))
        return
    for row in rows:
        row["period"] = f"{row['start_year']}-{row['end_year']}"
    columns = [
        ("id", _("Id")),
        ("title", _("Title")),
        ("organisation", _("Organisation")),
        ("municipalities", _("Municipalities")),
        ("period", _("Period")),
        ("status", _("Status")),
        ("indicators", _("Indicators")),
    ]
    _write(render_table(rows, columns))


def cmd_plan_export(args: argparse.Namespace) -> None:
    from .selectors import plan_get
    from .serialization import dump_yaml, plan_to_dict

    plan = plan_get(plan=args.plan)
    text = dump_yaml(plan_to_dict(plan))
    if args.output == "-":
        sys.stdout.write(text)
        return
    target = Path(args.output)
    # Written next to the target and renamed: a failed export never leaves half a file.
    handle, temporary = tempfile.mkstemp(dir=target.parent if str(target.parent) else ".", suffix=".part")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    sys.stderr.write(
        _("Exported plan %(id)d “%(title)s” to %(file)s.")
        % {"id": plan.pk, "title": plan.title, "file": target}
        + "\n"
    )


def cmd_plan_import(args: argparse.Namespace) -> None:
    from .importing import plan_file_read, plan_import

    content, name = plan_file_read(path=args.file)
    result = plan_import(content=content, name=name, actor=None, replace=args.replace)
    plan = result.plan
    message = (
        _("Replaced plan %(id)d “%(title)s” (%(start)d-%(end)d) with the content of %(file)s.")
        if result.replaced
        else _("Imported plan %(id)d “%(title)s” (%(start)d-%(end)d) from %(file)s.")
    )
    _write(
        message
        % {"id": plan.pk, "title": plan.title, "start": plan.start_year, "end": plan.end_year, "file": name}
    )


def register(commands: Any) -> None:
    from ivp.core.output import FORMATS

    plan = commands.group("plan", _("integral safety plans: list, export and import plan files"))
    lst = plan.add_parser("list", help=_("list every plan with its id"))
    lst.add_argument("--format", choices=FORMATS, default="table")
    lst.set_defaults(func=cmd_plan_list)
    export = plan.add_parser("export", help=_("write a plan as a plan file (YAML)"))
    export.add_argument("plan", help=_("id of the plan (see `ivp plan list`), or its exact title"))
    export.add_argument("-o", "--output", default="-", help=_("file to write (default `-`: standard output)"))
    export.set_defaults(func=cmd_plan_export)
    imp = plan.add_parser("import", help=_("check a plan file and store it as a plan, all or nothing"))
    imp.add_argument("file", help=_("the plan file (YAML); `-` reads standard input"))
    imp.add_argument(
        "--replace",
        action="store_true",
        help=_("replace the plan with the same organisation, title and period"),
    )
    imp.set_defaults(func=cmd_plan_import)
