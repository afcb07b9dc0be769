"""The yearly council report (jaarrapportage) of a plan.

`AnnualReport` is the working copy per plan and year: its narratives per section and the
explanations of off-track indicators are edited while it is a draft (each with an optimistic-lock
`version`). Finalising appends a `ReportEdition` holding everything the report shows (figures,
statuses, texts) as a snapshot: that edition is the council's version and is never changed.
Reopening sets the working copy back to draft; finalising again appends the next edition.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ivp.core.constants import YEAR_MAX, YEAR_MIN

from .constants import ReportStatus, SectionKind


class AnnualReport(models.Model):
    plan = models.ForeignKey(
        "plans.Plan", verbose_name=_("plan"), on_delete=models.PROTECT, related_name="annual_reports"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=8, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    edition = models.PositiveIntegerField(
        default=0, help_text="Number of the latest final edition (0: never finalised)."
    )
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["plan", "-year"]
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        constraints = [
            models.UniqueConstraint(fields=["plan", "year"], name="annualreport_unique_plan_year"),
            models.CheckConstraint(
                condition=models.Q(year__gte=YEAR_MIN, year__lte=YEAR_MAX), name="annualreport_year_plausible"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ReportStatus.values), name="annualreport_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status=ReportStatus.DRAFT)
                | models.Q(finalised_at__isnull=False, edition__gte=1),
                name="annualreport_final_has_edition",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.year}"


class ReportSection(models.Model):
    """The editable narrative of one section; a priority section belongs to one priority theme."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="sections")
    kind = models.CharField(_("section"), max_length=16, choices=SectionKind.choices)
    theme = models.ForeignKey(
        "plans.Theme", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("text"), blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["report", "kind", "theme"]
        verbose_name = _("report section")
        verbose_name_plural = _("report sections")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "kind"],
                condition=models.Q(theme__isnull=True),
                name="reportsection_unique_kind",
            ),
            models.UniqueConstraint(
                fields=["report", "theme"],
                condition=models.Q(theme__isnull=False),
                name="reportsection_unique_theme",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=SectionKind.values), name="reportsection_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(kind=SectionKind.PRIORITY, theme__isnull=False)
                | (~models.Q(kind=SectionKind.PRIORITY) & models.Q(theme__isnull=True)),
                name="reportsection_priority_has_theme",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} {self.kind} {self.theme_id or ''}".strip()


class IndicatorExplanation(models.Model):
    """Why an indicator is off track in the report's year, and what is done about it."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="explanations")
    indicator = models.ForeignKey("plans.Indicator", on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("explanation"), blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["report", "indicator"]
        verbose_name = _("indicator explanation")
        verbose_name_plural = _("indicator explanations")
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="indicatorexplanation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.report} {self.indicator_id}"


class ReportEdition(models.Model):
    """A finalised edition of a report: the council's version, frozen. Append-only."""

    report = models.ForeignKey(AnnualReport, on_delete=models.PROTECT, related_name="editions")
    number = models.PositiveIntegerField()
    finalised_at = models.DateTimeField(auto_now_add=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    finalised_by_name = models.CharField(max_length=300, blank=True)
    content = models.JSONField(help_text="Everything the report shows, as it was at finalisation.")

    class Meta:
        ordering = ["report", "-number"]
        verbose_name = _("report edition")
        verbose_name_plural = _("report editions")
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="reportedition_unique_number"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="reportedition_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.report} edition {self.number}"
