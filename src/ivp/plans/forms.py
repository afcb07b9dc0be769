"""Forms of the plan editor. They only parse input; the services validate and write.

Every item form carries the `version` the item had when the form was opened (hidden), which
the service compares to refuse a stale edit. `initial_from(item)` fills a form from an item and
`to_data()` gives the dict of model fields the services take.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ivp.accounts.models import Organisation
from ivp.areas.constants import AreaKind
from ivp.areas.models import Area
from ivp.core.constants import YEAR_MAX, YEAR_MIN
from ivp.core.forms import StyledFormMixin
from ivp.stats.constants import Classification
from ivp.stats.models import CrimeType

from .constants import (
    ActionStatus,
    Direction,
    IndicatorSource,
    IndicatorUnit,
    PartnerKind,
    PlanStatus,
    TargetComparator,
)
from .models import Plan, SafetyField, Theme
from .serialization import number

LINES_HELP = _("One point per line.")


class YearField(forms.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", YEAR_MIN)
        kwargs.setdefault("max_value", YEAR_MAX)
        kwargs.setdefault("widget", forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
        super().__init__(**kwargs)


class NumberField(forms.DecimalField):
    """A number typed the Dutch way (7,5 or 1.234,5) or the international way (7.5)."""

    default_error_messages = {"invalid": _("Enter a number, e.g. 7,5.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 3)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if value in self.empty_values:
            return None
        text = str(value).strip().replace(" ", "").replace("\u00a0", "")
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        try:
            result = Decimal(text)
        except InvalidOperation as error:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from error
        if not result.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return result

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            return number(value)
        return value


class LinesField(forms.CharField):
    """A list of short texts, one per line (bullets such as "- " or "• " are dropped)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", LINES_HELP)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 4}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        lines = []
        for line in str(value or "").splitlines():
            text = line.strip().lstrip("-•*").strip()
            if text:
                lines.append(text)
        return lines

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(value)
        return value


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class EditorForm(StyledFormMixin, forms.Form):
    """Base of the editor's forms: NL Design System classes, radios and checkboxes styled,
    and `mark_invalid()` to tie each error message to its input for assistive technology."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect):
                widget.attrs["class"] = "utrecht-radio-button utrecht-radio-button--html-input"
            elif isinstance(widget, forms.CheckboxSelectMultiple):
                widget.attrs["class"] = "utrecht-checkbox utrecht-checkbox--html-input"

    def mark_invalid(self) -> None:
        for name, field in self.fields.items():
            if name in self.errors:
                bound = self[name]
                described = [f"{bound.auto_id}_errors"]
                if field.help_text:
                    described.append(f"{bound.auto_id}_helptext")
                field.widget.attrs["aria-invalid"] = "true"
                field.widget.attrs["aria-describedby"] = " ".join(described)


# -- a plan ------------------------------------------------------------------------------------


class PlanCreateForm(EditorForm):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        help_text=_("The organisation that keeps the plan (for a joint plan: the lead municipality)."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    start_year = YearField(label=_("First year"))
    end_year = YearField(label=_("Last year"))
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Municipalities"),
        queryset=Area.objects.filter(kind=AreaKind.MUNICIPALITY).order_by("name"),
        required=False,
        help_text=_(
            "Leave empty for the organisation's own municipality. Choose several for a joint plan "
            "(hold Ctrl or Cmd to select more than one)."
        ),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    with_catalogue = forms.BooleanField(
        label=_("Start from the five safety fields and themes of Kernbeleid Veiligheid"),
        required=False,
        initial=True,
    )

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations]).order_by("name")
        if len(organisations) == 1:
            field.initial = organisations[0].pk


class PlanBasicsForm(EditorForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("Title"), max_length=200)
    start_year = YearField(label=_("First year"))
    end_year = YearField(label=_("Last year"))
    vision = forms.CharField(
        label=_("Vision"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The plan's vision and ambition in a few paragraphs."),
    )  # fmt: skip
    budget_notes = forms.CharField(
        label=_("Budget"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("How the plan is paid for: existing budget, new costs for priorities, requests."),
    )  # fmt: skip

    model_fields: ClassVar[tuple[str, ...]] = ("title", "start_year", "end_year", "vision", "budget_notes")

    @classmethod
    def initial_from(cls, plan: Plan) -> dict[str, Any]:
        return {name: getattr(plan, name) for name in cls.model_fields} | {"version": plan.version}

    def to_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.model_fields}


class PlanStatusForm(EditorForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Status"), choices=PlanStatus.choices, widget=forms.RadioSelect)
    adopted_on = forms.DateField(
        label=_("Adopted on"), required=False, widget=DateInput(),
        help_text=_("Needed when the plan is adopted."),
    )  # fmt: skip
    adopted_by = forms.CharField(
        label=_("Adopted by"), required=False, max_length=200,
        help_text=_("The body that adopted it, e.g. the council."),
    )  # fmt: skip


# -- items of a plan -------------------------------------------------------------------------


class ItemForm(EditorForm):
    """A form for one kind of plan item; `model_fields` map one-to-one to the model's fields."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    position = forms.IntegerField(
        label=_("Order"), min_value=0, max_value=999, required=False,
        help_text=_("Lower numbers come first."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )  # fmt: skip

    model_fields: ClassVar[tuple[str, ...]] = ()
    many_fields: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan

    @classmethod
    def initial_from(cls, item: models.Model) -> dict[str, Any]:
        initial = {name: getattr(item, name) for name in cls.model_fields}
        for name in cls.many_fields:
            initial[name] = list(getattr(item, name).all())
        return initial | {"version": getattr(item, "version", None), "position": getattr(item, "position", 0)}

    def to_data(self) -> dict[str, Any]:
        names = [n for n in (*self.model_fields, *self.many_fields) if n in self.fields]
        data = {name: self.cleaned_data[name] for name in names}
        data["position"] = self.cleaned_data.get("position") or 0
        return data

    def _plan_municipality_field(self, name: str, empty_label: Any) -> None:
        """Offer the plan's municipalities in a joint plan; drop the field otherwise."""
        areas = Area.objects.filter(plan_links__plan=self.plan).order_by("plan_links__position", "name")
        if areas.count() > 1:
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = areas
            field.empty_label = str(empty_label)
        else:
            del self.fields[name]

    def _plan_themes(self, name: str) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField | forms.ModelMultipleChoiceField)
        field.queryset = Theme.objects.filter(plan=self.plan).order_by("code")


