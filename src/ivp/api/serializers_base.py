"""The base of the API's model serializers: integer bounds of the production database.

DRF takes an integer model field's bounds from the database at hand (Django asks the backend:
SQLite allows 64 bits for every integer column, PostgreSQL 16/32/64 bits by field type). The API
would then accept, and the OpenAPI schema would document, different ranges on SQLite and on
PostgreSQL. `ModelSerializer` bounds every integer field by the PostgreSQL column (Django's
standard ranges) and by any tighter validator on the model field, whatever the database.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from rest_framework import serializers
from rest_framework.fields import Field

_MT = TypeVar("_MT", bound=models.Model)

INTEGER_RANGES: dict[str, tuple[int, int]] = dict(BaseDatabaseOperations.integer_field_ranges)
"""Internal field type → (min, max) of its PostgreSQL column."""


class ModelSerializer(serializers.ModelSerializer[_MT]):
    def build_standard_field(
        self, field_name: str, model_field: models.Field[Any, Any]
    ) -> tuple[type[Field[Any, Any, Any, Any]], dict[str, Any]]:
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        bounds = INTEGER_RANGES.get(model_field.get_internal_type())
        if bounds is not None and issubclass(field_class, serializers.IntegerField):
            low, high = bounds
            if "min_value" in kwargs:
                kwargs["min_value"] = max(kwargs["min_value"], low)
            if "max_value" in kwargs:
                kwargs["max_value"] = min(kwargs["max_value"], high)
        return field_class, kwargs
