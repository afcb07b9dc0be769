"""The network's shared theme catalogue and the mapping of a priority onto it.

A new catalogue is the Kernbeleid Veiligheid catalogue of the plans (the same theme codes the
plans use), with keywords to map a plan's own themes by their name. Mapping order: the same
code; else the same name; else the longest keyword found in the name; else unmapped (the
coordinators map it by hand on the round page).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from ivp.plans.constants import KBV_CATALOGUE

from .constants import CATALOGUE_KEYWORDS
from .models import CatalogueTheme, Network


@transaction.atomic
def catalogue_ensure(*, network: Network) -> list[CatalogueTheme]:
    """Create the default catalogue when the network has none yet (idempotent)."""
    if not network.catalogue.exists():
        position = 0
        for _field_code, field_name, themes in KBV_CATALOGUE:
            for code, name in themes:
                CatalogueTheme.objects.create(
                    network=network,
                    code=code,
                    name=name,
                    field_name=field_name,
                    keywords=CATALOGUE_KEYWORDS.get(code, []),
                    position=position,
                )
                position += 1
    return list(network.catalogue.all())


def theme_match(catalogue: Sequence[CatalogueTheme], *, code: str, name: str) -> CatalogueTheme | None:
    by_code = {t.code: t for t in catalogue}
    if code in by_code:
        return by_code[code]
    lowered = name.strip().lower()
    for theme in catalogue:
        if theme.name.lower() == lowered:
            return theme
    best: tuple[int, CatalogueTheme] | None = None
    for theme in catalogue:
        for word in theme.keywords:
            if word.lower() in lowered and (best is None or len(word) > best[0]):
                best = (len(word), theme)
    return best[1] if best else None
