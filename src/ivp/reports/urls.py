"""Report pages, under /plans/<plan>/ (included from ivp.conf.urls)."""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("<int:plan_id>/report/", views.annual_latest, name="annual-latest"),
    path("<int:plan_id>/report/<int:year>/", views.annual_report, name="annual"),
    path("<int:plan_id>/report/<int:year>/pdf/", views.annual_report_pdf, name="annual-pdf"),
    path("<int:plan_id>/report/<int:year>/edit/", views.annual_report_edit, name="annual-edit"),
    path("<int:plan_id>/report/<int:year>/section/", views.section_save, name="annual-section"),
    path(
        "<int:plan_id>/report/<int:year>/explanation/<int:indicator_id>/",
        views.explanation_save,
        name="annual-explanation",
    ),
    path("<int:plan_id>/report/<int:year>/finalise/", views.finalise, name="annual-finalise"),
    path("<int:plan_id>/report/<int:year>/reopen/", views.reopen, name="annual-reopen"),
    path("<int:plan_id>/glance/", views.glance, name="glance"),
    path("<int:plan_id>/glance/pdf/", views.glance_pdf, name="glance-pdf"),
]
