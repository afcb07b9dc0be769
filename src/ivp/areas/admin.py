from django.contrib import admin

from .models import Area, Population


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin[Area]):
    list_display = ["code", "name", "kind", "owner"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "search_text"]
    readonly_fields = ["search_text", "created_at", "updated_at"]


@admin.register(Population)
class PopulationAdmin(admin.ModelAdmin[Population]):
    list_display = ["area", "year", "inhabitants_count", "source"]
    list_filter = ["year"]
    search_fields = ["area__code", "area__name"]
