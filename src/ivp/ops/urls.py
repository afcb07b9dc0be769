from django.urls import path

from . import views

app_name = "ops"
urlpatterns = [path("", views.audit_view, name="audit")]
