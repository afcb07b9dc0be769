from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("", include("ivp.core.urls")),
    path("areas/", include("ivp.areas.urls")),
    path("accounts/", include("ivp.accounts.urls")),
    path("data/", include("ivp.stats.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
]

handler403 = "ivp.core.views.permission_denied"
handler404 = "ivp.core.views.page_not_found"
