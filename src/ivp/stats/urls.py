from django.urls import path

from . import views

app_name = "stats"
urlpatterns = [
    path("", views.data_status, name="status"),
    path("runs/<int:pk>/", views.run_detail, name="run-detail"),
]
