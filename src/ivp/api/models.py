"""API tokens: one per user, for scripts. Only a digest of the key is stored.

The key is shown once, when it is made (`ivp api token USER`); the database holds its SHA-256
digest and the first characters (to recognise it in a list). A key is 32 random bytes, so a plain
digest is as strong as a slow password hash here and keeps each request cheap.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_token"
    )
    key_digest = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the key, hex.")
    key_prefix = models.CharField(_("key starts with"), max_length=8)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(key_digest__regex=r"^[0-9a-f]{64}$"), name="apitoken_digest_is_sha256_hex"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.key_prefix}…)"
