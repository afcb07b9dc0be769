"""Forms of the report editor: they only parse; the services validate and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .constants import SectionKind


class SectionForm(forms.Form):
    kind = forms.ChoiceField(choices=SectionKind.choices, widget=forms.HiddenInput)
    theme = forms.IntegerField(required=False, widget=forms.HiddenInput)
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    text = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 5}))


class ExplanationForm(forms.Form):
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    text = forms.CharField(label=_("Explanation"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class VersionForm(forms.Form):
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
