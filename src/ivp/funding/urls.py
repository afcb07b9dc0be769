"""Included under /networks/ (next to the network pages of ivp.networks)."""

from django.urls import path

from . import views

app_name = "funding"
urlpatterns = [
    path("<int:network_id>/funding/", views.funding_page, name="page"),
    path("<int:network_id>/funding/scheme/", views.scheme_edit, name="scheme"),
    path("<int:network_id>/funding/budget/", views.budget_edit, name="budget"),
    path("<int:network_id>/funding/in-kind/", views.in_kind_edit, name="in-kind"),
    path("<int:network_id>/funding/scenarios/", views.scenario_add, name="scenario-add"),
    path(
        "<int:network_id>/funding/scenarios/<int:scenario_id>/delete/",
        views.scenario_delete,
        name="scenario-delete",
    ),
    path("<int:network_id>/funding/contributions.csv", views.export_csv, name="csv"),
    path("<int:network_id>/funding/contributions.xlsx", views.export_xlsx, name="xlsx"),
]
