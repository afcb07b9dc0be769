"""Funding of a regional safety network: a contribution per inhabitant from every member
municipality, budget lines with planned amounts, in-kind co-financing by partners, and
scenarios (another rate, another reference year) to compare with.

Amounts are `Decimal` in euros (columns ending in `_eur`); the rounding rule is fixed and stated
in `constants.ROUNDING_RULE`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

YEAR_MIN, YEAR_MAX = 1900, 2200


class FundingScheme(models.Model):
    """The network's funding scheme: one rate per inhabitant for every year of the period, on the
    population of one reference year."""

    network = models.OneToOneField(
        "networks.Network", verbose_name=_("network"), on_delete=models.CASCADE, related_name="funding_scheme"
    )
    rate_per_inhabitant_eur = models.DecimalField(
        _("contribution per inhabitant (EUR)"), max_digits=8, decimal_places=4
    )
    population_year = models.PositiveSmallIntegerField(
        _("reference year of the population"),
        help_text=_("Every member's population on 1 January of this year is used for every year."),
    )
    first_year = models.PositiveSmallIntegerField(_("first year"))
    last_year = models.PositiveSmallIntegerField(_("last year"))
    notes = models.TextField(_("notes"), blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("funding scheme")
        verbose_name_plural = _("funding schemes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rate_per_inhabitant_eur__gt=0), name="fundingscheme_rate_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(last_year__gte=models.F("first_year")), name="fundingscheme_years_ordered"
            ),
            models.CheckConstraint(
                condition=models.Q(population_year__gte=YEAR_MIN, population_year__lte=YEAR_MAX),
                name="fundingscheme_population_year_plausible",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.network_id}: {self.rate_per_inhabitant_eur} EUR x {self.population_year}"


class FundingScenario(models.Model):
    """An alternative to compare with the scheme: another rate and/or another reference year."""

    scheme = models.ForeignKey(FundingScheme, on_delete=models.CASCADE, related_name="scenarios")
    name = models.CharField(_("name"), max_length=120)
    rate_per_inhabitant_eur = models.DecimalField(
        _("contribution per inhabitant (EUR)"), max_digits=8, decimal_places=4
    )
    population_year = models.PositiveSmallIntegerField(_("reference year of the population"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["scheme", "created_at", "pk"]
        verbose_name = _("funding scenario")
        verbose_name_plural = _("funding scenarios")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "name"], name="fundingscenario_unique_name"),
            models.CheckConstraint(
                condition=models.Q(rate_per_inhabitant_eur__gt=0), name="fundingscenario_rate_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BudgetLine(models.Model):
    """A line of the network's budget (coordination, communication, intelligence, projects...)."""

    scheme = models.ForeignKey(FundingScheme, on_delete=models.CASCADE, related_name="budget_lines")
    name = models.CharField(_("name"), max_length=120)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["scheme", "position", "pk"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [models.UniqueConstraint(fields=["scheme", "name"], name="budgetline_unique_name")]

    def __str__(self) -> str:
        return self.name


class BudgetAmount(models.Model):
    """The planned amount of a budget line in one year."""

    line = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, related_name="amounts")
    year = models.PositiveSmallIntegerField(_("year"))
    amount_eur = models.DecimalField(_("planned amount (EUR)"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["line", "year"]
        verbose_name = _("planned amount")
        verbose_name_plural = _("planned amounts")
        constraints = [
            models.UniqueConstraint(fields=["line", "year"], name="budgetamount_unique_year"),
            models.CheckConstraint(condition=models.Q(amount_eur__gte=0), name="budgetamount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.line_id} {self.year}: {self.amount_eur}"


class InKindContribution(models.Model):
    """Co-financing in kind by a partner of the network (police, OM, RIEC...)."""

    scheme = models.ForeignKey(FundingScheme, on_delete=models.CASCADE, related_name="in_kind")
    partner = models.ForeignKey("networks.NetworkPartner", on_delete=models.CASCADE, related_name="+")
    fte = models.DecimalField(_("staff (fte)"), max_digits=5, decimal_places=2, default=0)
    facilities = models.TextField(_("facilities"), blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["scheme", "partner__organisation__name"]
        verbose_name = _("in-kind contribution")
        verbose_name_plural = _("in-kind contributions")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "partner"], name="inkind_unique_partner"),
            models.CheckConstraint(condition=models.Q(fte__gte=0), name="inkind_fte_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.partner_id}: {self.fte} fte"
