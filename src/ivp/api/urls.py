from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from . import views, views_networks

app_name = "api"
urlpatterns = [
    path("v1/areas", views.AreaList.as_view(), name="area-list"),
    path("v1/areas/<str:code>", views.AreaDetail.as_view(), name="area-detail"),
    path("v1/figures", views.Figures.as_view(), name="figures"),
    path("v1/crime-types", views.CrimeTypeList.as_view(), name="crime-type-list"),
    path("v1/store", views.StoreStatus.as_view(), name="store-status"),
    path("v1/plans", views.PlanList.as_view(), name="plan-list"),
    path("v1/plans/<int:pk>", views.PlanDetail.as_view(), name="plan-detail"),
    path("v1/plans/<int:pk>/reports", views.ReportYearList.as_view(), name="plan-report-list"),
    path(
        "v1/plans/<int:pk>/reports/<int:year>", views.AnnualReportDetail.as_view(), name="plan-annual-report"
    ),
    path("v1/themes/<int:pk>", views.ThemeDetail.as_view(), name="theme-detail"),
    path("v1/indicators/<int:pk>", views.IndicatorDetail.as_view(), name="indicator-detail"),
    path("v1/indicators/<int:pk>/values", views.IndicatorValueList.as_view(), name="indicator-value-list"),
    path("v1/networks", views_networks.NetworkList.as_view(), name="network-list"),
    path("v1/networks/<int:pk>", views_networks.NetworkDetail.as_view(), name="network-detail"),
    path("v1/networks/<int:pk>/funding", views_networks.NetworkFunding.as_view(), name="network-funding"),
    path("v1/rounds/<int:pk>", views_networks.RoundDetail.as_view(), name="round-detail"),
    path("v1/rounds/<int:pk>/inputs", views_networks.RoundInputList.as_view(), name="round-input-list"),
    path(
        "v1/schema",
        SpectacularAPIView.as_view(authentication_classes=[], permission_classes=[]),
        name="schema",
    ),
]
