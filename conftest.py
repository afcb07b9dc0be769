"""Shared test set-up: the bundled reference data is loaded once into the test database."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    from ivp.accounts.services import organisations_sync_from_areas
    from ivp.areas.loading import reference_data_load
    from ivp.stats.services import classification_load

    with django_db_blocker.unblock():
        reference_data_load(data_dir=settings.DATA_DIR)
        organisations_sync_from_areas()
        classification_load(data_dir=settings.DATA_DIR)
    yield


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Every test starts in the default language (Dutch) and leaves no other language active,
    so a test that switches language (or a request that did) cannot change the next test."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
