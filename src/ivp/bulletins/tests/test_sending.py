"""Sending the bulletin through a real SMTP server on loopback (aiosmtpd): every recipient gets
exactly their own municipality's bulletin, and the log records it."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from django.test import override_settings
from django.utils import translation

from ivp.areas.selectors import area_get
from ivp.bulletins.models import Delivery, Sending
from ivp.bulletins.selectors import network_bulletin_get
from ivp.bulletins.services import bulletin_send, subscriber_add, subscriber_set_active
from ivp.bulletins.templatetags.bulletins import bl_count
from ivp.networks.tests.factories import NetworkWorld, network_world
from ivp.stats.store import StatsStore

from .conftest import REFUSED, Inbox, free_port

pytestmark = pytest.mark.django_db

SMTP = "django.core.mail.backends.smtp.EmailBackend"
RECIPIENTS = {
    "a.jansen@enschede.example": "GM0153",
    "b.smit@enschede.example": "GM0153",
    "c.visser@hengelo.example": "GM0164",
    "d.bakker@almelo.example": "GM0141",
}


def _subscribe(world: NetworkWorld) -> None:
    for email, code in RECIPIENTS.items():
        subscriber_add(
            actor=world.coordinator, network=world.network, area=area_get(code_or_name=code), email=email
        )
    paused = subscriber_add(actor=world.coordinator, network=world.network, area=area_get(code_or_name="GM0153"),
                            email="gepauzeerd@enschede.example")  # fmt: skip
    subscriber_set_active(actor=world.coordinator, subscriber=paused, active=False)


def _parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


def test_each_subscriber_receives_exactly_their_own_municipalitys_bulletin_and_the_log_records_it(
    demo_store: StatsStore, smtp_server: Inbox
) -> None:
    world = network_world()
    _subscribe(world)
    with override_settings(EMAIL_BACKEND=SMTP, EMAIL_HOST="127.0.0.1", EMAIL_PORT=smtp_server.port):
        sending = bulletin_send(actor=world.coordinator, network=world.network, store=demo_store)

    bulletin = network_bulletin_get(network=world.network, store=demo_store)
    names = {"GM0153": "Enschede", "GM0164": "Hengelo", "GM0141": "Almelo"}
    received = {rcpt[0]: message for rcpt, message in smtp_server.messages}
    assert sorted(received) == sorted(RECIPIENTS)  # one each; not the paused subscriber
    assert all(len(rcpt) == 1 for rcpt, _m in smtp_server.messages)  # nobody sees another address
    for email, message in received.items():
        code = RECIPIENTS[email]
        assert message["To"] == email
        assert message["X-IVP-Municipality"] == code
        assert names[code] in message["Subject"] and "december 2023" in message["Subject"]
        assert message["Subject"].startswith("[DEMO]")
        text, html = _parts(message)
        others = [name for c, name in names.items() if c != code]
        for part in (text, html):
            assert names[code] in part
            assert not any(other in part for other in others)
            assert "demonstratiegegevens" in part.lower()
        total = bulletin.member(code).rows[0].year_to_date.current
        with translation.override("nl"):
            assert f"Totaal misdrijven: {bl_count(total)}" in text
            assert bl_count(total) in html

    sending.refresh_from_db()
    assert sending.recipients_count == 4 and sending.sent_count == 4 and sending.failed_count == 0
    assert sending.sent_by == world.coordinator and sending.is_demo and sending.finished_at is not None
    assert sending.month.isoformat() == "2023-12-01"
    log = {(d.email, d.area.code, d.status) for d in sending.deliveries.select_related("area")}
    assert log == {(email, code, Delivery.Status.SENT) for email, code in RECIPIENTS.items()}


def test_a_refused_recipient_is_logged_as_failed_and_the_others_still_get_theirs(
    demo_store: StatsStore, smtp_server: Inbox
) -> None:
    world = network_world()
    _subscribe(world)
    subscriber_add(actor=world.coordinator, network=world.network, area=area_get(code_or_name="GM0164"),
                   email=REFUSED)  # fmt: skip
    with override_settings(EMAIL_BACKEND=SMTP, EMAIL_HOST="127.0.0.1", EMAIL_PORT=smtp_server.port):
        sending = bulletin_send(actor=None, network=world.network, store=demo_store)
    assert len(smtp_server.messages) == 4
    assert (sending.recipients_count, sending.sent_count, sending.failed_count) == (5, 4, 1)
    assert sending.channel == Sending.Channel.CLI and sending.sent_by is None
    failed = sending.deliveries.get(status=Delivery.Status.FAILED)
    assert failed.email == REFUSED and "550" in failed.error


def test_an_unreachable_mail_server_fails_every_delivery_and_says_why(demo_store: StatsStore) -> None:
    world = network_world()
    _subscribe(world)
    with override_settings(
        EMAIL_BACKEND=SMTP, EMAIL_HOST="127.0.0.1", EMAIL_PORT=free_port(), EMAIL_TIMEOUT=5
    ):
        sending = bulletin_send(actor=world.coordinator, network=world.network, store=demo_store)
    assert (sending.recipients_count, sending.sent_count, sending.failed_count) == (4, 0, 4)
    assert sending.error
    assert set(sending.deliveries.values_list("status", flat=True)) == {Delivery.Status.FAILED}
