from django.urls import path

from . import views

app_name = "veiligheidsbeeld"
urlpatterns = [
    path("", views.veiligheidsbeeld_index, name="index"),
    path("<str:code>/", views.veiligheidsbeeld_page, name="page"),
]
