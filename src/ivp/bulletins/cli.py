"""`ivp network bulletin NETWORK [--month YYYY-MM] [--send]`: the monthly bulletin."""

from __future__ import annotations

from typing import Any


def register(commands: Any) -> None:
    """Filled in below."""
