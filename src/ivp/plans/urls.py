from django.urls import path, register_converter

from . import views


class ItemKindConverter:
    """Only the item kinds of the editor, so that other pages under /plans/<id>/ (e.g. the
    reports) are never taken for an item."""

    regex = "|".join(views.KINDS)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ItemKindConverter, "plan_item_kind")

app_name = "plans"
urlpatterns = [
    path("", views.plan_list_view, name="list"),
    path("new/", views.plan_create_view, name="create"),
    path("<int:plan_id>/", views.plan_detail_view, name="detail"),
    path("<int:plan_id>/edit/", views.plan_edit_view, name="edit"),
    path("<int:plan_id>/status/", views.plan_status_view, name="status"),
    path("<int:plan_id>/history/", views.plan_history_view, name="history"),
    path("<int:plan_id>/history/<int:number>/", views.plan_revision_view, name="revision"),
    path(
        "<int:plan_id>/indicators/<int:item_id>/values/", views.indicator_values_view, name="indicator-values"
    ),
    path("<int:plan_id>/<plan_item_kind:kind>/new/", views.item_create_view, name="item-create"),
    path("<int:plan_id>/<plan_item_kind:kind>/<int:item_id>/", views.item_edit_view, name="item-edit"),
    path(
        "<int:plan_id>/<plan_item_kind:kind>/<int:item_id>/delete/",
        views.item_delete_view,
        name="item-delete",
    ),
]
