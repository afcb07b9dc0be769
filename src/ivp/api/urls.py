from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from . import views, views_networks, views_plan_items, views_reports, views_veiligheidsbeeld
from . import views_funding as funding
from . import views_governance as governance
from . import views_rounds as rounds

app_name = "api"
urlpatterns = [
    path("v1/areas", views.AreaList.as_view(), name="area-list"),
    path("v1/areas/<str:code>", views.AreaDetail.as_view(), name="area-detail"),
    path("v1/figures", views.Figures.as_view(), name="figures"),
    path("v1/crime-types", views.CrimeTypeList.as_view(), name="crime-type-list"),
    path("v1/store", views.StoreStatus.as_view(), name="store-status"),
    path(
        "v1/veiligheidsbeeld/<str:code>",
        views_veiligheidsbeeld.Veiligheidsbeeld.as_view(),
        name="veiligheidsbeeld",
    ),
    path("v1/plans", views.PlanList.as_view(), name="plan-list"),
    path("v1/plans/<int:pk>", views.PlanDetail.as_view(), name="plan-detail"),
    path(
        "v1/plans/<int:pk>/safety-fields", views_plan_items.SafetyFieldList.as_view(), name="plan-field-list"
    ),
    path("v1/plans/<int:pk>/themes", views_plan_items.ThemeList.as_view(), name="plan-theme-list"),
    path("v1/plans/<int:pk>/partners", views_plan_items.PartnerList.as_view(), name="plan-partner-list"),
    path(
        "v1/plans/<int:pk>/portfolio-holders",
        views_plan_items.PortfolioHolderList.as_view(),
        name="plan-holder-list",
    ),
    path(
        "v1/plans/<int:pk>/indicators", views_plan_items.IndicatorList.as_view(), name="plan-indicator-list"
    ),
    path("v1/plans/<int:pk>/actions", views_plan_items.ActionList.as_view(), name="plan-action-list"),
    path("v1/plans/<int:pk>/reports", views_reports.ReportYearList.as_view(), name="plan-report-list"),
    path(
        "v1/plans/<int:pk>/reports/<int:year>",
        views_reports.AnnualReportDetail.as_view(),
        name="plan-annual-report",
    ),
    path(
        "v1/plans/<int:pk>/reports/<int:year>/narratives/<str:section>",
        views_reports.ReportNarrative.as_view(),
        name="plan-report-narrative",
    ),
    path(
        "v1/plans/<int:pk>/reports/<int:year>/priority-narratives/<int:theme_id>",
        views_reports.ReportPriorityNarrative.as_view(),
        name="plan-report-priority-narrative",
    ),
    path(
        "v1/plans/<int:pk>/reports/<int:year>/explanations/<int:indicator_id>",
        views_reports.ReportExplanation.as_view(),
        name="plan-report-explanation",
    ),
    path(
        "v1/safety-fields/<int:pk>", views_plan_items.SafetyFieldDetail.as_view(), name="safety-field-detail"
    ),
    path("v1/themes/<int:pk>", views_plan_items.ThemeDetail.as_view(), name="theme-detail"),
    path("v1/partners/<int:pk>", views_plan_items.PartnerDetail.as_view(), name="partner-detail"),
    path(
        "v1/portfolio-holders/<int:pk>",
        views_plan_items.PortfolioHolderDetail.as_view(),
        name="portfolio-holder-detail",
    ),
    path("v1/indicators/<int:pk>", views_plan_items.IndicatorDetail.as_view(), name="indicator-detail"),
    path("v1/indicators/<int:pk>/values", views.IndicatorValueList.as_view(), name="indicator-value-list"),
    path("v1/actions/<int:pk>", views_plan_items.ActionDetail.as_view(), name="action-detail"),
    path("v1/networks", views_networks.NetworkList.as_view(), name="network-list"),
    path("v1/networks/<int:pk>", views_networks.NetworkDetail.as_view(), name="network-detail"),
    path("v1/networks/<int:pk>/funding", views_networks.NetworkFunding.as_view(), name="network-funding"),
    path("v1/rounds/<int:pk>", views_networks.RoundDetail.as_view(), name="round-detail"),
    path("v1/rounds/<int:pk>/inputs", views_networks.RoundInputList.as_view(), name="round-input-list"),
    # Networks: the round's decisions, governance and funding (writes of the coordinators).
    path("v1/networks/<int:pk>/rounds", rounds.NetworkRoundList.as_view(), name="network-round-list"),
    path("v1/rounds/<int:pk>/criteria", rounds.RoundCriteria.as_view(), name="round-criteria"),
    path("v1/rounds/<int:pk>/scores", rounds.RoundScores.as_view(), name="round-scores"),
    path("v1/rounds/<int:pk>/selection", rounds.RoundSelection.as_view(), name="round-selection"),
    path("v1/rounds/<int:pk>/positions", rounds.RoundPositions.as_view(), name="round-positions"),
    path("v1/rounds/<int:pk>/adjustments", rounds.RoundAdjustments.as_view(), name="round-adjustments"),
    path("v1/rounds/<int:pk>/strategy", rounds.RoundStrategy.as_view(), name="round-strategy"),
    path("v1/rounds/<int:pk>/status", rounds.RoundStatusChange.as_view(), name="round-status"),
    path(
        "v1/rounds/<int:pk>/partner-inputs",
        rounds.RoundPartnerInputList.as_view(),
        name="round-partner-inputs",
    ),
    path("v1/inputs/<int:pk>", rounds.RoundInputDetail.as_view(), name="round-input-detail"),
    path(
        "v1/networks/<int:pk>/steering-members",
        governance.SteeringMemberList.as_view(),
        name="network-steering-members",
    ),
    path(
        "v1/steering-members/<int:pk>",
        governance.SteeringMemberDetail.as_view(),
        name="network-steering-member",
    ),
    path(
        "v1/networks/<int:pk>/expert-teams", governance.ExpertTeamList.as_view(), name="network-expert-teams"
    ),
    path(
        "v1/expert-teams/<int:pk>/members",
        governance.ExpertTeamMemberList.as_view(),
        name="network-expert-team-members",
    ),
    path(
        "v1/expert-teams/<int:pk>/dissolution",
        governance.ExpertTeamDissolution.as_view(),
        name="network-expert-team-dissolution",
    ),
    path(
        "v1/expert-team-members/<int:pk>",
        governance.ExpertTeamMemberDetail.as_view(),
        name="network-expert-team-member",
    ),
    path(
        "v1/networks/<int:pk>/working-group",
        governance.WorkingGroupMemberList.as_view(),
        name="network-working-group",
    ),
    path(
        "v1/working-group-members/<int:pk>",
        governance.WorkingGroupMemberDetail.as_view(),
        name="network-working-group-member",
    ),
    path("v1/networks/<int:pk>/milestones", governance.MilestoneList.as_view(), name="network-milestones"),
    path("v1/milestones/<int:pk>", governance.MilestoneDetail.as_view(), name="network-milestone"),
    path(
        "v1/networks/<int:pk>/calendar-activities",
        governance.CalendarActivityList.as_view(),
        name="network-calendar-activities",
    ),
    path(
        "v1/calendar-activities/<int:pk>",
        governance.CalendarActivityDetail.as_view(),
        name="network-calendar-activity",
    ),
    path(
        "v1/networks/<int:pk>/funding/scheme",
        funding.FundingSchemeDetail.as_view(),
        name="network-funding-scheme",
    ),
    path(
        "v1/networks/<int:pk>/funding/budget-lines",
        funding.BudgetLineList.as_view(),
        name="network-budget-lines",
    ),
    path("v1/budget-lines/<int:pk>", funding.BudgetLineDetail.as_view(), name="network-budget-line"),
    path(
        "v1/networks/<int:pk>/funding/in-kind", funding.InKindContributions.as_view(), name="network-in-kind"
    ),
    path("v1/networks/<int:pk>/funding/scenarios", funding.ScenarioList.as_view(), name="network-scenarios"),
    path("v1/scenarios/<int:pk>", funding.ScenarioDetail.as_view(), name="network-scenario"),
    path(
        "v1/schema",
        SpectacularAPIView.as_view(authentication_classes=[], permission_classes=[]),
        name="schema",
    ),
]
