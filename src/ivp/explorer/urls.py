from django.urls import path

from . import views

app_name = "explorer"

urlpatterns = [
    path("", views.explorer_view, name="explorer"),
    path("download.csv", views.explorer_csv, name="csv"),
    path("download.xlsx", views.explorer_xlsx, name="xlsx"),
    path("boundaries/gemeenten-2023.topo.json", views.boundaries, name="boundaries"),
    path("views/", views.saved_view_create_view, name="saved-view-create"),
    path("views/<int:pk>/rename/", views.saved_view_rename_view, name="saved-view-rename"),
    path("views/<int:pk>/delete/", views.saved_view_delete_view, name="saved-view-delete"),
]
