"""The embedded default: local work on SQLite under var/, demo account allowed."""

from __future__ import annotations

import os

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("IVP_DEBUG", True)
# A fixed key is acceptable only for local work; production refuses to start without its own.
SECRET_KEY = os.environ.get("IVP_SECRET_KEY", "ivp-local-development-key-not-for-production")
# Demo accounts only on the embedded default (SQLite under var/), never on a named database.
IVP_DEMO_ACCOUNTS = "DATABASE_URL" not in os.environ
