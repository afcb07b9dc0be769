"""Pages under /networks/<id>/bulletin/: the bulletin per member, subscribers, preview and
sending, and the log of sendings."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ivp.core.errors import NotFoundError, ValidationFailed
from ivp.networks.access import (
    member_can_edit_inputs,
    network_can_manage,
    require_network_manage,
    require_network_view,
)
from ivp.networks.models import Network
from ivp.stats.periods import Grain, Period

from . import services
from .forms import SubscriberForm
from .models import Sending, Subscriber
from .rendering import bulletin_context, bulletin_email, bulletin_subject
from .selectors import (
    NetworkBulletin,
    bulletin_latest_month,
    bulletin_month_parse,
    member_areas_of,
    network_bulletin_get,
    subscriber_counts,
    subscriber_list,
)
from .unsubscribe import subscriber_for_token

MONTH_CHOICES = 24


def _network(request: HttpRequest, network_id: int) -> Network:
    network = get_object_or_404(Network, pk=network_id)
    require_network_view(user=request.user, network=network)
    return network


def _month_choices() -> list[Period]:
    latest = bulletin_latest_month()
    if latest is None:
        return []
    months, current = [], latest
    for _i in range(MONTH_CHOICES):
        months.append(current)
        previous = current.number - 1
        current = (
            Period(current.year, Grain.MONTH, previous)
            if previous
            else Period(current.year - 1, Grain.MONTH, 12)
        )
    return months


def _bulletin(request: HttpRequest, network: Network) -> NetworkBulletin | None:
    text = request.GET.get("month", "").strip()
    try:
        month = bulletin_month_parse(text) if text else None
        return network_bulletin_get(network=network, month=month)
    except ValidationFailed as error:
        messages.error(request, " ".join(str(p) for p in error.problems))
        return None


def _base_context(request: HttpRequest, network: Network) -> dict[str, Any]:
    return {
        "network": network,
        "can_manage": network_can_manage(user=request.user, network=network),
        "month_choices": _month_choices(),
    }


@login_required
@require_GET
def bulletin_index(request: HttpRequest, network_id: int) -> HttpResponse:
    network = _network(request, network_id)
    bulletin = _bulletin(request, network)
    own = {a.pk for a in member_areas_of(user=request.user, network=network)}
    counts = subscriber_counts(network=network)
    members = [
        {"area": area, "subscribers": counts.get(area.pk, 0) if area.pk in own else None,
         "total": (bulletin.rows[area.code][0].year_to_date.current if bulletin else None)}
        for area in (bulletin.members if bulletin else [])
    ]  # fmt: skip
    context = _base_context(request, network) | {"bulletin": bulletin, "members": members}
    return render(request, "bulletins/index.html", context)


@login_required
@require_GET
def bulletin_member(request: HttpRequest, network_id: int, code: str) -> HttpResponse:
    network = _network(request, network_id)
    bulletin = _bulletin(request, network)
    if bulletin is None:
        return redirect("bulletins:index", network_id=network.pk)
    try:
        member = bulletin.member(code)
    except NotFoundError as error:
        raise Http404(str(error)) from error
    context = _base_context(request, network) | bulletin_context(member) | {"network_bulletin": bulletin}
    return render(request, "bulletins/member.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def subscribers(request: HttpRequest, network_id: int) -> HttpResponse:
    network = _network(request, network_id)
    editable = member_areas_of(user=request.user, network=network, changing=True)
    form = SubscriberForm(request.POST or None, areas=editable) if editable else None
    if request.method == "POST":
        if form is None:
            require_network_manage(user=request.user, network=network)  # raises: nothing to change
        elif form.is_valid():
            try:
                services.subscriber_add(actor=request.user, network=network, area=form.cleaned_data["area"],
                                        email=form.cleaned_data["email"])  # fmt: skip
            except ValidationFailed as error:
                for problem in error.problems:
                    form.add_error(None, str(problem))
            else:
                messages.success(request, _("The subscriber was added."))
                return redirect("bulletins:subscribers", network_id=network.pk)
    rows = [
        {"subscriber": s, "can_edit": member_can_edit_inputs(user=request.user, network=network, area=s.area)}
        for s in subscriber_list(user=request.user, network=network)
    ]
    context = _base_context(request, network) | {"rows": rows, "form": form}
    return render(request, "bulletins/subscribers.html", context, status=400 if form and form.errors else 200)


def _subscriber(request: HttpRequest, network: Network, subscriber_id: int) -> Subscriber:
    return get_object_or_404(subscriber_list(user=request.user, network=network), pk=subscriber_id)


@login_required
@require_POST
def subscriber_active(request: HttpRequest, network_id: int, subscriber_id: int) -> HttpResponse:
    network = _network(request, network_id)
    subscriber = _subscriber(request, network, subscriber_id)
    services.subscriber_set_active(actor=request.user, subscriber=subscriber, active=not subscriber.is_active)
    return redirect("bulletins:subscribers", network_id=network.pk)


@login_required
@require_POST
def subscriber_delete(request: HttpRequest, network_id: int, subscriber_id: int) -> HttpResponse:
    network = _network(request, network_id)
    subscriber = _subscriber(request, network, subscriber_id)
    services.subscriber_delete(actor=request.user, subscriber=subscriber)
    messages.success(request, _("%(email)s no longer gets the bulletin.") % {"email": subscriber.email})
    return redirect("bulletins:subscribers", network_id=network.pk)


@login_required
@require_http_methods(["GET", "POST"])
def bulletin_send(request: HttpRequest, network_id: int) -> HttpResponse:
    """GET: the preview (recipients per member, the e-mail of one member); POST: send."""
    network = _network(request, network_id)
    require_network_manage(user=request.user, network=network)
    if request.method == "POST":
        text = request.POST.get("month", "").strip()
        try:
            month = bulletin_month_parse(text) if text else None
            sending = services.bulletin_send(actor=request.user, network=network, month=month)
        except ValidationFailed as error:
            messages.error(request, " ".join(str(p) for p in error.problems))
            return redirect("bulletins:send", network_id=network.pk)
        messages.success(request, _("Sent to %(sent)d of %(total)d recipients.")
                         % {"sent": sending.sent_count, "total": sending.recipients_count})  # fmt: skip
        return redirect("bulletins:sending", network_id=network.pk, sending_id=sending.pk)
    bulletin = _bulletin(request, network)
    counts = subscriber_counts(network=network)
    context = _base_context(request, network) | {"bulletin": bulletin}
    if bulletin is not None:
        members = [{"area": a, "subscribers": counts.get(a.pk, 0)} for a in bulletin.members]
        with_subscribers = [a.code for a in bulletin.members if counts.get(a.pk)]
        chosen = request.GET.get("member") or (with_subscribers or [bulletin.members[0].code])[0]
        try:
            member = bulletin.member(chosen)
        except NotFoundError as error:
            raise Http404(str(error)) from error
        email = bulletin_email(member, to="preview@example.invalid")
        context |= bulletin_context(member) | {
            "members": members,
            "recipients": sum(counts.get(a.pk, 0) for a in bulletin.members),
            "chosen": member.area.code,
            "subject": bulletin_subject(member),
            "text_body": email.body,
        }
    return render(request, "bulletins/send.html", context)


@login_required
@require_GET
def sending_list(request: HttpRequest, network_id: int) -> HttpResponse:
    network = _network(request, network_id)
    require_network_manage(user=request.user, network=network)
    sendings = Sending.objects.filter(network=network).select_related("sent_by")
    return render(
        request, "bulletins/sendings.html", _base_context(request, network) | {"sendings": sendings}
    )


@login_required
@require_GET
def sending_detail(request: HttpRequest, network_id: int, sending_id: int) -> HttpResponse:
    network = _network(request, network_id)
    require_network_manage(user=request.user, network=network)
    sending = get_object_or_404(Sending.objects.select_related("sent_by"), pk=sending_id, network=network)
    deliveries = sending.deliveries.select_related("area")
    back = reverse("bulletins:sendings", args=[network.pk])
    context = _base_context(request, network) | {"sending": sending, "deliveries": deliveries, "back": back}
    return render(request, "bulletins/sending_detail.html", context)


@csrf_exempt  # a mail program's one-click POST carries no CSRF token; the signed token is the authority
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: the confirmation page (nothing changes); POST: unsubscribe (also RFC 8058 one-click)."""
    subscriber = subscriber_for_token(token)
    if subscriber is None:
        return render(request, "bulletins/unsubscribe.html", {"state": "unknown"}, status=404)
    if request.method == "GET":
        return render(request, "bulletins/unsubscribe.html", {"state": "confirm", "subscriber": subscriber})
    context = {"state": "done", "email": subscriber.email, "name": subscriber.area.name}
    services.subscriber_unsubscribe(subscriber=subscriber)
    return render(request, "bulletins/unsubscribe.html", context)
