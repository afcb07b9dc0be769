"""Parsing of the explorer's query string into a `Selection`; never more than parsing.

Every problem is reported on the field it belongs to, in words a user can act on; a bad query
string gives the page with messages, never a server error.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ivp.areas.selectors import area_get
from ivp.core.errors import NotFoundError
from ivp.stats.constants import Classification
from ivp.stats.periods import Grain, PeriodError, enumerate_periods, parse_bound
from ivp.stats.selectors import crime_types_get

from .constants import (
    MAX_AREAS,
    MAX_CRIME_TYPES,
    MAX_ROWS,
    SAVED_VIEW_NAME_MAX,
    YEAR_ON_YEAR,
    ChartKind,
    Measure,
)
from .selection import Selection

_SPLIT = re.compile(r"[,;\n]+")
# The classifications the explorer offers (nuisance types are another measure).
CLASSIFICATIONS = (Classification.POLITIE, Classification.CBS)
GRAIN_CHOICES = [
    (Grain.MONTH.value, gettext_lazy("Month")),
    (Grain.QUARTER.value, gettext_lazy("Quarter")),
    (Grain.YEAR.value, gettext_lazy("Year")),
]


def split_texts(value: Any) -> list[str]:
    """Repeated parameters (`area=GM0363&area=RE05`), each maybe a comma-separated list: the
    non-empty items, each once, in order."""
    values = value if isinstance(value, list | tuple) else ([value] if value else [])
    items = [part.strip() for text in values for part in _SPLIT.split(str(text))]
    return list(dict.fromkeys(item for item in items if item))


class TextListField(forms.Field):
    """Repeated parameters; each may also hold a comma-separated list."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[str]:
        return split_texts(value)


class ExplorerForm(forms.Form):
    """The explorer's state. Bound to `request.GET`; `selection` is set when the form is valid."""

    area = TextListField(label=gettext_lazy("Areas"))
    crime = TextListField(label=gettext_lazy("Crime types"))
    period_from = forms.CharField(label=gettext_lazy("From"), max_length=7)
    period_to = forms.CharField(label=gettext_lazy("To"), max_length=7)
    grain = forms.ChoiceField(label=gettext_lazy("Per"), choices=GRAIN_CHOICES)
    measure = forms.ChoiceField(label=gettext_lazy("Measure"), choices=Measure.choices)
    chart = forms.ChoiceField(label=gettext_lazy("Chart"), choices=ChartKind.choices, required=False)

    # The names in the query string (`from` and `to` are Python keywords).
    HTML_NAMES = {"period_from": "from", "period_to": "to"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.selection: Selection | None = None
        self.fields["area"].error_messages["required"] = gettext_lazy("Choose at least one area.")
        self.fields["crime"].error_messages["required"] = gettext_lazy("Choose at least one crime type.")

    def add_prefix(self, field_name: str) -> str:
        return self.HTML_NAMES.get(field_name, field_name)

    @staticmethod
    def _resolve(texts: list[str], limit: int, too_many: str, get: Callable[[str], Any]) -> list[Any]:
        """Look up every text with `get`; all problems (and too many texts) in one error."""
        if len(texts) > limit:
            raise forms.ValidationError(too_many % {"max": limit, "count": len(texts)})
        found, problems = [], []
        for text in texts:
            try:
                found.append(get(text))
            except (NotFoundError, forms.ValidationError) as exc:
                problems.append(exc.message if isinstance(exc, forms.ValidationError) else str(exc))
        if problems:
            raise forms.ValidationError(problems)
        return found

    def clean_area(self) -> list[Any]:
        too_many = _("Choose at most %(max)d areas (you chose %(count)d).")
        areas = self._resolve(
            self.cleaned_data["area"], MAX_AREAS, too_many, lambda t: area_get(code_or_name=t)
        )
        return list({a.code: a for a in areas}.values())

    def clean_crime(self) -> list[Any]:
        def crime_get(code: str) -> Any:
            crime = crime_types_get(codes=[code])[0]
            if crime.classification not in CLASSIFICATIONS:
                raise forms.ValidationError(_("'%(code)s' is not a crime type.") % {"code": code})
            return crime

        too_many = _("Choose at most %(max)d crime types (you chose %(count)d).")
        return self._resolve(self.cleaned_data["crime"], MAX_CRIME_TYPES, too_many, crime_get)

    def _bound(self, name: str, *, end: bool) -> Any:
        text = self.cleaned_data[name]
        try:
            return parse_bound(text, end=end)
        except PeriodError:
            raise forms.ValidationError(
                _("'%(text)s' is not a year or a year and month; write for example 2019 or 2019-03.")
                % {"text": text}
            ) from None

    def clean_period_from(self) -> Any:
        return self._bound("period_from", end=False)

    def clean_period_to(self) -> Any:
        return self._bound("period_to", end=True)

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        first, last, grain = data.get("period_from"), data.get("period_to"), data.get("grain")
        if first is None or last is None or grain is None:
            return data
        if first > last:
            self.add_error("period_to", _("The end lies before the start."))
            return data
        periods = enumerate_periods(first, last, Grain(grain))
        if not periods:
            self.add_error(
                "period_to", _("The chosen period holds no whole %(grain)s.") % {"grain": _grain_name(grain)}
            )
            return data
        areas, crimes = data.get("area"), data.get("crime")
        if not areas or not crimes or self.errors:
            return data
        rows = len(areas) * len(crimes) * len(periods)
        if rows > MAX_ROWS:
            raise forms.ValidationError(
                _(
                    "This selection gives %(rows)d rows; the explorer shows at most %(max)d. Choose fewer "
                    "areas or crime types, a shorter period or a coarser grain."
                )
                % {"rows": rows, "max": MAX_ROWS}
            )
        measure = Measure(data["measure"])
        if measure in YEAR_ON_YEAR and first.year <= 1800:
            self.add_error("period_from", _("A change on a year earlier needs a later start."))
            return data
        self.selection = Selection(
            areas=tuple(areas),
            crimes=tuple(crimes),
            first=first,
            last=last,
            grain=Grain(grain),
            measure=measure,
            chart=ChartKind(data.get("chart") or ChartKind.LINE),
        )
        return data

    def error_list(self) -> list[tuple[str, str, str]]:
        """(field id, field label, message) for every problem, for the summary at the top."""
        result = []
        for name, errors in self.errors.items():
            field = self.fields.get(name)
            label = str(field.label) if field else ""
            anchor = f"id_{self.add_prefix(name)}" if field else ""
            result += [(anchor, label, str(message)) for message in errors]
        return result


def _grain_name(grain: str) -> str:
    return {Grain.MONTH: _("month"), Grain.QUARTER: _("quarter"), Grain.YEAR: _("year")}[Grain(grain)]


class SavedViewForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name of the view"), max_length=100)
    query = forms.CharField(widget=forms.HiddenInput, max_length=4000)


class SavedViewRenameForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name of the view"), max_length=SAVED_VIEW_NAME_MAX)
