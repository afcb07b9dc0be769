"""Settings shared by every environment. Everything that varies comes from the environment."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.utils.translation import gettext_lazy as _

# Lets admin classes and querysets be subscripted at run time, as the type stubs expect.
django_stubs_ext.monkeypatch()

SRC_DIR = Path(__file__).resolve().parent.parent  # src/ivp
BASE_DIR = Path(os.environ.get("IVP_BASE_DIR", SRC_DIR.parent.parent)).resolve()
VAR_DIR = Path(os.environ.get("IVP_VAR_DIR", BASE_DIR / "var")).resolve()
DATA_DIR = Path(os.environ.get("IVP_DATA_DIR", BASE_DIR / "data")).resolve()


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("IVP_DEBUG", False)
SECRET_KEY = os.environ.get("IVP_SECRET_KEY", "")
ALLOWED_HOSTS = env_list("IVP_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])

# Whether `ivp setup` may create the local demo account. Only the embedded default sets it.
IVP_DEMO_ACCOUNTS = False

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "ivp.core",
    "ivp.accounts",
    "ivp.areas",
    "ivp.stats",
    "ivp.explorer",
    "ivp.plans",
    "ivp.networks",
    "ivp.funding",
    "ivp.bulletins",
    "ivp.reports",
    "ivp.veiligheidsbeeld",
    "rest_framework",
    "drf_spectacular",
    "ivp.api",
    "ivp.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ivp.core.middleware.LocaleMiddleware",  # Dutch unless the user chose English (not the browser)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ivp.accounts.middleware.ReadOnlyViewerMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lock-out into the lock-out page
]

ROOT_URLCONF = "ivp.conf.urls"
WSGI_APPLICATION = "ivp.conf.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ivp.core.context_processors.site",
            ],
        },
    },
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'ivp.sqlite3'}"),
        conn_max_age=int(os.environ.get("IVP_DB_CONN_MAX_AGE", "0")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Backups write Django's JSON with times to the microsecond (ivp.ops.serializer).
SERIALIZATION_MODULES = {"ivp_json": "ivp.ops.serializer"}

AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a locked-out username+address before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

# E-mail (the monthly bulletin of a network): Django's SMTP backend, configured from the environment.
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("IVP_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("IVP_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("IVP_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("IVP_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("IVP_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("IVP_EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("IVP_EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("IVP_EMAIL_FROM", "ivp@localhost")
# The site's public address, for links in e-mails (the bulletin's unsubscribe link); no request
# is at hand when the command line sends. Production has no default (see production.py).
IVP_SITE_URL = os.environ.get("IVP_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
# The language switch's choice is kept for a year (Django's default ends it with the browser
# session, after which the interface would be Dutch again); see ivp.core.middleware.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LOCALE_PATHS = [SRC_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # collectstatic fills it in production
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content security policy (django-csp): only our own files; no inline or evaluated script (charts
# use Vega's CSP-safe expression interpreter), no inline style, no framing. See docs/security.md.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Login throttling (django-axes): after IVP_LOGIN_FAILURE_LIMIT failed attempts for one username
# from one address, that combination is locked for IVP_LOGIN_LOCKOUT_MINUTES.
AXES_FAILURE_LIMIT = int(os.environ.get("IVP_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("IVP_LOGIN_LOCKOUT_MINUTES", "15")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "ivp.core.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "ivp.core.security.client_ip"
AXES_VERBOSE = False
IVP_TRUSTED_PROXIES = int(os.environ.get("IVP_TRUSTED_PROXIES", "0"))

# Uploads: a request body above this is refused (413); uploaded files above the memory limit are
# streamed to a temporary file. ivp.core.uploads checks each file's size, extension and content.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("IVP_UPLOAD_MAX_MB", "20")) * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
IVP_UPLOAD_MAX_BYTES = DATA_UPLOAD_MAX_MEMORY_SIZE

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("IVP_LOG_LEVEL", "WARNING")},
}

# The REST API (ivp.api, docs/api.md): token or session, problem details, pages with totals.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "ivp.api.authentication.HashedTokenAuthentication",  # first: its scheme answers 401s
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["ivp.api.permissions.SignedInReadOnlyForViewers"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "ivp.api.pagination.Pagination",
    "DEFAULT_SCHEMA_CLASS": "ivp.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "ivp.api.problems.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ivp API",
    "DESCRIPTION": "Areas, statistics and integral safety plans of ivp. See docs/api.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_GENERATE_CHOICE_DESCRIPTION": False,
    "ENUM_NAME_OVERRIDES": {
        "AreaKindEnum": "ivp.areas.constants.AreaKind",
        "PlanStatusEnum": "ivp.plans.constants.PlanStatus",
        "IndicatorSourceEnum": "ivp.plans.constants.IndicatorSource",
        "RoundStatusEnum": "ivp.networks.constants.RoundStatus",
        "MilestoneStatusEnum": "ivp.networks.constants.MilestoneStatus",
        "ActionStatusEnum": "ivp.plans.constants.ActionStatus",
        "PartnerKindEnum": "ivp.plans.constants.PartnerKind",
        "ReportStatusEnum": "ivp.reports.constants.ReportStatus",
        "FigureRowStatusEnum": ["ok", "suppressed", "missing"],  # figures and the veiligheidsbeeld
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "ivp.api.schema.problem_responses",
    ],
}
