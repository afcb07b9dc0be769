from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Messages are compared in English (the msgids); pages are requested in Dutch."""
    with translation.override("en"):
        yield
