"""Settings for the test suite: SQLite unless DATABASE_URL names PostgreSQL."""

from __future__ import annotations

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "ivp-test-key"  # noqa: S105
ALLOWED_HOSTS = ["*"]
IVP_DEMO_ACCOUNTS = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