class SafetyFieldForm(ItemForm):
    code = forms.CharField(label=_("Code"), max_length=16, help_text=_("E.g. 6."))
    name = forms.CharField(label=_("Name"), max_length=200)

    model_fields = ("code", "name")


class ThemeForm(ItemForm):
    field = forms.ModelChoiceField(label=_("Safety field"), queryset=SafetyField.objects.none())
    code = forms.CharField(label=_("Code"), max_length=16, help_text=_("E.g. 5.6."))
    name = forms.CharField(label=_("Name"), max_length=200)
    is_priority = forms.BooleanField(
        label=_("This theme is a priority of the plan"), required=False,
        help_text=_("A priority gets extra attention in the plan period; usually three to five themes."),
    )  # fmt: skip
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Area.objects.none(), required=False,
        help_text=_("In a joint plan: the municipality whose local spearhead this is. Empty: shared."),
    )  # fmt: skip
    problem = LinesField(
        label=_("Problem"), help_text=_("What is wrong, in a few points. One point per line.")
    )
    approach_basis = LinesField(
        label=_("Approach: basis"), help_text=_("What continues. One point per line.")
    )
    approach_focus = LinesField(
        label=_("Approach: focus"), help_text=_("What is intensified. One point per line.")
    )
    related_policy = LinesField(label=_("Related policy"))
    goals = LinesField(label=_("Goals"))
    council_input_on = forms.DateField(label=_("Council input on"), required=False, widget=DateInput())
    council_input = forms.CharField(
        label=_("Council input"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The accents the council gave in its consultation."),
    )  # fmt: skip

    model_fields = (
        "field", "code", "name", "is_priority", "municipality", "problem", "approach_basis",
        "approach_focus", "related_policy", "goals", "council_input_on", "council_input",
    )  # fmt: skip

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, plan=plan, **kwargs)
        field = self.fields["field"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = SafetyField.objects.filter(plan=plan)
        self._plan_municipality_field("municipality", _("Shared by all municipalities"))


class PartnerForm(ItemForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=PartnerKind.choices, widget=forms.RadioSelect)
    role = forms.CharField(label=_("Role"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    model_fields = ("name", "kind", "role")


class PortfolioHolderForm(ItemForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    office = forms.CharField(
        label=_("Office"), max_length=200, help_text=_("E.g. mayor, alderman for youth.")
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"), queryset=Theme.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    model_fields = ("name", "office")
    many_fields = ("themes",)

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, plan=plan, **kwargs)
        self._plan_themes("themes")


def police_crime_type_choices() -> list[tuple[str, str]]:
    """The police crime types (politie classification) an indicator can follow."""
    rows = CrimeType.objects.filter(classification=Classification.POLITIE).order_by("sort_order", "code")
    return [("", str(_("Not linked")))] + [(c.code, f"{c.code} {c.title}") for c in rows]


class IndicatorForm(ItemForm):
    code = forms.CharField(
        label=_("Code"), max_length=16, help_text=_("A short code, unique in the plan, e.g. I4.")
    )
    name = forms.CharField(label=_("Name"), max_length=300)
    theme = forms.ModelChoiceField(label=_("Theme"), queryset=Theme.objects.none(), required=False)
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Area.objects.none(), required=False
    )
    source = forms.ChoiceField(label=_("Source"), choices=IndicatorSource.choices)
    source_detail = forms.CharField(
        label=_("Source detail"), required=False, max_length=300,
        help_text=_("E.g. resident panel, Zorg- en Veiligheidshuis."),
    )  # fmt: skip
    unit = forms.ChoiceField(label=_("Unit"), choices=IndicatorUnit.choices)
    baseline_value = NumberField(label=_("Baseline value"), required=False)
    baseline_year = YearField(label=_("Baseline year"), required=False)
    target_comparator = forms.ChoiceField(
        label=_("Target"), required=False,
        choices=[("", _("No target")), *TargetComparator.choices],
    )  # fmt: skip
    target_value = NumberField(
        label=_("Target value"), required=False,
        help_text=_("The value to reach, or for 'reduce by %' the percentage."),
    )  # fmt: skip
    target_year = YearField(
        label=_("Target year"), required=False, help_text=_("Default: the plan's last year.")
    )
    direction = forms.ChoiceField(label=_("Good direction"), choices=Direction.choices)
    stats_crime_code = forms.ChoiceField(
        label=_("Linked police crime type"), required=False, choices=[],
        help_text=_(
            "Only for source police: the indicator then follows the registered crimes of this type "
            "in the plan's municipality, and no values are entered by hand."
        ),
    )  # fmt: skip
    stats_per_1000 = forms.BooleanField(label=_("Per 1,000 inhabitants"), required=False)

    model_fields = (
        "code", "name", "theme", "municipality", "source", "source_detail", "unit", "baseline_value",
        "baseline_year", "target_comparator", "target_value", "target_year", "direction",
        "stats_crime_code", "stats_per_1000",
    )  # fmt: skip

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, plan=plan, **kwargs)
        self._plan_themes("theme")
        self._plan_municipality_field("municipality", _("All municipalities together"))
        crime = self.fields["stats_crime_code"]
        assert isinstance(crime, forms.ChoiceField)
        crime.choices = police_crime_type_choices()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("target_value") is not None and not cleaned.get("target_comparator"):
            self.add_error(
                "target_comparator",
                _("Choose what the target value means: at most, at least or reduce by %."),
            )
        return cleaned

    def to_data(self) -> dict[str, Any]:
        data = super().to_data()
        if not data.get("target_comparator"):
            data |= {"target_comparator": "", "target_value": None, "target_year": None}
        return data


class IndicatorValueForm(EditorForm):
    year = YearField(label=_("Year"))
    value = NumberField(label=_("Value"))
    measured_on = forms.DateField(label=_("Measured on"), required=False, widget=DateInput())
    source = forms.CharField(label=_("Source"), max_length=300, help_text=_("E.g. resident panel 2025."))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ActionForm(ItemForm):
    year = YearField(label=_("Year"))
    theme = forms.ModelChoiceField(label=_("Theme"), queryset=Theme.objects.none(), required=False)
    title = forms.CharField(label=_("Action"), max_length=300)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    lead_party = forms.CharField(label=_("Lead party"), max_length=200)
    partners = forms.CharField(label=_("Partners"), required=False, max_length=500)
    timing = forms.CharField(label=_("Timing"), required=False, max_length=200, help_text=_("E.g. Q2 2025."))
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)

    model_fields = ("year", "theme", "title", "description", "lead_party", "partners", "timing", "status")

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, plan=plan, **kwargs)
        self._plan_themes("theme")
