"""Forms of the network pages: they only parse; the services check access and validate."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ivp.core.forms import StyledFormMixin
from ivp.core.uploads import UploadValidator

from .constants import MilestoneStatus, Recurrence
from .models import (
    CatalogueTheme,
    ConceptPriority,
    ExpertTeam,
    Milestone,
    Network,
    NetworkPartner,
    PriorityRound,
)

DATE = forms.DateInput(attrs={"type": "date"})


def _organisation_name(partner: NetworkPartner) -> str:
    return partner.organisation.name


class NetworkForm(StyledFormMixin, forms.Form):
    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.network = network
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                model = field.queryset.model  # type: ignore[union-attr]
                if model is CatalogueTheme:
                    field.queryset = network.catalogue.all()
                elif model is Milestone:
                    field.queryset = network.milestones.all()
                elif model is ExpertTeam:
                    field.queryset = network.expert_teams.filter(status="active")
                elif model is NetworkPartner:
                    field.queryset = network.partners.select_related("organisation")
                    field.label_from_instance = _organisation_name  # type: ignore[method-assign,assignment]


class RoundForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Title of the round"), max_length=200)


class SteeringMemberForm(NetworkForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    office = forms.CharField(label=_("Office"), max_length=200)
    district = forms.CharField(label=_("District"), max_length=120, required=False)
    is_chair = forms.BooleanField(label=_("Chair"), required=False)
    portfolio = forms.ModelChoiceField(
        CatalogueTheme.objects.none(), label=_("Theme portfolio"), required=False
    )


class ExpertTeamForm(NetworkForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    theme = forms.ModelChoiceField(CatalogueTheme.objects.none(), label=_("Theme"))
    task = forms.CharField(label=_("Task"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    started_on = forms.DateField(label=_("Started on"), widget=DATE)


class ExpertTeamMemberForm(NetworkForm):
    team = forms.ModelChoiceField(ExpertTeam.objects.none(), label=_("Expert team"))
    name = forms.CharField(label=_("Name"), max_length=200)
    organisation_name = forms.CharField(label=_("Organisation"), max_length=200)
    role = forms.CharField(label=_("Role"), max_length=200, required=False)


class DissolveForm(NetworkForm):
    team = forms.ModelChoiceField(ExpertTeam.objects.none(), label=_("Expert team"))
    dissolved_on = forms.DateField(label=_("Dissolved on"), widget=DATE)
    final_report = forms.CharField(label=_("Final report"), widget=forms.Textarea(attrs={"rows": 3}))


class WorkingGroupMemberForm(NetworkForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    organisation_name = forms.CharField(label=_("Organisation"), max_length=200)
    role = forms.CharField(label=_("Role"), max_length=200, required=False)


class MilestoneForm(NetworkForm):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_on = forms.DateField(label=_("Date"), widget=DATE)
    status = forms.ChoiceField(label=_("Status"), choices=MilestoneStatus.choices)


class MilestoneStatusForm(NetworkForm):
    milestone = forms.ModelChoiceField(Milestone.objects.none(), label=_("Milestone"))
    status = forms.ChoiceField(label=_("New status"), choices=MilestoneStatus.choices)


class ActivityForm(NetworkForm):
    title = forms.CharField(label=_("Activity"), max_length=200)
    starts_on = forms.DateField(label=_("First date"), widget=DATE)
    recurrence = forms.ChoiceField(label=_("Recurs"), choices=Recurrence.choices, initial=Recurrence.YEARLY)
    location = forms.CharField(label=_("Location"), max_length=200, required=False)


GOVERNANCE_FORMS: dict[str, type[NetworkForm]] = {
    "steering": SteeringMemberForm,
    "team": ExpertTeamForm,
    "team_member": ExpertTeamMemberForm,
    "dissolve": DissolveForm,
    "working": WorkingGroupMemberForm,
    "milestone": MilestoneForm,
    "milestone_status": MilestoneStatusForm,
    "activity": ActivityForm,
}


class InputForm(NetworkForm):
    area = forms.ChoiceField(label=_("Municipality"))
    theme = forms.ModelChoiceField(CatalogueTheme.objects.none(), label=_("Theme"))
    remark = forms.CharField(label=_("Explanation"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, areas: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = areas  # type: ignore[attr-defined]


class UploadForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label=_("File with local priorities (CSV or XLSX)"),
        validators=[UploadValidator(kinds=["csv", "xlsx"])],
        help_text=_("Columns gemeente_code;thema;toelichting. Download the template below."),
    )


class PartnerInputForm(NetworkForm):
    partner = forms.ModelChoiceField(NetworkPartner.objects.none(), label=_("Partner"))
    name = forms.CharField(label=_("Input (e.g. a phenomenon or policy point)"), max_length=300)
    theme = forms.ModelChoiceField(CatalogueTheme.objects.none(), label=_("Theme"))


class MapForm(NetworkForm):
    theme = forms.ModelChoiceField(CatalogueTheme.objects.none(), label=_("Catalogue theme"))


class AdjustmentForm(NetworkForm):
    concept = forms.ModelChoiceField(
        ConceptPriority.objects.none(), label=_("Concept priority"), required=False
    )
    text = forms.CharField(label=_("Adjustment"), widget=forms.Textarea(attrs={"rows": 2}))
    final_name = forms.CharField(label=_("New wording"), max_length=300, required=False)
    drop = forms.BooleanField(label=_("Drop this priority"), required=False)

    def __init__(self, *args: Any, round: PriorityRound, **kwargs: Any) -> None:
        super().__init__(*args, network=round.network, **kwargs)
        self.fields["concept"].queryset = round.concepts.select_related("theme")  # type: ignore[attr-defined]


class FinaliseForm(StyledFormMixin, forms.Form):
    adopted_on = forms.DateField(label=_("Adopted on"), widget=DATE)
