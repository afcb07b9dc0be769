"""The registry of statistics sources. A plugin registers itself with `@register`."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ivp.core.errors import NotFoundError

from .base import Source

_SOURCES: dict[str, type[Source]] = {}


def register(cls: type[Source]) -> type[Source]:
    if cls.key in _SOURCES and _SOURCES[cls.key] is not cls:
        raise ValueError(f"two sources share the key {cls.key!r}")
    _SOURCES[cls.key] = cls
    return cls


def _load_plugins() -> None:
    from . import cbs, demo, politie  # noqa: F401  (registers the built-in sources)


def source_get(key: str) -> Source:
    _load_plugins()
    try:
        return _SOURCES[key]()
    except KeyError:
        known = ", ".join(sorted(_SOURCES))
        raise NotFoundError(
            _("No source '%(key)s'. Known sources: %(known)s.") % {"key": key, "known": known}
        ) from None


def source_list() -> list[Source]:
    _load_plugins()
    return [cls() for _key, cls in sorted(_SOURCES.items())]
