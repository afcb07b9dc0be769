"""Governance of a network: the shared theme catalogue, the steering group (stuurgroep) with
its chair and theme portfolios, expert teams per theme with their life cycle, the working group,
milestones and the cyclic year calendar of recurring activities."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from .constants import MilestoneStatus, Recurrence, TeamStatus


class CatalogueTheme(models.Model):
    """A theme of the network's shared catalogue, onto which every input is mapped.

    Starts from the Kernbeleid Veiligheid themes (code `5.2` etc.); the coordinators may add
    their own. `keywords` map a plan theme by words in its name when its code does not match.
    """

    network = models.ForeignKey("networks.Network", on_delete=models.CASCADE, related_name="catalogue")
    code = models.CharField(_("code"), max_length=16)
    name = models.CharField(_("name"), max_length=200)
    field_name = models.CharField(_("safety field"), max_length=200, blank=True)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["network", "position", "code"]
        verbose_name = _("catalogue theme")
        verbose_name_plural = _("catalogue themes")
        constraints = [models.UniqueConstraint(fields=["network", "code"], name="cataloguetheme_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class SteeringMember(models.Model):
    """A member of the steering group (stuurgroep): a mayor per district, police, OM; one chair.
    Each may hold a theme portfolio."""

    network = models.ForeignKey("networks.Network", on_delete=models.CASCADE, related_name="steering_group")
    name = models.CharField(_("name"), max_length=200)
    office = models.CharField(
        _("office"), max_length=200, help_text=_("E.g. mayor of Venlo, police unit chief.")
    )
    district = models.CharField(_("district"), max_length=120, blank=True)
    is_chair = models.BooleanField(_("chair"), default=False)
    portfolio = models.ForeignKey(
        CatalogueTheme,
        verbose_name=_("theme portfolio"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="portfolio_holders",
    )

    class Meta:
        ordering = ["network", "-is_chair", "name"]
        verbose_name = _("steering group member")
        verbose_name_plural = _("steering group members")
        constraints = [
            models.UniqueConstraint(
                fields=["network"], condition=models.Q(is_chair=True), name="steeringmember_one_chair"
            ),
            models.UniqueConstraint(fields=["network", "name"], name="steeringmember_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class ExpertTeam(models.Model):
    """An expert team (expertteam) of civil servants and partners for one theme; dissolved with
    a final report when its task is done."""

    network = models.ForeignKey("networks.Network", on_delete=models.CASCADE, related_name="expert_teams")
    theme = models.ForeignKey(
        CatalogueTheme, verbose_name=_("theme"), on_delete=models.PROTECT, related_name="expert_teams"
    )
    name = models.CharField(_("name"), max_length=200)
    task = models.TextField(_("task"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=TeamStatus.choices, default=TeamStatus.ACTIVE
    )
    started_on = models.DateField(_("started on"))
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    final_report = models.TextField(_("final report"), blank=True)

    class Meta:
        ordering = ["network", "status", "name"]
        verbose_name = _("expert team")
        verbose_name_plural = _("expert teams")
        constraints = [
            models.UniqueConstraint(fields=["network", "name"], name="expertteam_unique_name"),
            models.CheckConstraint(
                condition=models.Q(status__in=TeamStatus.values), name="expertteam_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status=TeamStatus.ACTIVE, dissolved_on__isnull=True)
                | (
                    models.Q(status=TeamStatus.DISSOLVED, dissolved_on__isnull=False)
                    & ~models.Q(final_report="")
                ),
                name="expertteam_dissolved_has_date_and_report",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ExpertTeamMember(models.Model):
    team = models.ForeignKey(ExpertTeam, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("name"), max_length=200)
    organisation_name = models.CharField(_("organisation"), max_length=200)
    role = models.CharField(_("role"), max_length=200, blank=True)

    class Meta:
        ordering = ["team", "name"]
        verbose_name = _("expert team member")
        verbose_name_plural = _("expert team members")
        constraints = [models.UniqueConstraint(fields=["team", "name"], name="expertteammember_unique")]

    def __str__(self) -> str:
        return self.name


class WorkingGroupMember(models.Model):
    """A member of the working group (werkgroep) that steers the expert teams."""

    network = models.ForeignKey("networks.Network", on_delete=models.CASCADE, related_name="working_group")
    name = models.CharField(_("name"), max_length=200)
    organisation_name = models.CharField(_("organisation"), max_length=200)
    role = models.CharField(_("role"), max_length=200, blank=True)

    class Meta:
        ordering = ["network", "name"]
        verbose_name = _("working group member")
        verbose_name_plural = _("working group members")
        constraints = [models.UniqueConstraint(fields=["network", "name"], name="workinggroupmember_unique")]

    def __str__(self) -> str:
        return self.name


class Milestone(models.Model):
    network = models.ForeignKey("networks.Network", on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=200)
    due_on = models.DateField(_("date"))
    status = models.CharField(
        _("status"), max_length=16, choices=MilestoneStatus.choices, default=MilestoneStatus.PLANNED
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["network", "due_on", "title"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=MilestoneStatus.values), name="milestone_status_valid"
            )
        ]

    def __str__(self) -> str:
        return self.title


class CalendarActivity(models.Model):
    """A (recurring) activity of the cyclic year calendar, exported as iCalendar (RFC 5545)."""

    network = models.ForeignKey("networks.Network", on_delete=models.CASCADE, related_name="calendar")
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    starts_on = models.DateField(_("first date"))
    recurrence = models.CharField(
        _("recurs"), max_length=16, choices=Recurrence.choices, default=Recurrence.YEARLY
    )

    class Meta:
        ordering = ["network", "starts_on", "title"]
        verbose_name = _("calendar activity")
        verbose_name_plural = _("calendar activities")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recurrence__in=Recurrence.values), name="calendaractivity_recurrence_valid"
            )
        ]

    def __str__(self) -> str:
        return self.title
