"""The integral safety plan (IVP) and everything in it.

Every editable item carries `version`, raised by each change: a form sends the version it was
opened with, and the service refuses the change when it no longer matches (someone else saved in
between), so nothing is overwritten silently. Every change to a plan appends a `PlanRevision`
with who, when, what, and a snapshot of the whole plan after the change (the plan file's
content), so earlier versions stay viewable. Revisions and indicator values are append-only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ivp.core.constants import YEAR_MAX, YEAR_MIN

from .constants import (
    ActionStatus,
    ChangeKind,
    Direction,
    IndicatorSource,
    IndicatorUnit,
    PartnerKind,
    PlanStatus,
    TargetComparator,
)


def _year_ok(field: str) -> models.Q:
    return models.Q(**{f"{field}__gte": YEAR_MIN, f"{field}__lte": YEAR_MAX})


class Plan(models.Model):
    """An integral safety plan of one municipality, or of several together (a joint plan)."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="plans",
        help_text=_("The organisation that keeps the plan (for a joint plan: the lead municipality)."),
    )
    title = models.CharField(_("title"), max_length=200)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    status = models.CharField(
        _("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    adopted_by = models.CharField(
        _("adopted by"),
        max_length=200,
        blank=True,
        help_text=_("The body that adopted it, e.g. the council."),
    )
    vision = models.TextField(_("vision"), blank=True)
    budget_notes = models.TextField(_("budget"), blank=True)
    municipalities: models.ManyToManyField[models.Model, PlanMunicipality] = models.ManyToManyField(
        "areas.Area", through="PlanMunicipality", related_name="plans", verbose_name=_("municipalities")
    )
    version = models.PositiveIntegerField(default=1)
    revision = models.PositiveIntegerField(
        default=0, help_text="Number of the latest PlanRevision: raised by every change in the plan."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_year", "title"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.CheckConstraint(condition=_year_ok("start_year"), name="plan_start_year_plausible"),
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")), name="plan_end_not_before_start"
            ),
            models.CheckConstraint(
                condition=models.Q(end_year__lte=models.F("start_year") + 9), name="plan_at_most_ten_years"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=PlanStatus.values), name="plan_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status=PlanStatus.DRAFT) | models.Q(adopted_on__isnull=False),
                name="plan_adopted_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.start_year}-{self.end_year})"

    @property
    def is_joint(self) -> bool:
        return self.plan_municipalities.count() > 1


class PlanMunicipality(models.Model):
    """A municipality that takes part in a plan (one for a municipal plan, more for a joint one)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="plan_municipalities")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="plan_links")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "position", "area__name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "area"], name="planmunicipality_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.area_id} in plan {self.plan_id}"


class PlanItem(models.Model):
    """Common to the items of a plan: position in lists and the optimistic-lock version."""

    position = models.PositiveSmallIntegerField(_("position"), default=0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True


class SafetyField(PlanItem):
    """A safety field (veiligheidsveld), by default the five of Kernbeleid Veiligheid."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="fields")
    code = models.CharField(_("code"), max_length=16)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["plan", "position", "code"]
        verbose_name = _("safety field")
        verbose_name_plural = _("safety fields")
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="safetyfield_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Theme(PlanItem):
    """A theme within a safety field; a priority when `is_priority` (extra attention in the period).

    For a priority: `problem` (points), the approach in three parts (`approach_basis`: what
    continues, `approach_focus`: what is intensified, `related_policy`), `goals`, and the council's
    input. For another theme (continued policy) `approach_basis` is its approach. In a joint plan a
    theme with a `municipality` is that municipality's local spearhead; without, it is shared.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="themes")
    field = models.ForeignKey(
        SafetyField, verbose_name=_("safety field"), on_delete=models.RESTRICT, related_name="themes"
    )
    code = models.CharField(_("code"), max_length=16)
    name = models.CharField(_("name"), max_length=200)
    is_priority = models.BooleanField(_("priority"), default=False)
    municipality = models.ForeignKey(
        "areas.Area",
        verbose_name=_("municipality (local spearhead)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    problem = models.JSONField(_("problem"), default=list, blank=True)
    approach_basis = models.JSONField(_("approach: basis"), default=list, blank=True)
    approach_focus = models.JSONField(_("approach: focus"), default=list, blank=True)
    related_policy = models.JSONField(_("related policy"), default=list, blank=True)
    goals = models.JSONField(_("goals"), default=list, blank=True)
    council_input_on = models.DateField(_("council input on"), null=True, blank=True)
    council_input = models.TextField(_("council input"), blank=True)

    class Meta:
        ordering = ["plan", "-is_priority", "position", "code"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="theme_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Partner(PlanItem):
    """A partner in the plan with its role: internal (a municipal department) or external."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="partners")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=PartnerKind.choices)
    role = models.TextField(_("role"), blank=True)

    class Meta:
        ordering = ["plan", "position", "name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="partner_unique_name"),
            models.CheckConstraint(
                condition=models.Q(kind__in=PartnerKind.values), name="partner_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PortfolioHolder(PlanItem):
    """A portfolio holder (mayor or alderman) and the themes they are involved in."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="portfolio_holders")
    name = models.CharField(_("name"), max_length=200)
    office = models.CharField(_("office"), max_length=200, help_text=_("E.g. mayor, alderman for youth."))
    themes = models.ManyToManyField(
        Theme, related_name="portfolio_holders", blank=True, verbose_name=_("themes")
    )

    class Meta:
        ordering = ["plan", "position", "name"]
        verbose_name = _("portfolio holder")
        verbose_name_plural = _("portfolio holders")
        constraints = [models.UniqueConstraint(fields=["plan", "name"], name="portfolioholder_unique_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.office})"


class Indicator(PlanItem):
    """A measurable indicator with its source, baseline, optional target and good direction.

    A police indicator may be linked to the statistics (`stats_crime_code`): its values then come
    from the statistics store for the plan's municipality (or `municipality`, in a joint plan),
    never typed in. Other indicators get values entered by hand (`IndicatorValue`).
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicators")
    theme = models.ForeignKey(
        Theme,
        verbose_name=_("theme"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicators",
    )
    municipality = models.ForeignKey(
        "areas.Area",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("In a joint plan: the municipality this indicator is about (empty: all together)."),
    )
    code = models.CharField(_("code"), max_length=16)
    name = models.CharField(_("name"), max_length=300)
    source = models.CharField(_("source"), max_length=16, choices=IndicatorSource.choices)
    source_detail = models.CharField(
        _("source detail"),
        max_length=300,
        blank=True,
        help_text=_("E.g. resident panel, Zorg- en Veiligheidshuis."),
    )
    unit = models.CharField(_("unit"), max_length=16, choices=IndicatorUnit.choices)
    baseline_value = models.DecimalField(
        _("baseline value"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    target_comparator = models.CharField(
        _("target"), max_length=16, choices=TargetComparator.choices, blank=True
    )
    target_value = models.DecimalField(
        _("target value"),
        max_digits=14,
        decimal_places=3,
        null=True,
        blank=True,
        help_text=_("The value to reach, or for 'reduce by %' the percentage."),
    )
    target_year = models.PositiveSmallIntegerField(
        _("target year"), null=True, blank=True, help_text=_("Default: the plan's last year.")
    )
    direction = models.CharField(_("good direction"), max_length=8, choices=Direction.choices)
    stats_crime_code = models.CharField(
        _("linked crime type"),
        max_length=16,
        blank=True,
        help_text=_("Police crime type code (e.g. 1.1.1) whose registered count this indicator follows."),
    )
    stats_per_1000 = models.BooleanField(_("per 1,000 inhabitants"), default=False)

    class Meta:
        ordering = ["plan", "position", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="indicator_unique_code"),
            models.CheckConstraint(
                condition=models.Q(source__in=IndicatorSource.values), name="indicator_source_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(unit__in=IndicatorUnit.values), name="indicator_unit_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(direction__in=Direction.values), name="indicator_direction_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(target_comparator="") | models.Q(target_value__isnull=False),
                name="indicator_target_has_value",
            ),
            models.CheckConstraint(
                condition=models.Q(target_comparator="")
                | models.Q(target_comparator__in=TargetComparator.values, baseline_year__isnull=False),
                name="indicator_target_needs_baseline_year",
            ),
            models.CheckConstraint(
                condition=models.Q(baseline_value__isnull=True) | models.Q(baseline_year__isnull=False),
                name="indicator_baseline_has_year",
            ),
            models.CheckConstraint(
                condition=models.Q(stats_crime_code="") | models.Q(source=IndicatorSource.POLICE),
                name="indicator_linked_only_police",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_linked(self) -> bool:
        return bool(self.stats_crime_code)


class IndicatorValue(models.Model):
    """A value of an indicator for a year, entered by hand. Append-only: a correction is a new
    value for the same year; the latest entered counts, the earlier ones stay as history."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=3)
    measured_on = models.DateField(_("measured on"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300)
    note = models.TextField(_("note"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["indicator", "year", "entered_at", "pk"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.CheckConstraint(condition=_year_ok("year"), name="indicatorvalue_year_plausible")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.year}: {self.value}"


class Action(PlanItem):
    """An action of the yearly implementation plan (uitvoeringsplan)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    year = models.PositiveSmallIntegerField(_("year"))
    theme = models.ForeignKey(
        Theme,
        verbose_name=_("theme"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
    )
    title = models.CharField(_("action"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    lead_party = models.CharField(_("lead party"), max_length=200)
    partners = models.CharField(_("partners"), max_length=500, blank=True)
    timing = models.CharField(_("timing"), max_length=200, blank=True, help_text=_("E.g. Q2 2025."))
    status = models.CharField(
        _("status"), max_length=16, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )

    class Meta:
        ordering = ["plan", "year", "position", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        constraints = [
            models.CheckConstraint(condition=_year_ok("year"), name="action_year_plausible"),
            models.CheckConstraint(
                condition=models.Q(status__in=ActionStatus.values), name="action_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class PlanRevision(models.Model):
    """One change to a plan: who, when, what, and the whole plan after it. Append-only."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=ChangeKind.choices)
    object_type = models.CharField(max_length=40)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    object_label = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True, help_text="Field: [old, new] for an update.")
    snapshot = models.JSONField(help_text="The plan after this change, as in its plan file.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "-number"]
        verbose_name = _("plan revision")
        verbose_name_plural = _("plan revisions")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="planrevision_unique_number"),
            models.CheckConstraint(
                condition=models.Q(kind__in=ChangeKind.values), name="planrevision_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} r{self.number} {self.kind} {self.object_type}"
