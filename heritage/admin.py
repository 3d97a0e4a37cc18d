"""Admin for what both halves share: sources and places."""

from django.contrib import admin

from heritage.admin_mixins import TrackedAdmin
from heritage.models import Place, Source


@admin.register(Source)
class SourceAdmin(TrackedAdmin):
    list_display = ("title", "publisher", "author", "published_on", "kind", "language")
    list_filter = ("kind", "language", "publisher")
    search_fields = ("title", "publisher", "author", "url", "cites")
    date_hierarchy = "published_on"
    fieldsets = (
        (None, {"fields": ("kind", "title", "publisher", "author", ("published_on", "published_precision"))}),
        (None, {"fields": ("url", "archived_url", "language", "cites", "notes")}),
        ("", {"fields": TrackedAdmin.readonly_fields, "classes": ("collapse",)}),
    )


@admin.register(Place)
class PlaceAdmin(TrackedAdmin):
    list_display = ("name", "kind", "parent", "country")
    list_filter = ("kind", "country")
    list_select_related = ("parent",)
    search_fields = ("name", "alternative_names", "slug")
    autocomplete_fields = ("parent",)
    prepopulated_fields = {"slug": ("name",)}
