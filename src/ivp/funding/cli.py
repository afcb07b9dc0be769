"""`ivp network funding NETWORK --rate EUR --year YEAR`: every member's contribution and the total."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

FUNDING_FORMATS = ("table", "csv", "json", "xlsx")


def cmd_network_funding(args: argparse.Namespace) -> None:
    from django.utils.translation import gettext as _

    from ivp.core.errors import IvpError

    from .exports import funding_xlsx, table_csv, table_json, table_text
    from .selectors import contribution_table, funding_target_get, rate_parse

    target = funding_target_get(text=args.network)
    table = contribution_table(members=target.members, rate_eur=rate_parse(args.rate),
                               population_year=args.year, label=target.label,
                               districts=target.districts)  # fmt: skip
    out = Path(args.output) if args.output else None
    if args.format == "xlsx":
        if out is None:
            raise IvpError(_("An XLSX file is written with -o FILE.xlsx."))
        out.write_bytes(funding_xlsx(table))
        sys.stdout.write(_("Written: %(path)s") % {"path": out} + "\n")
        return
    text = {"csv": table_csv, "json": table_json}.get(args.format, table_text)(table)
    if out is not None:
        out.write_text(text, encoding="utf-8")
        sys.stdout.write(_("Written: %(path)s") % {"path": out} + "\n")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    if table.missing and args.format != "table":
        sys.stderr.write(
            _("ivp: %(count)d member(s) without a population figure for %(year)d; see the notes.")
            % {"count": len(table.missing), "year": table.population_year}
            + "\n"
        )


def register(commands: Any) -> None:
    from django.utils.translation import gettext as _

    network = commands.group("network", _("regional safety networks"))
    funding = network.add_parser(
        "funding", help=_("every member's contribution per inhabitant and the total of a network or region")
    )
    funding.add_argument(
        "network", help=_("a network's number or name, or a region or group code such as RE02")
    )
    funding.add_argument("--rate", required=True, help=_("contribution per inhabitant in euros, e.g. 0.07"))
    funding.add_argument("--year", type=int, required=True, help=_("reference year of the population"))
    funding.add_argument("--format", choices=FUNDING_FORMATS, default="table")
    funding.add_argument("-o", "--output", help=_("write to FILE (required for xlsx)"))
    funding.set_defaults(func=cmd_network_funding)
