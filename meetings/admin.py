"""Admin for meetings: a meeting edits its participants and outcomes inline."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from heritage.admin_filters import HasSourceFilter
from heritage.admin_imports import DuplicateCheckAdminMixin, ImportExportAdminMixin, MergeAdminMixin
from heritage.admin_mixins import (
    HistoryAdmin,
    IdentifierInline,
    LabelledTabularInline,
    PublishableAdmin,
    TrackedAdmin,
)
from heritage.admin_review import ReviewedAdminMixin, ReviewedInlineMixin
from meetings.importers import EventImport, MeetingImport, OrganizationImport, PersonImport
from meetings.models import (
    Event,
    EventIdentifier,
    Meeting,
    Organization,
    OrganizationIdentifier,
    Outcome,
    Participant,
    Person,
    PersonIdentifier,
    Topic,
)

PUBLISHING_FIELDS = ("status", "created_at", "created_by", "updated_at", "updated_by")


class ParticipantInline(LabelledTabularInline):
    model = Participant
    extra = 1
    autocomplete_fields = ("person", "organization")
    fields = ("person", "organization", "description", "role", "represented_country", "order")


class OutcomeInline(ReviewedInlineMixin, admin.StackedInline):
    model = Outcome
    extra = 0
    autocomplete_fields = ("parties", "stated_by", "sources")
    fields = (
        ("review_status", "review_reason"),
        ("kind", "follow_up"),
        "text",
        "parties",
        "stated_by",
        "sources",
        "follow_up_notes",
    )


@admin.register(Meeting)
class MeetingAdmin(ImportExportAdminMixin, PublishableAdmin):
    importer_class = MeetingImport
    inlines = [ParticipantInline, OutcomeInline]
    list_display = ("title", "date", "date_precision", "event", "format", "status", "updated_at")
    list_filter = ("status", "format", "date_precision", HasSourceFilter, "event", "topics")
    list_select_related = ("event",)
    search_fields = ("title", "slug", "summary", "participants__person__name", "participants__organization__name")
    date_hierarchy = "date"
    autocomplete_fields = ("event", "place", "topics", "sources", "monuments")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("title", "title_language"),
                    "slug",
                    ("date", "end_date", "date_precision"),
                    "event",
                    "place",
                    "format",
                )
            },
        ),
        (_("What happened"), {"fields": ("summary", "account", "topics", "monuments")}),
        (_("Provenance"), {"fields": ("sources",)}),
        (_("Publishing"), {"fields": PUBLISHING_FIELDS}),
    )


class EventIdentifierInline(IdentifierInline):
    model = EventIdentifier


class PersonIdentifierInline(IdentifierInline):
    model = PersonIdentifier


class OrganizationIdentifierInline(IdentifierInline):
    model = OrganizationIdentifier


@admin.register(Event)
class EventAdmin(ImportExportAdminMixin, PublishableAdmin):
    importer_class = EventImport
    inlines = [EventIdentifierInline]
    list_display = ("name", "short_name", "start_date", "end_date", "place", "organizer", "status")
    list_filter = ("status", "kind", HasSourceFilter)
    list_select_related = ("place", "organizer")
    search_fields = ("name", "short_name", "slug")
    date_hierarchy = "start_date"
    autocomplete_fields = ("place", "organizer", "sources")


@admin.register(Person)
class PersonAdmin(ImportExportAdminMixin, DuplicateCheckAdminMixin, MergeAdminMixin, PublishableAdmin):
    importer_class = PersonImport
    inlines = [PersonIdentifierInline]
    list_display = ("name", "country", "status", "updated_at")
    list_filter = ("status", "country")
    search_fields = ("name", "alternative_names", "slug")


@admin.register(Organization)
class OrganizationAdmin(ImportExportAdminMixin, DuplicateCheckAdminMixin, MergeAdminMixin, PublishableAdmin):
    importer_class = OrganizationImport
    inlines = [OrganizationIdentifierInline]
    list_display = ("name", "acronym", "kind", "country", "parent", "status")
    list_filter = ("status", "kind", "country")
    list_select_related = ("parent",)
    search_fields = ("name", "acronym", "alternative_names", "slug")
    autocomplete_fields = ("parent",)


@admin.register(Topic)
class TopicAdmin(TrackedAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")


@admin.register(Participant)
class ParticipantAdmin(HistoryAdmin):
    list_display = ("__str__", "meeting", "represented_country")
    list_filter = ("represented_country",)
    list_select_related = ("meeting", "person", "organization")
    search_fields = ("person__name", "organization__name", "description", "role", "meeting__title")
    autocomplete_fields = ("meeting", "person", "organization")


@admin.register(Outcome)
class OutcomeAdmin(ReviewedAdminMixin, HistoryAdmin):
    list_display = ("__str__", "kind", "follow_up", "stated_by", "meeting", "review_status")
    list_filter = ("review_status", "kind", "follow_up")
    list_select_related = ("meeting", "stated_by")
    search_fields = ("text", "meeting__title")
    autocomplete_fields = ("meeting", "parties", "stated_by", "sources")
