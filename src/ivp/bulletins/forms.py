from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ivp.areas.models import Area


class MunicipalityChoiceField(forms.ModelChoiceField[Area]):
    def label_from_instance(self, obj: Area) -> str:
        return obj.name


class SubscriberForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(
            attrs={"class": "utrecht-textbox utrecht-textbox--html-input", "autocomplete": "off"}
        ),
    )
    area = MunicipalityChoiceField(
        label=_("Municipality"),
        queryset=Area.objects.none(),
        widget=forms.Select(attrs={"class": "utrecht-select utrecht-select--html-select"}),
    )

    def __init__(self, *args: Any, areas: list[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["area"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Area.objects.filter(pk__in=[a.pk for a in areas]).order_by("name")
        if len(areas) == 1:
            field.initial = areas[0].pk
