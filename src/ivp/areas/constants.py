from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaKind(models.TextChoices):
    """What an area is. Every kind except MUNICIPALITY is a region: a set of municipalities."""

    COUNTRY = "country", _("Country")
    PROVINCE = "province", _("Province")
    POLICE_UNIT = "police_unit", _("Police unit")
    SAFETY_REGION = "safety_region", _("Safety region")
    MUNICIPALITY = "municipality", _("Municipality")
    GROUP = "group", _("Group")


# Code patterns per kind (CBS region codes; groups get GR + four digits).
CODE_PATTERNS: dict[str, str] = {
    AreaKind.COUNTRY: r"^NL01$",
    AreaKind.PROVINCE: r"^PV[0-9]{2}$",
    AreaKind.POLICE_UNIT: r"^RE[0-9]{2}$",
    AreaKind.SAFETY_REGION: r"^VR[0-9]{2}$",
    AreaKind.MUNICIPALITY: r"^GM[0-9]{4}$",
    AreaKind.GROUP: r"^GR[0-9]{4}$",
}

# Order in which a municipality's regions are listed.
REGION_KIND_ORDER = [
    AreaKind.PROVINCE,
    AreaKind.POLICE_UNIT,
    AreaKind.SAFETY_REGION,
    AreaKind.COUNTRY,
    AreaKind.GROUP,
]
OFFICIAL_REGION_KINDS = [
    AreaKind.COUNTRY,
    AreaKind.PROVINCE,
    AreaKind.POLICE_UNIT,
    AreaKind.SAFETY_REGION,
]
