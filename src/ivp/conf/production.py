"""Production: every secret from the environment, secure cookies, never a demo account."""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = False
IVP_DEMO_ACCOUNTS = False
SECRET_KEY = os.environ.get("IVP_SECRET_KEY", "")
if len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("IVP_SECRET_KEY must be set to a random value of at least 32 characters.")
if "DATABASE_URL" not in os.environ and not env_bool("IVP_ALLOW_SQLITE", False):
    raise ImproperlyConfigured("DATABASE_URL must name the production database (PostgreSQL).")

# No local default: a bulletin is not sent until the public address is set (its unsubscribe
# link must work; RFC 8058 one-click needs HTTPS).
IVP_SITE_URL = os.environ.get("IVP_SITE_URL", "").rstrip("/")

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env_bool("IVP_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("IVP_HSTS_SECONDS", "31536000"))
# Every subdomain of a municipal or network domain is expected on HTTPS; switch off when not.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("IVP_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("IVP_HSTS_PRELOAD", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # WhiteNoise's compressed manifest storage; see ivp.core.staticfiles for the one difference.
    "staticfiles": {"BACKEND": "ivp.core.staticfiles.StaticStorage"},
}
