"""`ivp network bulletin NETWORK [--month YYYY-MM] [--member CODE] [--send]`: the monthly
bulletin of a network, previewed (default) or sent to every active subscriber."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def cmd_network_bulletin(args: argparse.Namespace) -> None:
    from django.utils.translation import gettext as _

    from ivp.core.errors import NotFoundError
    from ivp.core.output import render_table
    from ivp.networks.models import Network

    from .rendering import bulletin_email
    from .selectors import bulletin_month_parse, network_bulletin_get, subscriber_counts
    from .services import bulletin_send

    text = args.network.strip()
    network = (
        Network.objects.filter(pk=int(text)) if text.isdigit() else Network.objects.filter(name__iexact=text)
    ).first()
    if network is None:
        raise NotFoundError(_("No network '%(text)s'.") % {"text": text})
    month = bulletin_month_parse(args.month) if args.month else None
    if args.send:
        sending = bulletin_send(actor=None, network=network, month=month)
        sys.stdout.write(
            _("Bulletin of %(month)s: %(sent)d of %(total)d e-mails sent, %(failed)d failed (log %(id)d).")
            % {"month": sending.month.strftime("%Y-%m"), "sent": sending.sent_count,
               "total": sending.recipients_count, "failed": sending.failed_count, "id": sending.pk}
            + "\n"
        )  # fmt: skip
        for delivery in sending.deliveries.filter(status="failed"):
            sys.stderr.write(f"ivp: {delivery.email} ({delivery.area_id}): {delivery.error}\n")
        return
    bulletin = network_bulletin_get(network=network, month=month)
    counts = subscriber_counts(network=network)
    rows = [
        {"code": a.code, "name": a.name, "subscribers": counts.get(a.pk, 0),
         "crimes": bulletin.rows[a.code][0].year_to_date.current.count}
        for a in bulletin.members
    ]  # fmt: skip
    with_subscribers = [a.code for a in bulletin.members if counts.get(a.pk)]
    member = bulletin.member(str(args.member or (with_subscribers or [bulletin.members[0].code])[0]))
    columns = [("code", _("Code")), ("name", _("Municipality")), ("subscribers", _("Subscribers")),
               ("crimes", _("Registered crimes"))]  # fmt: skip
    preview = bulletin_email(member, to="preview@example.invalid")
    sys.stdout.write(
        _("PREVIEW (nothing sent; add --send to send): the bulletin of %(month)s for %(total)d subscribers.")
        % {"month": member.month_label, "total": sum(counts.get(a.pk, 0) for a in bulletin.members)}
        + "\n\n" + render_table(rows, columns) + "\n\n"
        + _("Subject: %(subject)s") % {"subject": preview.subject} + "\n\n" + str(preview.body)
    )  # fmt: skip


def register(commands: Any) -> None:
    from django.utils.translation import gettext as _

    network = commands.group("network", _("regional safety networks"))
    bulletin = network.add_parser("bulletin", help=_("the monthly bulletin of a network: preview or send"))
    bulletin.add_argument("network", help=_("the network's number or exact name"))
    bulletin.add_argument(
        "--month", help=_("the bulletin's month, YYYY-MM (default: the latest with figures)")
    )
    bulletin.add_argument(
        "--member", help=_("the member whose e-mail the preview shows (a municipality code)")
    )
    bulletin.add_argument("--send", action="store_true", help=_("send the e-mails (default: preview only)"))
    bulletin.set_defaults(func=cmd_network_bulletin)
