"""Admin for the monument register: a monument edits its registrations, assessments, restorations, risk listings
and images inline."""

from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from heritage.admin_filters import HasSourceFilter
from heritage.admin_imports import DuplicateCheckAdminMixin, ImportExportAdminMixin, MergeAdminMixin
from heritage.admin_mixins import (
    HistoryAdmin,
    IdentifierInline,
    LabelledTabularInline,
    PublishableAdmin,
    ScalableAdminMixin,
    TrackedAdmin,
)
from heritage.admin_review import ReviewedAdminMixin, ReviewedInlineMixin
from monuments.admin_filters import HasAssessmentFilter, StaleAssessmentFilter
from monuments.importers import AssessmentImport, MonumentImport, MonumentTypeImport
from monuments.models import (
    ConditionAssessment,
    Monument,
    MonumentIdentifier,
    MonumentImage,
    MonumentType,
    Registration,
    ReportedFigure,
    Restoration,
    RiskList,
    RiskListing,
)

PUBLISHING_FIELDS = ("status", "created_at", "created_by", "updated_at", "updated_by")


class RegistrationInline(LabelledTabularInline):
    model = Registration
    extra = 0
    autocomplete_fields = ("source",)


class MonumentIdentifierInline(IdentifierInline):
    model = MonumentIdentifier


class ConditionAssessmentInline(ReviewedInlineMixin, admin.StackedInline):
    model = ConditionAssessment
    extra = 0
    autocomplete_fields = ("source",)
    fields = (
        ("review_status", "review_reason"),
        ("observed_on", "observed_precision"),
        ("condition", "evidence_kind"),
        "assessed_by",
        "source",
        "description",
    )


class RestorationInline(ReviewedInlineMixin, admin.StackedInline):
    model = Restoration
    extra = 0
    autocomplete_fields = ("executing_organization", "sources")


class RiskListingInline(ReviewedInlineMixin, admin.StackedInline):
    model = RiskListing
    extra = 0
    autocomplete_fields = ("risk_list", "source")
    fields = (
        ("review_status", "review_reason"),
        "risk_list",
        ("listed_from", "listed_from_precision"),
        ("listed_until", "listed_until_precision"),
        "source",
        "notes",
    )


class MonumentImageInline(ReviewedInlineMixin, admin.StackedInline):
    model = MonumentImage
    extra = 0
    autocomplete_fields = ("source",)


@admin.register(Monument)
class MonumentAdmin(ImportExportAdminMixin, DuplicateCheckAdminMixin, MergeAdminMixin, PublishableAdmin):
    importer_class = MonumentImport
    inlines = [
        RegistrationInline,
        MonumentIdentifierInline,
        ConditionAssessmentInline,
        RestorationInline,
        RiskListingInline,
        MonumentImageInline,
    ]
    list_display = ("name", "monument_type", "place", "current_condition", "status", "updated_at")
    list_filter = (
        "status",
        "current_condition",
        "monument_type",
        "religious_affiliation",
        "location_sensitive",
        HasSourceFilter,
        HasAssessmentFilter,
        StaleAssessmentFilter,
    )
    list_select_related = ("monument_type", "place", "place__parent")
    search_fields = ("name", "alternative_names", "slug")
    autocomplete_fields = ("monument_type", "place", "sources")
    readonly_fields = ("current_condition", *PublishableAdmin.readonly_fields)
    fieldsets = (
        (None, {"fields": ("name", "alternative_names", "slug", "monument_type", "religious_affiliation")}),
        (_("Where"), {"fields": ("place", ("latitude", "longitude"), "location_sensitive")}),
        (_("When"), {"fields": (("built_from_year", "built_to_year", "built_approximate"),)}),
        (_("Description"), {"fields": ("description", "current_condition", "sources")}),
        (_("Publishing"), {"fields": PUBLISHING_FIELDS}),
    )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Assessments deleted through the inline bypass ConditionAssessment.delete(); recompute once here.
        form.instance.refresh_current_condition()


@admin.register(MonumentType)
class MonumentTypeAdmin(ImportExportAdminMixin, TrackedAdmin):
    importer_class = MonumentTypeImport
    list_display = ("name", "slug")
    search_fields = ("name", "slug")


@admin.register(Registration)
class RegistrationAdmin(HistoryAdmin):
    list_display = ("monument", "registry", "number", "significance", "registered_on")
    list_filter = ("significance", "registry")
    list_select_related = ("monument",)
    search_fields = ("number", "registry", "monument__name")
    autocomplete_fields = ("monument", "source")


@admin.register(ConditionAssessment)
class ConditionAssessmentAdmin(ReviewedAdminMixin, ImportExportAdminMixin, ScalableAdminMixin, HistoryAdmin):
    importer_class = AssessmentImport
    list_display = ("monument", "observed_on", "condition", "evidence_kind", "assessed_by", "source", "review_status")
    # A date filter rather than a date hierarchy: the hierarchy lists the years present, a read of every row
    # (bench/RESULTS.md); this filter's choices need no query.
    list_filter = ("review_status", "condition", "evidence_kind", "observed_on")
    list_select_related = ("monument", "source")
    search_fields = ("monument__name", "assessed_by", "description")
    # Newest first, on its own index: the model's order (by monument name) is a join and a sort of every row.
    ordering = ("-observed_on", "-id")
    autocomplete_fields = ("monument", "source")

    def delete_queryset(self, request, queryset):
        # A bulk delete skips ConditionAssessment.delete(): recompute the monuments' current condition here.
        monuments = list(Monument.objects.filter(assessments__in=queryset).distinct())
        with transaction.atomic():
            super().delete_queryset(request, queryset)
            for monument in monuments:
                monument.refresh_current_condition()


@admin.register(Restoration)
class RestorationAdmin(ReviewedAdminMixin, HistoryAdmin):
    list_display = ("monument", "status", "started_on", "ended_on", "executing_organization", "review_status")
    list_filter = ("review_status", "status")
    list_select_related = ("monument", "executing_organization")
    search_fields = ("monument__name", "description")
    autocomplete_fields = ("monument", "executing_organization", "sources")


@admin.register(RiskList)
class RiskListAdmin(TrackedAdmin):
    list_display = ("name", "kept_by", "slug")
    search_fields = ("name", "kept_by", "slug")


@admin.register(RiskListing)
class RiskListingAdmin(ReviewedAdminMixin, HistoryAdmin):
    list_display = ("monument", "risk_list", "listed_from", "listed_until", "source", "review_status")
    list_filter = ("review_status", "risk_list")
    list_select_related = ("monument", "risk_list", "source")
    search_fields = ("monument__name", "risk_list__name", "notes")
    autocomplete_fields = ("monument", "risk_list", "source")


@admin.register(MonumentImage)
class MonumentImageAdmin(ReviewedAdminMixin, HistoryAdmin):
    list_display = ("__str__", "monument", "credit", "licence", "taken_on", "review_status")
    list_filter = ("review_status",)
    list_select_related = ("monument",)
    search_fields = ("caption", "alt_text", "credit", "monument__name")
    autocomplete_fields = ("monument", "source")


@admin.register(ReportedFigure)
class ReportedFigureAdmin(PublishableAdmin):
    list_display = ("__str__", "condition", "registered_count", "as_of", "reported_by", "status")
    list_filter = ("status", "condition")
    list_select_related = ("reported_by",)
    search_fields = ("statement", "reported_by__name")
    autocomplete_fields = ("monument_type", "reported_by", "source")
