from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ivp.accounts.models import Organisation
from ivp.core.forms import StyledFormMixin

from .constants import AreaKind
from .models import Area


class GroupForm(StyledFormMixin, forms.Form):
    """Parses input for a user-defined group; the service validates and writes it."""

    owner = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        help_text=_("The organisation that maintains this group."),
    )
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    members = forms.ModelMultipleChoiceField(
        label=_("Municipalities"),
        queryset=Area.objects.filter(kind=AreaKind.MUNICIPALITY).order_by("name"),
        help_text=_("Choose one or more municipalities. Hold Ctrl (or Cmd) to select several."),
        widget=forms.SelectMultiple(attrs={"size": 12}),
    )

    def __init__(self, *args: Any, owners: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner_field = self.fields["owner"]
        assert isinstance(owner_field, forms.ModelChoiceField)
        owner_field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in owners]).order_by("name")
        if len(owners) == 1:
            owner_field.initial = owners[0].pk
