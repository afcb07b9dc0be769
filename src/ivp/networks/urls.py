from django.urls import path

from . import views, views_rounds

app_name = "networks"

urlpatterns = [
    path("", views.network_list_view, name="list"),
    path("<int:network_id>/", views.dashboard, name="detail"),
    path("<int:network_id>/rounds/new/", views.round_create_view, name="round-create"),
    path("<int:network_id>/governance/", views.governance_view, name="governance"),
    path("<int:network_id>/governance/add/", views.governance_add, name="governance-add"),
    path("<int:network_id>/governance/delete/", views.governance_delete, name="governance-delete"),
    path("<int:network_id>/calendar.ics", views.calendar_view, name="calendar"),
    path("rounds/<int:round_id>/", views_rounds.round_page, name="round"),
    path("rounds/<int:round_id>/inputs/", views_rounds.input_add, name="input-add"),
    path("rounds/<int:round_id>/inputs/delete/", views_rounds.input_delete, name="input-delete"),
    path("rounds/<int:round_id>/inputs/map/", views_rounds.input_map, name="input-map"),
    path("rounds/<int:round_id>/upload/", views_rounds.upload, name="upload"),
    path("rounds/<int:round_id>/template.csv", views_rounds.upload_template, name="template-csv"),
    path(
        "rounds/<int:round_id>/template.xlsx",
        views_rounds.upload_template,
        {"extension": "xlsx"},
        name="template-xlsx",
    ),
    path("rounds/<int:round_id>/partner-inputs/", views_rounds.partner_input_add, name="partner-input-add"),
    path("rounds/<int:round_id>/criteria/", views_rounds.criteria_save, name="criteria"),
    path("rounds/<int:round_id>/scores/", views_rounds.scores_save, name="scores"),
    path("rounds/<int:round_id>/selection/", views_rounds.select, name="select"),
    path("rounds/<int:round_id>/consultation/", views_rounds.consultation_start, name="consultation-start"),
    path("rounds/<int:round_id>/positions/", views_rounds.positions_save, name="positions"),
    path("rounds/<int:round_id>/adjustments/", views_rounds.adjustment_add, name="adjustment-add"),
    path("rounds/<int:round_id>/strategy/", views_rounds.strategy_save, name="strategy"),
    path("rounds/<int:round_id>/finalise/", views_rounds.finalise, name="finalise"),
    path("rounds/<int:round_id>/memo/", views_rounds.memo, name="memo"),
    path("rounds/<int:round_id>/memo.pdf", views_rounds.memo_pdf_view, name="memo-pdf"),
]
