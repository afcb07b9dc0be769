"""Shared parts of the API's network and funding writes: a service's refusal as a problem that
names the body field, and lookups of the things a body names (themes, priorities, partners)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TypeVar

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from ivp.core.errors import ValidationFailed
from ivp.networks.catalogue import catalogue_ensure
from ivp.networks.models import CatalogueTheme, ConceptPriority, Network, PriorityRound
from ivp.networks.services_rounds import RoundStateError

T = TypeVar("T")


# Model field names that the API's bodies call otherwise.
RENAMED = {"is_chair": "chair", "organisation_name": "organisation"}


@contextmanager
def problems_as(field: str) -> Iterator[None]:
    """A service's refusal (ValidationFailed) as validation problems of the body: under the field
    each is about when the service says so (`by_field`, by model field name), else under `field`;
    a refusal because of the round's step is about the round, not a field (`non_field_errors`).
    Nothing was written: every service runs in one transaction."""
    try:
        yield
    except RoundStateError as error:
        raise ValidationError({"non_field_errors": error.problems}) from error
    except ValidationFailed as error:
        by_field: dict[str, list[str]] = getattr(error, "by_field", None) or {"__all__": error.problems}
        named: dict[str, list[str]] = {}
        for name, messages in by_field.items():
            key = field if name == "__all__" else RENAMED.get(name, name)
            named.setdefault(key, []).extend(str(m) for m in messages)
        raise ValidationError(named) from error


class Lookups:
    """Collects every unknown name of a body before anything is written, so that one reply names
    all of them (`field.index.name`), as the serializers do for their own fields."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def get(self, found: Mapping[str, T], key: str, field: str, message: str) -> T | None:
        if key not in found:
            self.errors.setdefault(field, []).append(message)
            return None
        return found[key]

    def check(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def catalogue(network: Network) -> dict[str, CatalogueTheme]:
    """The network's theme catalogue by code; a network without one yet (no round started) gets
    the default catalogue first, as a round would give it."""
    return {t.code: t for t in catalogue_ensure(network=network)}


def no_theme(code: str) -> str:
    return _("No theme %(code)s in the network's catalogue.") % {"code": code}


def concepts(round: PriorityRound) -> dict[str, ConceptPriority]:
    """The round's concept priorities by theme code."""
    return {c.theme.code: c for c in round.concepts.select_related("theme", "round__network")}


def no_concept(code: str) -> str:
    return _("No concept priority %(code)s in this round.") % {"code": code}
