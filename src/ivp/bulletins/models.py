"""The monthly bulletin of a network: its subscribers (per member municipality) and the log of
every sending, with the result per recipient. The log is appended, never edited."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Subscriber(models.Model):
    """Someone who gets the bulletin of one member municipality of a network."""

    network = models.ForeignKey(
        "networks.Network", on_delete=models.CASCADE, related_name="bulletin_subscribers"
    )
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )
    email = models.EmailField(_("e-mail address"))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["network", "area__name", "email"]
        verbose_name = _("bulletin subscriber")
        verbose_name_plural = _("bulletin subscribers")
        constraints = [
            models.UniqueConstraint(fields=["network", "area", "email"], name="subscriber_unique_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.area_id})"


class Sending(models.Model):
    """One sending of a network's bulletin for a month: who, when, to how many, with what result."""

    class Channel(models.TextChoices):
        WEB = "web", _("web page")
        CLI = "cli", _("command line")

    network = models.ForeignKey(
        "networks.Network", on_delete=models.CASCADE, related_name="bulletin_sendings"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the bulletin's last month."))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    channel = models.CharField(_("sent from"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    recipients_count = models.PositiveIntegerField(_("recipients"), default=0)
    sent_count = models.PositiveIntegerField(_("sent"), default=0)
    failed_count = models.PositiveIntegerField(_("failed"), default=0)
    is_demo = models.BooleanField(_("demonstration data"), default=False)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("bulletin sending")
        verbose_name_plural = _("bulletin sendings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sent_count__lte=models.F("recipients_count"))
                & models.Q(failed_count__lte=models.F("recipients_count")),
                name="sending_counts_within_recipients",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.network_id} {self.month:%Y-%m}"


class Delivery(models.Model):
    """The result of a sending for one recipient."""

    class Status(models.TextChoices):
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    sending = models.ForeignKey(Sending, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    email = models.EmailField(_("e-mail address"))
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    error = models.TextField(_("error"), blank=True)
    sent_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["sending", "area__name", "email"]
        verbose_name = _("bulletin delivery")
        verbose_name_plural = _("bulletin deliveries")

    def __str__(self) -> str:
        return f"{self.email}: {self.status}"
