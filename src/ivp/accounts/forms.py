"""Forms of the account pages. They only parse; the services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ivp.core.forms import StyledFormMixin


class TokenConfirmForm(StyledFormMixin, forms.Form):
    """Replacing or revoking an API token stops the current one at once: a deliberate tick."""

    confirm = forms.BooleanField(
        label=_("Yes, the current token stops working"),
        error_messages={
            "required": _("Tick the box to confirm that the current token may stop working."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self["confirm"]
        if self.is_bound and self.errors:  # tie the message to the box for assistive technology
            self.fields["confirm"].widget.attrs.update(
                {"aria-invalid": "true", "aria-describedby": f"{field.auto_id}_errors"}
            )
