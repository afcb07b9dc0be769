"""Forms of the funding pages: they only parse; the services validate and write."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ivp.networks.models import NetworkPartner

from .constants import RATE_DECIMALS
from .models import FundingScheme

TEXTBOX = "utrecht-textbox utrecht-textbox--html-input"
TEXTAREA = "utrecht-textarea utrecht-textarea--html-textarea"


class EuroField(forms.DecimalField):
    """A decimal as people type it: "150.000,50", "150000.50", "€ 0,07" (a comma is the decimal
    separator when there is one; dots before it group thousands)."""

    def __init__(self, *args: Any, grouping_dots: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.grouping_dots = grouping_dots  # amounts in cents: "150.000" is 150000, not 150

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = value.replace("€", "").replace(" ", "").replace("\u00a0", "").strip()
            if "," in value:
                value = value.replace(".", "").replace(",", ".")
            elif self.grouping_dots and re.fullmatch(r"\d{1,3}(\.\d{3})+", value):
                value = value.replace(".", "")
        parsed: Decimal | None = super().to_python(value)
        return parsed

    def prepare_value(self, value: Any) -> Any:
        """A stored Decimal as Dutch users write it: 0.0700 -> "0,07", 150000.00 -> "150000"."""
        if isinstance(value, Decimal) and value.is_finite():
            return format(value.normalize(), "f").replace(".", ",")
        return value


def _rate_field() -> forms.DecimalField:
    return EuroField(
        label=_("Contribution per inhabitant (EUR)"),
        max_digits=8,
        decimal_places=RATE_DECIMALS,
        min_value=Decimal("0.0001"),
        help_text=_("For example 0,07 for seven cents per inhabitant per year."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


class SchemeForm(forms.Form):
    rate_eur = _rate_field()
    population_year = forms.TypedChoiceField(label=_("Reference year of the population"), coerce=int)
    first_year = forms.IntegerField(label=_("First year"), min_value=1900, max_value=2200)
    last_year = forms.IntegerField(label=_("Last year"), min_value=1900, max_value=2200)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, year_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["population_year"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = year_choices
        for name in ("rate_eur", "first_year", "last_year"):
            self.fields[name].widget.attrs["class"] = "utrecht-textbox utrecht-textbox--html-input"
        self.fields["population_year"].widget.attrs["class"] = "utrecht-select utrecht-select--html-select"
        self.fields["notes"].widget.attrs["class"] = "utrecht-textarea utrecht-textarea--html-textarea"


class ScenarioForm(forms.Form):
    name = forms.CharField(label=_("Name of the scenario"), max_length=120)
    rate_eur = _rate_field()
    population_year = forms.TypedChoiceField(label=_("Reference year of the population"), coerce=int)

    def __init__(self, *args: Any, year_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "scenario")
        super().__init__(*args, **kwargs)
        field = self.fields["population_year"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = year_choices
        self.fields["name"].widget.attrs["class"] = "utrecht-textbox utrecht-textbox--html-input"
        self.fields["rate_eur"].widget.attrs["class"] = "utrecht-textbox utrecht-textbox--html-input"
        self.fields["population_year"].widget.attrs["class"] = "utrecht-select utrecht-select--html-select"


def _amount_field(label: str) -> forms.DecimalField:
    return EuroField(
        grouping_dots=True, label=label, max_digits=12, decimal_places=2, min_value=Decimal(0),
        required=False,
        widget=forms.TextInput(attrs={"class": f"{TEXTBOX} ivp-funding-amount", "inputmode": "decimal"}),
    )  # fmt: skip


class BudgetForm(forms.Form):
    """Per line: its name, a delete box and the planned amount per year; plus one new line."""

    def __init__(self, *args: Any, scheme: FundingScheme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scheme = scheme
        self.years = list(range(scheme.first_year, scheme.last_year + 1))
        self.lines = list(scheme.budget_lines.prefetch_related("amounts"))
        for line in self.lines:
            amounts = {a.year: a.amount_eur for a in line.amounts.all()}
            self.fields[f"name_{line.pk}"] = forms.CharField(
                label=_("Name of budget line"), max_length=120, initial=line.name,
                widget=forms.TextInput(attrs={"class": "utrecht-textbox utrecht-textbox--html-input"}),
            )  # fmt: skip
            self.fields[f"delete_{line.pk}"] = forms.BooleanField(label=_("Delete"), required=False)
            for year in self.years:
                field = _amount_field(f"{line.name} {year}")
                field.initial = amounts.get(year)
                self.fields[f"amount_{line.pk}_{year}"] = field
        self.fields["new_line"] = forms.CharField(
            label=_("New budget line"), max_length=120, required=False,
            widget=forms.TextInput(attrs={"class": "utrecht-textbox utrecht-textbox--html-input"}),
        )  # fmt: skip

    def grid(self) -> list[dict[str, Any]]:
        return [
            {
                "line": line,
                "name": self[f"name_{line.pk}"],
                "delete": self[f"delete_{line.pk}"],
                "amounts": [self[f"amount_{line.pk}_{year}"] for year in self.years],
            }
            for line in self.lines
        ]

    def parsed(self) -> tuple[dict[int, str], dict[tuple[int, int], Decimal], set[int], str]:
        data = self.cleaned_data
        names = {line.pk: data[f"name_{line.pk}"] for line in self.lines}
        amounts = {
            (line.pk, year): data[f"amount_{line.pk}_{year}"] or Decimal("0.00")
            for line in self.lines
            for year in self.years
        }
        delete = {line.pk for line in self.lines if data[f"delete_{line.pk}"]}
        return names, amounts, delete, data["new_line"]


class InKindForm(forms.Form):
    """Per partner of the network: staff in fte, facilities and a description."""

    def __init__(self, *args: Any, scheme: FundingScheme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.partners = list(
            NetworkPartner.objects.filter(network=scheme.network).select_related("organisation")
        )
        current = {c.partner_id: c for c in scheme.in_kind.all()}
        for partner in self.partners:
            given = current.get(partner.pk)
            self.fields[f"fte_{partner.pk}"] = EuroField(
                label=_("Staff (fte)"), max_digits=5, decimal_places=2, min_value=Decimal(0),
                required=False, initial=given.fte if given else None,
                widget=forms.TextInput(attrs={"class": TEXTBOX, "inputmode": "decimal"}),
            )  # fmt: skip
            self.fields[f"facilities_{partner.pk}"] = forms.CharField(
                label=_("Facilities"), required=False, initial=given.facilities if given else "",
                widget=forms.Textarea(attrs={"rows": 2, "class": TEXTAREA}),
            )  # fmt: skip
            self.fields[f"description_{partner.pk}"] = forms.CharField(
                label=_("Description"), required=False, initial=given.description if given else "",
                widget=forms.Textarea(attrs={"rows": 2, "class": TEXTAREA}),
            )  # fmt: skip

    def groups(self) -> list[dict[str, Any]]:
        return [
            {
                "partner": partner,
                "fields": [self[f"{kind}_{partner.pk}"] for kind in ("fte", "facilities", "description")],
            }
            for partner in self.partners
        ]

    def parsed(self) -> list[tuple[NetworkPartner, Decimal, str, str]]:
        data = self.cleaned_data
        return [
            (p, data[f"fte_{p.pk}"] or Decimal(0), data[f"facilities_{p.pk}"], data[f"description_{p.pk}"])
            for p in self.partners
        ]
