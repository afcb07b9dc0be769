"""Writes on bulletins: subscribers (coordinators for every member, a member's coordinator for
its own municipality) and sending with a log per recipient."""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ivp.accounts.access import AnyUser
from ivp.accounts.models import User
from ivp.areas.models import Area
from ivp.core.errors import NotFoundError, ValidationFailed
from ivp.networks.access import require_member_inputs, require_network_manage
from ivp.networks.audit import network_audit
from ivp.networks.models import Network
from ivp.stats.periods import Period
from ivp.stats.store import StatsStore

from .models import Delivery, Sending, Subscriber
from .rendering import bulletin_email
from .selectors import network_bulletin_get
from .unsubscribe import unsubscribe_url

SEND_ERRORS = (smtplib.SMTPException, OSError)


@transaction.atomic
def subscriber_add(*, actor: AnyUser, network: Network, area: Area, email: str) -> Subscriber:
    require_member_inputs(user=actor, network=network, area=area)
    address = email.strip().lower()
    problems = []
    try:
        validate_email(address)
    except ValidationError:
        problems.append(_("'%(email)s' is not an e-mail address.") % {"email": email.strip()})
    if not network.members.filter(area=area).exists():
        problems.append(_("%(name)s is not a member of the network.") % {"name": area.name})
    elif Subscriber.objects.filter(network=network, area=area, email=address).exists():
        problems.append(
            _("%(email)s already gets the bulletin of %(name)s.") % {"email": address, "name": area.name}
        )
    if problems:
        raise ValidationFailed(problems)
    subscriber = Subscriber.objects.create(network=network, area=area, email=address)
    _subscriber_audit(actor, subscriber, "added")
    return subscriber


def _subscriber_audit(actor: AnyUser | None, subscriber: Subscriber, action: str) -> None:
    network_audit(actor=actor, network=subscriber.network, action=action, object_type="subscriber",
                  obj=subscriber, label=f"{subscriber.area.name}: {subscriber.email}", app="bulletins",
                  changes={"active": subscriber.is_active})  # fmt: skip


@transaction.atomic
def subscriber_set_active(*, actor: AnyUser, subscriber: Subscriber, active: bool) -> Subscriber:
    require_member_inputs(user=actor, network=subscriber.network, area=subscriber.area)
    subscriber.is_active = active
    subscriber.save(update_fields=["is_active", "updated_at"])
    _subscriber_audit(actor, subscriber, "activated" if active else "deactivated")
    return subscriber


@transaction.atomic
def subscriber_delete(*, actor: AnyUser, subscriber: Subscriber) -> None:
    require_member_inputs(user=actor, network=subscriber.network, area=subscriber.area)
    _subscriber_audit(actor, subscriber, "removed")
    subscriber.delete()


@transaction.atomic
def subscriber_unsubscribe(*, subscriber: Subscriber) -> None:
    """The recipient stops the bulletin with their own link: no login, the signed token is the
    authority (see unsubscribe.py). The address is removed (the sending log keeps what was sent
    to it) and the audit trail records it, without an actor."""
    _subscriber_audit(None, subscriber, "unsubscribed")
    subscriber.delete()


def bulletin_send(
    *,
    actor: AnyUser | None,
    network: Network,
    month: Period | None = None,
    store: StatsStore | None = None,
) -> Sending:
    """Send every active subscriber their own municipality's bulletin, one e-mail each, and log
    the result per recipient. `actor=None` is the system (the command line)."""
    if actor is not None:
        require_network_manage(user=actor, network=network)
    if not settings.IVP_SITE_URL:
        raise ValidationFailed(
            [
                _(
                    "Set IVP_SITE_URL to the site's public address first: every e-mail needs a "
                    "working unsubscribe link."
                )
            ]
        )
    bulletin = network_bulletin_get(network=network, month=month, store=store)
    subscribers = list(Subscriber.objects.filter(network=network, is_active=True).select_related("area"))
    sending = Sending.objects.create(
        network=network,
        month=bulletin.month.start,
        sent_by=actor if isinstance(actor, User) and actor.is_authenticated else None,
        channel=Sending.Channel.CLI if actor is None else Sending.Channel.WEB,
        recipients_count=len(subscribers),
        is_demo=bulletin.has_demo,
    )
    connection = get_connection(fail_silently=False)
    deliveries: list[Delivery] = []
    try:
        connection.open()
    except SEND_ERRORS as error:
        sending.error = _("The mail server could not be reached: %(error)s") % {"error": error}
        failed = Delivery.Status.FAILED
        deliveries = [
            Delivery(
                sending=sending, subscriber=s, email=s.email, area=s.area, status=failed, error=sending.error
            )
            for s in subscribers
        ]
    else:
        try:
            for subscriber in subscribers:
                deliveries.append(_deliver(sending, subscriber, bulletin, connection))
        finally:
            connection.close()
    with transaction.atomic():
        Delivery.objects.bulk_create(deliveries)
        sending.sent_count = sum(1 for d in deliveries if d.status == Delivery.Status.SENT)
        sending.failed_count = len(deliveries) - sending.sent_count
        sending.finished_at = timezone.now()
        sending.save()
        network_audit(
            actor=actor, network=network, action="sent", object_type="bulletin sending", obj=sending,
            label=f"{network.name} {sending.month:%Y-%m}", app="bulletins",
            summary=_("%(sent)d of %(total)d sent, %(failed)d failed")
            % {"sent": sending.sent_count, "total": sending.recipients_count, "failed": sending.failed_count},
            changes={"channel": sending.channel, "demo": sending.is_demo, "error": sending.error},
        )  # fmt: skip
    return sending


def _deliver(sending: Sending, subscriber: Subscriber, bulletin: object, connection: object) -> Delivery:
    delivery = Delivery(sending=sending, subscriber=subscriber, email=subscriber.email, area=subscriber.area)
    try:
        member = bulletin.member(subscriber.area.code)  # type: ignore[attr-defined]
        email = bulletin_email(
            member, to=subscriber.email, unsubscribe_url=unsubscribe_url(subscriber), connection=connection
        )
        email.send()
    except NotFoundError as error:  # the municipality left the network
        delivery.status, delivery.error = Delivery.Status.FAILED, str(error)
    except SEND_ERRORS as error:
        delivery.status, delivery.error = Delivery.Status.FAILED, f"{type(error).__name__}: {error}"
    else:
        delivery.status = Delivery.Status.SENT
    return delivery
