from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Operations: the audit page, backup and restore."""

    name = "ivp.ops"
    label = "ops"
    verbose_name = _("Operations")
