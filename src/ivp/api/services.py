"""Writes of the API app: making and revoking a user's API token."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils.translation import gettext as _

from ivp.accounts.models import User
from ivp.core.errors import NotFoundError

from .models import ApiToken

KEY_BYTES = 32


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def token_create(*, user: User) -> tuple[ApiToken, str]:
    """A new token for the user, replacing any earlier one. Returns the token and its key,
    which is not stored and cannot be shown again."""
    key = secrets.token_urlsafe(KEY_BYTES)
    ApiToken.objects.filter(user=user).delete()
    token = ApiToken.objects.create(user=user, key_digest=key_digest(key), key_prefix=key[:8])
    return token, key


def token_revoke(*, user: User) -> bool:
    """Remove the user's token. True if there was one."""
    deleted, _kinds = ApiToken.objects.filter(user=user).delete()
    return deleted > 0


def user_by_username(*, username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise NotFoundError(_("No user '%(username)s'.") % {"username": username})
    return user
