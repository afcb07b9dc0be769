"""The account page: the user's organisations and roles, and their API token.

An API token lets a script use the REST API as the user (`ivp.api`): it may do exactly what the
user may do. The key is shown once, in the reply to the POST that made it (never stored, never
put in a redirect, the session or a message), with `Cache-Control: no-store`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ivp.api.selectors import token_for
from ivp.api.services import token_create, token_revoke

from .forms import TokenConfirmForm
from .models import User
from .selectors import membership_list_for

REPLACE, REVOKE = "replace", "revoke"


def _profile(
    request: HttpRequest,
    *,
    new_key: str | None = None,
    replace_form: TokenConfirmForm | None = None,
    revoke_form: TokenConfirmForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "memberships": membership_list_for(user=request.user),
        "token": token_for(user=request.user),
        "new_key": new_key,
        "replace_form": replace_form or TokenConfirmForm(prefix=REPLACE),
        "revoke_form": revoke_form or TokenConfirmForm(prefix=REVOKE),
    }
    response = render(request, "accounts/profile.html", context, status=status)
    if new_key is not None:
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def profile(request: HttpRequest) -> HttpResponse:
    return _profile(request)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # login_required
    return request.user


@login_required
@require_POST
def token_create_view(request: HttpRequest) -> HttpResponse:
    """Make a token, or replace the current one (after a tick): the key is shown this once."""
    user = _user(request)
    if token_for(user=user) is not None:
        form = TokenConfirmForm(request.POST, prefix=REPLACE)
        if not form.is_valid():
            return _profile(request, replace_form=form, status=400)
    _token, key = token_create(user=user, actor=user)
    return _profile(request, new_key=key)


@login_required
@require_POST
def token_revoke_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = TokenConfirmForm(request.POST, prefix=REVOKE)
    if token_for(user=user) is not None and not form.is_valid():
        return _profile(request, revoke_form=form, status=400)
    if token_revoke(user=user, actor=user):
        messages.success(
            request, _("Your API token was revoked: scripts that use it are refused from now on.")
        )
    else:
        messages.info(request, _("You had no API token."))
    return redirect("accounts:profile")
