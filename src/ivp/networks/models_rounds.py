"""The priority-setting round: member and partner inputs mapped onto the catalogue, criteria
scored by the steering group, the selection of concept priorities with a reason for each, the
consultation per district meeting (DVO, `district_meeting`), the steering group's adjustments
and the final strategy with strategic goals per priority."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .constants import SCORE_MAX, SCORE_MIN, InputSource, Position, RoundStatus
from .models_governance import CatalogueTheme, SteeringMember


class PriorityRound(models.Model):
    network = models.ForeignKey("networks.Network", on_delete=models.CASCADE, related_name="rounds")
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=16, choices=RoundStatus.choices, default=RoundStatus.COLLECTING
    )
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["network", "-created_at"]
        verbose_name = _("priority-setting round")
        verbose_name_plural = _("priority-setting rounds")
        constraints = [
            models.UniqueConstraint(fields=["network", "title"], name="priorityround_unique_title"),
            models.CheckConstraint(
                condition=models.Q(status__in=RoundStatus.values), name="priorityround_status_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(status=RoundStatus.FINAL) | models.Q(adopted_on__isnull=False),
                name="priorityround_final_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class RoundCriterion(models.Model):
    """A criterion the steering group scores each candidate theme on (default: five)."""

    round = models.ForeignKey(PriorityRound, on_delete=models.CASCADE, related_name="criteria")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("criterion"), max_length=300)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["round", "position", "code"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(fields=["round", "code"], name="roundcriterion_unique_code"),
            models.CheckConstraint(
                condition=models.Q(weight__gte=1, weight__lte=10), name="roundcriterion_weight_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PriorityInput(models.Model):
    """One local priority of a member (from its plan, an upload or the form) or an input of a
    partner (e.g. OM policy, RIEC phenomena), mapped onto a catalogue theme."""

    round = models.ForeignKey(PriorityRound, on_delete=models.CASCADE, related_name="inputs")
    area = models.ForeignKey(
        "areas.Area",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    partner = models.ForeignKey(
        "networks.NetworkPartner",
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="inputs",
    )
    source = models.CharField(_("source"), max_length=16, choices=InputSource.choices)
    plan = models.ForeignKey(
        "plans.Plan",
        verbose_name=_("plan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    given_code = models.CharField(_("code as given"), max_length=16, blank=True)
    given_name = models.CharField(_("priority as given"), max_length=300)
    remark = models.TextField(_("explanation"), blank=True)
    theme = models.ForeignKey(
        CatalogueTheme,
        verbose_name=_("catalogue theme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inputs",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round", "area__name", "partner", "given_name"]
        verbose_name = _("priority input")
        verbose_name_plural = _("priority inputs")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(source__in=InputSource.values), name="priorityinput_source_valid"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(source=InputSource.PARTNER, partner__isnull=False, area__isnull=True)
                    | (
                        ~models.Q(source=InputSource.PARTNER)
                        & models.Q(partner__isnull=True, area__isnull=False)
                    )
                ),
                name="priorityinput_member_or_partner",
            ),
        ]

    def __str__(self) -> str:
        return self.given_name


class CriterionScore(models.Model):
    """A steering group member's score (0-5) of one candidate theme on one criterion."""

    criterion = models.ForeignKey(RoundCriterion, on_delete=models.CASCADE, related_name="scores")
    theme = models.ForeignKey(CatalogueTheme, on_delete=models.CASCADE, related_name="+")
    scorer = models.ForeignKey(SteeringMember, on_delete=models.CASCADE, related_name="scores")
    score = models.PositiveSmallIntegerField(_("score"))

    class Meta:
        ordering = ["criterion", "theme", "scorer"]
        verbose_name = _("criterion score")
        verbose_name_plural = _("criterion scores")
        constraints = [
            models.UniqueConstraint(fields=["criterion", "theme", "scorer"], name="criterionscore_unique"),
            models.CheckConstraint(
                condition=models.Q(score__gte=SCORE_MIN, score__lte=SCORE_MAX), name="criterionscore_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.score}"


class ConceptPriority(models.Model):
    """A concept priority selected in a round, with the reason; after the consultation its final
    wording and strategic goals (or dropped by the steering group)."""

    round = models.ForeignKey(PriorityRound, on_delete=models.CASCADE, related_name="concepts")
    theme = models.ForeignKey(
        CatalogueTheme, verbose_name=_("theme"), on_delete=models.PROTECT, related_name="+"
    )
    rank = models.PositiveSmallIntegerField(_("rank"))
    reason = models.TextField(_("reason"))
    final_name = models.CharField(_("final wording"), max_length=300, blank=True)
    strategic_goals = models.JSONField(_("strategic goals"), default=list, blank=True)
    dropped = models.BooleanField(_("dropped after consultation"), default=False)

    class Meta:
        ordering = ["round", "rank"]
        verbose_name = _("concept priority")
        verbose_name_plural = _("concept priorities")
        constraints = [
            models.UniqueConstraint(fields=["round", "theme"], name="conceptpriority_unique_theme"),
            models.CheckConstraint(condition=~models.Q(reason=""), name="conceptpriority_has_reason"),
        ]

    def __str__(self) -> str:
        return self.final_name or str(self.theme)


class DistrictMeeting(models.Model):
    """A district safety meeting (DVO) consulted on the concept priorities."""

    round = models.ForeignKey(PriorityRound, on_delete=models.CASCADE, related_name="district_meetings")
    district = models.CharField(_("district"), max_length=120)
    held_on = models.DateField(_("held on"), null=True, blank=True)

    class Meta:
        ordering = ["round", "district"]
        verbose_name = _("district meeting")
        verbose_name_plural = _("district meetings")
        constraints = [models.UniqueConstraint(fields=["round", "district"], name="districtmeeting_unique")]

    def __str__(self) -> str:
        return self.district


class ConsultationPosition(models.Model):
    meeting = models.ForeignKey(DistrictMeeting, on_delete=models.CASCADE, related_name="positions")
    concept = models.ForeignKey(ConceptPriority, on_delete=models.CASCADE, related_name="positions")
    position = models.CharField(_("position"), max_length=24, choices=Position.choices)
    remarks = models.TextField(_("remarks"), blank=True)

    class Meta:
        ordering = ["meeting", "concept"]
        verbose_name = _("consultation position")
        verbose_name_plural = _("consultation positions")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "concept"], name="consultationposition_unique"),
            models.CheckConstraint(
                condition=models.Q(position__in=Position.values), name="consultationposition_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(position=Position.SUPPORT) | ~models.Q(remarks=""),
                name="consultationposition_remarks_required",
            ),
        ]

    def __str__(self) -> str:
        return self.position


class SteeringAdjustment(models.Model):
    """An adjustment the steering group made after the consultation (append-only)."""

    round = models.ForeignKey(PriorityRound, on_delete=models.CASCADE, related_name="adjustments")
    concept = models.ForeignKey(
        ConceptPriority, on_delete=models.SET_NULL, null=True, blank=True, related_name="adjustments"
    )
    text = models.TextField(_("adjustment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round", "created_at", "pk"]
        verbose_name = _("steering group adjustment")
        verbose_name_plural = _("steering group adjustments")

    def __str__(self) -> str:
        return self.text[:60]
