from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("", include("ivp.core.urls")),
    path("areas/", include("ivp.areas.urls")),
    path("accounts/", include("ivp.accounts.urls")),
    path("data/", include("ivp.stats.urls")),
    path("plans/", include("ivp.reports.urls")),  # /plans/<id>/report/<year>/, /plans/<id>/glance/
    path("plans/", include("ivp.plans.urls")),
    path("explorer/", include("ivp.explorer.urls")),
    path("networks/", include("ivp.networks.urls")),
    path("veiligheidsbeeld/", include("ivp.veiligheidsbeeld.urls")),
    path("networks/", include("ivp.funding.urls")),  # /networks/<id>/funding/
    path("networks/", include("ivp.bulletins.urls")),  # /networks/<id>/bulletin/
    path("api/", include("ivp.api.urls")),
    path("audit/", include("ivp.ops.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
]

# Problem details (application/problem+json) under /api/, the core pages elsewhere.
handler400 = "ivp.api.problems.bad_request"
handler403 = "ivp.api.problems.permission_denied"
handler404 = "ivp.api.problems.page_not_found"
handler500 = "ivp.api.problems.server_error"
