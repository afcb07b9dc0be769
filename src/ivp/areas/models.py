from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .constants import CODE_PATTERNS, AreaKind


class Area(models.Model):
    """A municipality, or a region made of municipalities (country, province, police unit,
    safety region, or a user-defined group such as a network's members or a peer group)."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=AreaKind.choices)
    search_text = models.CharField(
        max_length=600, blank=True, help_text="Normalised name, code and aliases, for search."
    )
    description = models.TextField(_("description"), blank=True)
    boundary_since = models.DateField(
        _("boundary since"),
        null=True,
        blank=True,
        help_text=_("Date the municipality was created or its boundary last changed (CBS)."),
    )
    owner = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="groups",
        help_text=_("The organisation that maintains a user-defined group."),
    )
    members: models.ManyToManyField[Area, AreaMembership] = models.ManyToManyField(
        "self",
        through="AreaMembership",
        through_fields=("region", "member"),
        symmetrical=False,
        related_name="regions",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=AreaKind.values), name="area_kind_valid"),
            models.CheckConstraint(
                condition=models.Q(
                    *(models.Q(kind=kind, code__regex=pattern) for kind, pattern in CODE_PATTERNS.items()),
                    _connector=models.Q.OR,
                ),
                name="area_code_matches_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(kind=AreaKind.GROUP, owner__isnull=False)
                | (~models.Q(kind=AreaKind.GROUP) & models.Q(owner__isnull=True)),
                name="area_only_groups_have_owner",
            ),
        ]
        indexes = [models.Index(fields=["kind", "name"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def is_municipality(self) -> bool:
        return self.kind == AreaKind.MUNICIPALITY


class AreaMembership(models.Model):
    """A municipality belonging to a region."""

    region = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="member_links")
    member = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="region_links")

    class Meta:
        verbose_name = _("area membership")
        verbose_name_plural = _("area memberships")
        constraints = [
            models.UniqueConstraint(fields=["region", "member"], name="areamembership_unique"),
            models.CheckConstraint(
                condition=~models.Q(region=models.F("member")), name="areamembership_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} in {self.region_id}"


class Population(models.Model):
    """Number of inhabitants of a municipality (or, where published, of a region) on a reference
    date, with its source. A region without its own figure is the sum of its members."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="populations")
    year = models.PositiveSmallIntegerField(_("year"))
    inhabitants_count = models.PositiveIntegerField(_("inhabitants"))
    reference_date = models.DateField(_("reference date"))
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        ordering = ["area", "year"]
        verbose_name = _("population")
        verbose_name_plural = _("populations")
        constraints = [
            models.UniqueConstraint(fields=["area", "year"], name="population_unique_area_year"),
            models.CheckConstraint(
                condition=models.Q(year__gte=1800, year__lte=2200), name="population_year_plausible"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area_id} {self.year}: {self.inhabitants_count}"
