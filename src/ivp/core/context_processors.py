from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

import ivp


def site(request: HttpRequest) -> dict[str, Any]:
    return {"ivp_version": ivp.__version__, "ivp_demo": settings.IVP_DEMO_ACCOUNTS}
