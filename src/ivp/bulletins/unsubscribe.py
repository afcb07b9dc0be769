"""The personal unsubscribe link of a bulletin recipient: no login, a signed token.

The token is the subscriber's number, signed (django.core.signing, salted with this purpose and
the subscriber's address) with the site's secret key: it cannot be guessed or made for another
subscriber, and it stops working when the subscriber is removed. It does not expire: an old
bulletin's link keeps working, as RFC 8058 expects. The link opens a confirmation page (GET
changes nothing); a POST to the same address unsubscribes, which is also what a mail program's
one-click unsubscribe (`List-Unsubscribe-Post`) sends.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from .models import Subscriber

SALT = "ivp.bulletins.unsubscribe"


def _signer(email: str) -> signing.Signer:
    return signing.Signer(salt=f"{SALT}:{email.lower()}")


def unsubscribe_token(subscriber: Subscriber) -> str:
    """`<number>:<signature>`, for this subscriber only."""
    return _signer(subscriber.email).sign(str(subscriber.pk))


def unsubscribe_url(subscriber: Subscriber) -> str:
    """The absolute link for e-mails, on `IVP_SITE_URL`."""
    path = reverse("bulletins:unsubscribe", args=[unsubscribe_token(subscriber)])
    return f"{settings.IVP_SITE_URL}{path}"


def subscriber_for_token(token: str) -> Subscriber | None:
    """The subscriber the token was made for, or None: a forged or changed token, or a
    subscriber who is no longer there (already unsubscribed or removed)."""
    number, separator, _signature = token.partition(":")
    if not separator or not number.isdigit() or len(number) > 18:
        return None
    subscriber = Subscriber.objects.select_related("area", "network").filter(pk=int(number)).first()
    if subscriber is None:
        return None
    try:
        value = _signer(subscriber.email).unsign(token)
    except signing.BadSignature:
        return None
    return subscriber if value == number else None
