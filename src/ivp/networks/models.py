"""A regional safety network: member municipalities, partner organisations, a period.

The network is kept by an organisation of kind `network` (its coordinators hold the role
`network_coordinator` there). Members are municipalities, each optionally in a district (the
district safety meeting, DVO, it takes part in); partners are organisations such as the police
unit, the OM and the RIEC.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ivp.core.constants import YEAR_MAX, YEAR_MIN


class Network(models.Model):
    organisation = models.OneToOneField(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="network",
        help_text=_("The organisation (kind: safety network) whose coordinators keep the network."),
    )
    name = models.CharField(_("name"), max_length=200, unique=True)
    region = models.ForeignKey(
        "areas.Area",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="networks",
        help_text=_("The region whose municipalities were taken as members (e.g. a police unit)."),
    )
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    description = models.TextField(_("description"), blank=True)
    max_priorities = models.PositiveSmallIntegerField(_("maximum number of regional priorities"), default=7)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("safety network")
        verbose_name_plural = _("safety networks")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_year__gte=YEAR_MIN, start_year__lte=YEAR_MAX),
                name="network_start_year_plausible",
            ),
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")), name="network_end_not_before_start"
            ),
            models.CheckConstraint(
                condition=models.Q(max_priorities__gte=1, max_priorities__lte=20),
                name="network_max_priorities_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class NetworkMember(models.Model):
    """A member municipality of a network, optionally within a district."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="members")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="network_memberships")
    district = models.CharField(_("district"), max_length=120, blank=True)

    class Meta:
        ordering = ["network", "district", "area__name"]
        verbose_name = _("network member")
        verbose_name_plural = _("network members")
        constraints = [models.UniqueConstraint(fields=["network", "area"], name="networkmember_unique")]

    def __str__(self) -> str:
        return f"{self.area_id} in {self.network_id}"


class NetworkPartner(models.Model):
    """A partner organisation of a network (police, OM, RIEC, ...) and its role."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    role = models.TextField(_("role"), blank=True)

    class Meta:
        ordering = ["network", "organisation__name"]
        verbose_name = _("network partner")
        verbose_name_plural = _("network partners")
        constraints = [
            models.UniqueConstraint(fields=["network", "organisation"], name="networkpartner_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} in {self.network_id}"


# The governance and round models live in their own modules (small modules); importing them
# here registers them with this app.
from .models_governance import (  # noqa: E402
    CalendarActivity,
    CatalogueTheme,
    ExpertTeam,
    ExpertTeamMember,
    Milestone,
    SteeringMember,
    WorkingGroupMember,
)
from .models_rounds import (  # noqa: E402
    ConceptPriority,
    ConsultationPosition,
    CriterionScore,
    DistrictMeeting,
    PriorityInput,
    PriorityRound,
    RoundCriterion,
    SteeringAdjustment,
)

__all__ = [
    "CalendarActivity", "CatalogueTheme", "ConceptPriority", "ConsultationPosition", "CriterionScore",
    "DistrictMeeting", "ExpertTeam", "ExpertTeamMember", "Milestone", "Network", "NetworkMember",
    "NetworkPartner", "PriorityInput", "PriorityRound", "RoundCriterion", "SteeringAdjustment",
    "SteeringMember", "WorkingGroupMember",
]  # fmt: skip
