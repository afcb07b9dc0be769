"""`ivp network …` for priority-setting rounds and the year calendar:

ivp network rounds NETWORK [--format table|csv|json]       the rounds of a network
ivp network ranking ROUND [--format table|csv|json]        tally and ranked list of a round
ivp network memo ROUND -o FILE.pdf|FILE.html                the decision memo
ivp network calendar NETWORK [-o FILE.ics]                  the year calendar as iCalendar
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def _out(text: str, output: str | None) -> None:
    from django.utils.translation import gettext as _

    if output:
        Path(output).write_text(text, encoding="utf-8", newline="")
        sys.stdout.write(_("Written: %(path)s") % {"path": output} + "\n")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def cmd_network_rounds(args: argparse.Namespace) -> None:
    from django.utils.translation import gettext as _

    from ivp.core.output import render_csv, render_json, render_table

    from .selectors import network_get, round_list

    network = network_get(network=args.network)
    rows = [{"id": r.pk, "title": r.title, "status": r.status, "created": r.created_at.date().isoformat()}
            for r in round_list(network=network)]  # fmt: skip
    if args.format == "json":
        _out(render_json(rows), None)
    elif args.format == "csv":
        _out(render_csv(rows, ["id", "title", "status", "created"]), None)
    else:
        columns = [("id", _("Id")), ("title", _("Title")), ("status", _("Status")), ("created", _("Created"))]
        _out(render_table(rows, columns), None)


def cmd_network_ranking(args: argparse.Namespace) -> None:
    from django.utils.translation import gettext as _

    from ivp.core.output import render_csv, render_json, render_table

    from .selectors import round_get, round_view

    view = round_view(round=round_get(round_id=args.round))
    rows = [
        {
            "rank": r.item.rank,
            "theme_code": r.theme.code,
            "theme": r.theme.name,
            "member_count": r.tally.member_count,
            "member_pct": str(r.tally.member_pct),
            "population_pct": str(r.tally.population_pct),
            "partners": ", ".join(r.tally.partner_names),
            "score": "" if r.item.total is None else str(r.item.total),
            "selected": r.concept.rank if r.concept else "",
        }
        for r in view.ranking
    ]
    keys = list(rows[0]) if rows else ["rank", "theme_code", "theme"]
    if args.format == "json":
        _out(render_json(rows), None)
    elif args.format == "csv":
        _out(render_csv(rows, keys), None)
    else:
        labels = [_("Rank"), _("Code"), _("Theme"), _("Members"), _("% members"), _("% inhabitants"),
                  _("Partners"), _("Score"), _("Selected")]  # fmt: skip
        _out(render_table(rows, list(zip(keys, labels, strict=False))), None)


def cmd_network_memo(args: argparse.Namespace) -> None:
    from django.template.loader import render_to_string
    from django.utils.translation import gettext as _

    from ivp.core.errors import IvpError

    from .memo import MEMO_TEMPLATE, memo_context, memo_pdf
    from .selectors import round_get

    round = round_get(round_id=args.round)
    out = Path(args.output)
    if out.suffix.lower() == ".pdf":
        out.write_bytes(memo_pdf(round=round))
    elif out.suffix.lower() == ".html":
        out.write_text(
            render_to_string(MEMO_TEMPLATE, {**memo_context(round=round), "for_pdf": True}), encoding="utf-8"
        )
    else:
        raise IvpError(_("Write the memo to a .pdf or .html file, not %(name)s.") % {"name": out.name})
    sys.stdout.write(_("Written: %(path)s") % {"path": out} + "\n")


def cmd_network_calendar(args: argparse.Namespace) -> None:
    from .ical import calendar_ics
    from .selectors import network_get

    _out(calendar_ics(network=network_get(network=args.network)), args.output)


def register(commands: Any) -> None:
    from django.utils.translation import gettext as _

    from ivp.core.output import FORMATS

    network = commands.group("network", _("regional safety networks"))
    rounds = network.add_parser("rounds", help=_("the priority-setting rounds of a network"))
    rounds.add_argument("network", help=_("a network's number or name, or its region code such as RE10"))
    rounds.add_argument("--format", choices=FORMATS, default="table")
    rounds.set_defaults(func=cmd_network_rounds)
    ranking = network.add_parser(
        "ranking", help=_("the tally and ranked list of candidate themes of a round")
    )
    ranking.add_argument("round", type=int, help=_("the round's number (see `ivp network rounds`)"))
    ranking.add_argument("--format", choices=FORMATS, default="table")
    ranking.set_defaults(func=cmd_network_ranking)
    memo = network.add_parser("memo", help=_("the decision memo of a round as PDF or HTML"))
    memo.add_argument("round", type=int, help=_("the round's number (see `ivp network rounds`)"))
    memo.add_argument("-o", "--output", required=True, help=_("write to FILE.pdf or FILE.html"))
    memo.set_defaults(func=cmd_network_memo)
    calendar = network.add_parser("calendar", help=_("the year calendar and milestones as iCalendar (.ics)"))
    calendar.add_argument("network", help=_("a network's number or name, or its region code such as RE10"))
    calendar.add_argument("-o", "--output", help=_("write to FILE.ics (default: standard output)"))
    calendar.set_defaults(func=cmd_network_calendar)
