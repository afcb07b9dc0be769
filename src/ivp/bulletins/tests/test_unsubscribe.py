"""Unsubscribing from the bulletin: every e-mail (sent through a real SMTP server on loopback)
carries its recipient's own signed link, in the footer and in `List-Unsubscribe` (with RFC 8058
one-click); the link needs no login, GET only asks, POST unsubscribes."""

from __future__ import annotations

import re
from email.message import EmailMessage
from urllib.parse import urlsplit

import pytest
from django.test import Client, override_settings

from ivp.areas.selectors import area_get
from ivp.bulletins.models import Delivery, Subscriber
from ivp.bulletins.services import bulletin_send, subscriber_add
from ivp.bulletins.unsubscribe import subscriber_for_token, unsubscribe_token
from ivp.core.errors import ValidationFailed
from ivp.core.models import AuditEvent
from ivp.networks.tests.factories import NetworkWorld, network_world
from ivp.stats.store import StatsStore

from .conftest import Inbox

pytestmark = pytest.mark.django_db

SMTP = "django.core.mail.backends.smtp.EmailBackend"
SITE = "https://ivp.example.org"
RECIPIENTS = {"a.jansen@enschede.example": "GM0153", "c.visser@hengelo.example": "GM0164"}


def _subscribe(world: NetworkWorld) -> dict[str, Subscriber]:
    return {
        email: subscriber_add(
            actor=world.coordinator, network=world.network, area=area_get(code_or_name=code), email=email
        )
        for email, code in RECIPIENTS.items()
    }


def _send(world: NetworkWorld, store: StatsStore, inbox: Inbox, site: str = SITE) -> dict[str, EmailMessage]:
    settings = {
        "EMAIL_BACKEND": SMTP,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": inbox.port,
        "IVP_SITE_URL": site,
    }
    with override_settings(**settings):
        bulletin_send(actor=world.coordinator, network=world.network, store=store)
    return {rcpt[0]: message for rcpt, message in inbox.messages}


def _link(message: EmailMessage) -> str:
    header = str(message["List-Unsubscribe"]).strip()  # folded: the link is longer than a line
    assert header.startswith("<") and header.endswith(">"), header
    return header[1:-1]


def _path(url: str) -> str:
    return urlsplit(url).path


def test_every_email_carries_its_recipients_own_link_in_the_footer_and_the_headers(
    demo_store: StatsStore, smtp_server: Inbox
) -> None:
    world = network_world()
    subscribers = _subscribe(world)
    received = _send(world, demo_store, smtp_server)
    assert sorted(received) == sorted(RECIPIENTS)
    links = set()
    for email, message in received.items():
        link = _link(message)
        assert re.fullmatch(rf"{SITE}/networks/bulletin/unsubscribe/\d+:[\w-]+/", link), link
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        text = message.get_body(preferencelist=("plain",))
        html = message.get_body(preferencelist=("html",))
        assert text is not None and html is not None
        assert link in text.get_content() and f'href="{link}"' in html.get_content()
        assert "Afmelden voor dit bulletin" in text.get_content()  # Dutch, like the whole e-mail
        token = _path(link).rstrip("/").rsplit("/", 1)[1]
        assert subscriber_for_token(token) == subscribers[email]  # this recipient's, nobody else's
        links.add(link)
    assert len(links) == len(RECIPIENTS)


def test_the_link_asks_first_and_a_post_without_login_or_csrf_token_unsubscribes(
    demo_store: StatsStore, smtp_server: Inbox
) -> None:
    world = network_world()
    subscribers = _subscribe(world)
    path = _path(_link(_send(world, demo_store, smtp_server)["a.jansen@enschede.example"]))
    client = Client(enforce_csrf_checks=True)  # as a mail program: no session, no CSRF token

    for _i in range(2):  # opening the link (or a scanner following it) changes nothing
        page = client.get(path)
        assert page.status_code == 200
        body = page.content.decode()
        assert "a.jansen@enschede.example" in body and "Enschede" in body and 'id="unsubscribe-form"' in body
    assert Subscriber.objects.filter(pk=subscribers["a.jansen@enschede.example"].pk).exists()
    assert not AuditEvent.objects.filter(action="unsubscribed").exists()

    # RFC 8058 one-click: a POST with this body to the header's link.
    done = client.post(path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert done.status_code == 200 and 'id="unsubscribed"' in done.content.decode()
    assert set(Subscriber.objects.values_list("email", flat=True)) == {"c.visser@hengelo.example"}
    event = AuditEvent.objects.get(action="unsubscribed")
    assert event.actor is None and "a.jansen@enschede.example" in event.object_label
    assert event.organisation == world.network.organisation
    assert Delivery.objects.filter(email="a.jansen@enschede.example").exists()  # the log stays

    again = client.post(path)
    assert again.status_code == 404 and 'id="unknown-link"' in again.content.decode()

    smtp_server.messages.clear()
    assert sorted(_send(world, demo_store, smtp_server)) == ["c.visser@hengelo.example"]


def test_a_forged_or_borrowed_token_changes_nothing(demo_store: StatsStore) -> None:
    world = network_world()
    subscribers = list(_subscribe(world).values())
    first, second = subscribers
    signature = unsubscribe_token(first).split(":", 1)[1]
    changed = signature[:-1] + ("y" if signature.endswith("x") else "x")
    client = Client()
    for token in (f"{second.pk}:{signature}", f"{first.pk}:{changed}", f"{first.pk}", "x:y", "9" * 30 + ":y"):
        assert client.get(f"/networks/bulletin/unsubscribe/{token}/").status_code == 404
        assert client.post(f"/networks/bulletin/unsubscribe/{token}/").status_code == 404
    assert Subscriber.objects.count() == 2


def test_a_signed_in_viewer_may_use_their_link_too(demo_store: StatsStore) -> None:
    """The read-only middleware lets the link through: the token, not the account, authorises it."""
    world = network_world()
    subscriber = _subscribe(world)["a.jansen@enschede.example"]
    client = Client()
    client.force_login(world.member_viewer)
    response = client.post(f"/networks/bulletin/unsubscribe/{unsubscribe_token(subscriber)}/")
    assert response.status_code == 200 and not Subscriber.objects.filter(pk=subscriber.pk).exists()


def test_without_https_there_is_a_link_but_no_one_click_header(
    demo_store: StatsStore, smtp_server: Inbox
) -> None:
    world = network_world()
    _subscribe(world)
    message = _send(world, demo_store, smtp_server, site="http://127.0.0.1:8000")["c.visser@hengelo.example"]
    assert _link(message).startswith("http://127.0.0.1:8000/networks/bulletin/unsubscribe/")
    assert message["List-Unsubscribe-Post"] is None


@override_settings(IVP_SITE_URL="")
def test_nothing_is_sent_without_the_sites_address(demo_store: StatsStore) -> None:
    world = network_world()
    _subscribe(world)
    with pytest.raises(ValidationFailed) as caught:
        bulletin_send(actor=world.coordinator, network=world.network, store=demo_store)
    assert "IVP_SITE_URL" in str(caught.value.problems[0])
    assert not world.network.bulletin_sendings.exists()
