"""Writes of the API app: making and revoking a user's API token.

Each is recorded in the audit trail (`ivp.core.audit`): who did it (`actor`; none from the
command line), for which user, and what (created, replaced, revoked) — never the key nor any
part of it.
"""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils.translation import gettext as _

from ivp.accounts.access import AnyUser
from ivp.accounts.models import User
from ivp.core.audit import audit_record
from ivp.core.errors import NotFoundError

from .models import ApiToken

KEY_BYTES = 32


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _audit(*, actor: AnyUser | None, user: User, action: str) -> None:
    audit_record(
        actor=actor,
        app="api",
        action=action,
        object_type="api token",
        object_id=user.pk,
        object_label=user.get_username(),
    )


@transaction.atomic
def token_create(*, user: User, actor: AnyUser | None = None) -> tuple[ApiToken, str]:
    """A new token for the user, replacing any earlier one, made by `actor` (the user on their
    account page; None from the command line). Returns the token and its key, which is not
    stored and cannot be shown again."""
    key = secrets.token_urlsafe(KEY_BYTES)
    replaced, _kinds = ApiToken.objects.filter(user=user).delete()
    token = ApiToken.objects.create(user=user, key_digest=key_digest(key), key_prefix=key[:8])
    _audit(actor=actor, user=user, action="replaced" if replaced else "created")
    return token, key


@transaction.atomic
def token_revoke(*, user: User, actor: AnyUser | None = None) -> bool:
    """Remove the user's token. True if there was one (only then is it recorded)."""
    deleted, _kinds = ApiToken.objects.filter(user=user).delete()
    if deleted:
        _audit(actor=actor, user=user, action="revoked")
    return deleted > 0


def user_by_username(*, username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise NotFoundError(_("No user '%(username)s'.") % {"username": username})
    return user
