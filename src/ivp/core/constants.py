"""Constants shared by every app."""

from __future__ import annotations

YEAR_MIN, YEAR_MAX = 2000, 2100
"""Plausible years of a plan, its values and reports, and a network's period (database
constraints and form bounds; the migrations hold the literal values)."""
