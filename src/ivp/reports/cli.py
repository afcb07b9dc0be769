"""`ivp report annual PLAN --year YEAR [-o FILE.pdf|FILE.html]`: the yearly council report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def cmd_report_annual(args: argparse.Namespace) -> None:
    from django.utils.translation import gettext as _

    from ivp.core.errors import IvpError
    from ivp.plans.selectors import plan_get
    from ivp.reports.rendering import annual_html, annual_pdf
    from ivp.reports.selectors import default_year, report_view

    plan = plan_get(plan=args.plan)
    year = args.year or default_year(plan)
    view = report_view(plan=plan, year=year, edition=args.edition)
    out: Path | None = Path(args.output) if args.output else None
    if out is None or out.suffix.lower() == ".html":
        html = annual_html(view)
        if out is None:
            sys.stdout.write(html)
            return
        out.write_text(html, encoding="utf-8")
    elif out.suffix.lower() == ".pdf":
        out.write_bytes(annual_pdf(view))
    else:
        raise IvpError(_("Write the report to a .pdf or .html file, not %(name)s.") % {"name": out.name})
    state = _("final, edition %(n)s") % {"n": view.edition.number} if view.edition else _("draft")
    sys.stdout.write(
        _("Annual report %(year)s of %(plan)s (%(state)s) written to %(file)s.")
        % {"year": year, "plan": plan.title, "state": state, "file": out}
        + "\n"
    )


def register(commands: Any) -> None:
    from django.utils.translation import gettext as _

    report = commands.group("report", _("reports: the yearly council report and others"))
    annual = report.add_parser("annual", help=_("the yearly council report (jaarrapportage) of a plan"))
    annual.add_argument("plan", help=_("the plan's number or exact title"))
    annual.add_argument("--year", type=int, help=_("the year reported on (default: last year)"))
    annual.add_argument("--edition", type=int, help=_("a final edition by number (default: the current one)"))
    annual.add_argument("-o", "--output", help=_("write to FILE.pdf or FILE.html (default: HTML on stdout)"))
    annual.set_defaults(func=cmd_report_annual)
