"""Admin for what both halves share: sources (the way in for new records) and places."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from heritage.admin_imports import DuplicateCheckAdminMixin, ImportExportAdminMixin, MergeAdminMixin
from heritage.admin_mixins import IdentifierInline, TrackedAdmin
from heritage.admin_proposals import ProposalAdmin
from heritage.importers import PlaceImport, SourceImport
from heritage.models import IdentifierScheme, Place, PlaceIdentifier, Proposal, Source

admin.site.register(Proposal, ProposalAdmin)

# What staff can start from a source: (admin URL name, the field that cites it, label).
START_FROM_SOURCE = (
    ("admin:meetings_meeting_add", "sources", _("Add a meeting reported in this source")),
    ("admin:meetings_meeting_import", "source", _("Import meetings reported in this source")),
    ("admin:monuments_monument_add", "sources", _("Add a monument documented in this source")),
    ("admin:monuments_conditionassessment_add", "source", _("Add a condition assessment from this source")),
    ("admin:monuments_conditionassessment_import", "source", _("Import condition assessments from this source")),
    ("admin:monuments_reportedfigure_add", "source", _("Add a figure reported in this source")),
    ("admin:meetings_event_add", "sources", _("Add an event described in this source")),
)


@admin.register(Source)
class SourceAdmin(ImportExportAdminMixin, TrackedAdmin):
    importer_class = SourceImport
    list_display = ("title", "publisher", "author", "published_on", "kind", "language")
    list_filter = ("kind", "language", "publisher")
    search_fields = ("title", "publisher", "author", "url", "cites")
    date_hierarchy = "published_on"
    fieldsets = (
        (None, {"fields": ("kind", "title", "publisher", "author", ("published_on", "published_precision"))}),
        (None, {"fields": ("url", "archived_url", ("retrieved_on", "licence"), "language", "cites", "notes")}),
        (_("Start from this source"), {"fields": ("start_here",)}),
        ("", {"fields": TrackedAdmin.readonly_fields, "classes": ("collapse",)}),
    )
    readonly_fields = ("start_here", *TrackedAdmin.readonly_fields)

    @admin.display(description=_("records citing it"))
    def start_here(self, obj):
        """Links that open a form or an import already citing this source, so the new records cite it."""
        if obj is None or obj.pk is None:
            return _("Save the source first.")
        links = ((f"{reverse(name)}?{urlencode({field: obj.pk})}", label) for name, field, label in START_FROM_SOURCE)
        return format_html(
            "<ul>{}</ul><p>{}</p>",
            format_html_join("", '<li><a href="{}">{}</a></li>', links),
            format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("Everything that cites it (public page)")),
        )


@admin.register(IdentifierScheme)
class IdentifierSchemeAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "url_pattern")
    search_fields = ("name", "code")


class PlaceIdentifierInline(IdentifierInline):
    model = PlaceIdentifier


@admin.register(Place)
class PlaceAdmin(ImportExportAdminMixin, DuplicateCheckAdminMixin, MergeAdminMixin, TrackedAdmin):
    importer_class = PlaceImport
    inlines = [PlaceIdentifierInline]
    list_display = ("name", "kind", "parent", "country")
    list_filter = ("kind", "country")
    list_select_related = ("parent", "parent__parent")  # a place's name shows its parent's: "Shusha, Karabakh"
    search_fields = ("name", "alternative_names", "slug")
    autocomplete_fields = ("parent",)
