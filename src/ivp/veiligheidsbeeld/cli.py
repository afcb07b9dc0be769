"""`ivp report veiligheidsbeeld`: the veiligheidsbeeld (or half-year memo) as PDF or HTML, for
one municipality or for every municipality of a region."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any


def cmd_report_veiligheidsbeeld(args: argparse.Namespace) -> None:
    from django.utils.translation import gettext as _

    from ivp.core.errors import ValidationFailed
    from ivp.core.progress import ProgressBar

    from .periods import report_period_parse
    from .services import veiligheidsbeeld_batch_write, veiligheidsbeeld_write

    period = report_period_parse(args.period)
    if bool(args.code) == bool(args.region):
        raise ValidationFailed([_("Give a municipality code, or --region for all its municipalities.")])
    if args.code:
        out = Path(args.output) if args.output else None
        written = veiligheidsbeeld_write(area_code=args.code, period=period, out=out, group_code=args.group)
        sys.stdout.write(_("Written: %(path)s") % {"path": written} + "\n")
        return
    folder = Path(args.output or ".")
    with ProgressBar(label=_("safety pictures")) as bar:
        result = veiligheidsbeeld_batch_write(region_code=args.region, period=period, folder=folder,
                                              file_format=args.format, group_code=args.group,
                                              limit=args.limit, workers=args.workers,
                                              progress=bar.update)  # fmt: skip
    sys.stdout.write(
        _("Written: %(count)d file(s) to %(folder)s in %(seconds).1f s.")
        % {"count": len(result.paths), "folder": folder, "seconds": result.seconds}
        + "\n"
    )


def register(commands: Any) -> None:
    from django.utils.translation import gettext as _

    report = commands.group("report", _("reports: the veiligheidsbeeld and others"))
    parser = report.add_parser(
        "veiligheidsbeeld",
        help=_("the safety picture of a municipality (or of every municipality of a region)"),
    )
    parser.add_argument("code", nargs="?", help=_("municipality code or name, e.g. GM1641"))
    parser.add_argument("--period", required=True, help=_("YEAR, YEAR-H1 or YEAR-H2 (the half-year memo)"))
    parser.add_argument(
        "-o",
        "--output",
        help=_("FILE.pdf or FILE.html; with --region a folder (default: the current folder)"),
    )
    parser.add_argument("--region", help=_("every municipality of this region, e.g. RE02"))
    parser.add_argument(
        "--format", choices=["pdf", "html"], default="pdf", help=_("with --region: the file type")
    )
    parser.add_argument("--group", help=_("also compare with this user-defined group (GR code)"))
    parser.add_argument("--limit", type=int, help=_("with --region: only the first N municipalities"))
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help=_("with --region: files made at once by that many processes (default: the number of CPUs)"),
    )
    parser.set_defaults(func=cmd_report_veiligheidsbeeld)
