"""JSON serialisation for backups that keeps every digit of a time.

Django's own JSON encoder writes times to the millisecond, so a backup would round timestamps
(e.g. when a revision or an audit event was made); this format writes them with microseconds.
Its output is plain Django JSON, read back by the standard `loaddata`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.serializers import json as django_json
from django.core.serializers.json import DjangoJSONEncoder


class ExactJSONEncoder(DjangoJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.time):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        return super().default(o)


class Serializer(django_json.Serializer):
    def _init_options(self) -> None:
        super()._init_options()  # type: ignore[misc]  # a private hook of the JSON serializer
        self.json_kwargs["cls"] = ExactJSONEncoder


Deserializer = django_json.Deserializer
