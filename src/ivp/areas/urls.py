from django.urls import path

from . import views

app_name = "areas"
urlpatterns = [
    path("groups/", views.group_list_view, name="group-list"),
    path("groups/new/", views.group_create_view, name="group-create"),
    path("groups/<str:code>/edit/", views.group_update_view, name="group-update"),
    path("groups/<str:code>/delete/", views.group_delete_view, name="group-delete"),
    path("<str:code>/", views.area_detail, name="detail"),
    path("<str:code>/members.csv", views.region_members_csv, name="members-csv"),
]
