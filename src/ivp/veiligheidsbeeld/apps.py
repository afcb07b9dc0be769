from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VeiligheidsbeeldConfig(AppConfig):
    name = "ivp.veiligheidsbeeld"
    label = "veiligheidsbeeld"
    verbose_name = _("Safety picture")
