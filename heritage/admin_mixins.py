"""Admin behaviour every app shares: history, who-changed-what, and the publishing permission.

Publishing is a separate permission (``publish_<model>``) held by the Publishers group. It is enforced in the
form's validation and in the admin actions, so a crafted POST from an Editor fails with a message on the field.
A change to a published record by someone without it is kept as a proposal (``heritage.proposals``).
"""

from contextlib import contextmanager

import reversion
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.paginator import Paginator
from django.db import connections, transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from reversion.admin import VersionAdmin

from heritage import review
from heritage.admin_proposals import ProposedEditsAdminMixin
from heritage.forms import PublishGuardForm
from heritage.models import EditKind, PublishStatus, Reviewed, RevisionKind, Searchable
from heritage.names import NAME_FIELDS, MultilingualName


class EstimatedCountPaginator(Paginator):
    """Never counts a million rows to draw a pager.

    Counts exactly up to ``exact_limit`` rows (a bounded ``COUNT`` over ``LIMIT``); beyond that, on PostgreSQL,
    an unfiltered table uses the planner's row estimate (``pg_class.reltuples``, kept by autovacuum) and a
    filtered list shows the bound itself, so the last pages it offers are simply the first ``exact_limit``
    rows' pages. SQLite always counts exactly: it is the small embedded database.
    """

    exact_limit = 10_000

    @cached_property
    def count(self):
        queryset = self.object_list
        if not hasattr(queryset, "query") or connections[queryset.db].vendor != "postgresql":
            return super().count
        bounded = queryset.order_by()[: self.exact_limit + 1].count()
        if bounded <= self.exact_limit:
            return bounded
        if not queryset.query.where:
            with connections[queryset.db].cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                    [queryset.model._meta.db_table],
                )
                row = cursor.fetchone()
            if row and row[0] > bounded:
                return row[0]
        return self.exact_limit


class ScalableAdminMixin:
    """Changelists that stay fast at a million rows.

    - No second full-table count for "N total" (``show_full_result_count``) and an estimating paginator.
    - For searchable models the search box (and autocomplete) uses the indexed full-text search with prefix
      matching (``search(q, prefix=True)``): names match regardless of case, diacritics and script, and
      ``search_fields`` stays only as the declaration that the model can be searched.
    """

    show_full_result_count = False
    paginator = EstimatedCountPaginator

    def get_search_results(self, request, queryset, search_term):
        if search_term.strip() and isinstance(getattr(queryset, "model", None), type):
            from heritage.models import Searchable

            if issubclass(queryset.model, Searchable):
                return queryset.search(search_term, prefix=True), False
        return super().get_search_results(request, queryset, search_term)


class HistoryAdmin(VersionAdmin):
    """A VersionAdmin whose deletes keep history: the record's last state (with its inlines) is saved first.

    django-reversion lists under "Recover deleted" only records that have a version; a record that was created
    outside the admin (demo data, sample data, a shell) would otherwise be gone for good once deleted.
    """

    @contextmanager
    def create_revision(self, request):
        # VersionAdmin wraps the whole list view in one revision, saved when the view ends; by then the rows that
        # "Delete selected" removed are gone, and django-reversion drops versions of rows that no longer exist.
        # That action saves its own revision before deleting instead (delete_queryset).
        if request.method == "POST" and request.POST.get("action") == "delete_selected":
            yield
            return
        with super().create_revision(request):
            yield

    def save_model(self, request, obj, form, change):
        if reversion.is_active():  # what the revision was, for the dashboard's recent edits
            reversion.add_meta(RevisionKind, kind=EditKind.CHANGED if change else EditKind.CREATED)
        super().save_model(request, obj, form, change)

    def _keep_before_delete(self, request, objects):
        with reversion.create_revision():
            reversion.set_user(request.user)
            reversion.set_comment(_("Deleted"))
            reversion.add_meta(RevisionKind, kind=EditKind.DELETED)
            for obj in objects:
                reversion.add_to_revision(obj)

    def delete_model(self, request, obj):
        with transaction.atomic():
            self._keep_before_delete(request, [obj])
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        # All or none: the snapshot and every delete in one transaction.
        with transaction.atomic():
            self._keep_before_delete(request, queryset)
            super().delete_queryset(request, queryset)


class NamesInOtherLanguagesMixin:
    """A record with names in several languages (``heritage.names.MultilingualName``) shows them, and the language
    of its original name, in a collapsed "Names in other languages" fieldset after the first one."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not issubclass(self.model, MultilingualName):
            return fieldsets
        moved = set(NAME_FIELDS) | {"name_language"}
        kept = [
            (title, {**options, "fields": [f for f in options["fields"] if f not in moved]})
            for title, options in fieldsets
        ]
        names = (_("Names in other languages"), {"classes": ["collapse"], "fields": ["name_language", *NAME_FIELDS]})
        return [kept[0], names, *kept[1:]]


class TrackedAdmin(NamesInOtherLanguagesMixin, ScalableAdminMixin, HistoryAdmin):
    """Keeps a revision of every save (readable and revertible under "History") and records who saved."""

    readonly_fields = ("created_at", "created_by", "updated_at", "updated_by")
    history_latest_first = True

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "slug":
            # Left blank, save() makes it by transliteration (heritage.transliteration), which the admin's
            # prepopulating script cannot do: it spells "İçərişəhər" "iceriseher".
            formfield.help_text = _(
                "Leave blank to have it made from the name when you save, in Latin letters "
                "(Qız qalası → qiz-qalasi). Once published, keep it: it is the record's address."
            )
        return formfield

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Inlines and many-to-many fields (participants, topics) are saved after the record: index them too.
        if isinstance(form.instance, Searchable):
            form.instance.refresh_search()


class LabelledTabularInline(admin.TabularInline):
    """A tabular inline whose inputs carry their column's name: its cells have no ``<label>`` of their own."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None:
            # A related-field wrapper shares its attrs with the widget it wraps, so this names the real input.
            formfield.widget.attrs.setdefault("aria-label", formfield.label)
        return formfield


class IdentifierInline(LabelledTabularInline):
    """A record's external identifiers (``heritage.identifiers``); each app names its identifier ``model``."""

    extra = 0
    fields = ("scheme", "value")
    verbose_name = _("external identifier")
    verbose_name_plural = _("external identifiers (Wikidata, GeoNames, VIAF…)")


NOT_GIVEN = object()


class PublishableAdmin(ProposedEditsAdminMixin, TrackedAdmin):
    form = PublishGuardForm
    actions = ["publish", "unpublish"]
    list_filter = ("status",)

    def has_publish_permission(self, request):
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.publish_{opts.model_name}")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        # A fresh class per request: safe to set.
        form.can_publish = self.has_publish_permission(request)
        stored = getattr(request, "publishing_stored", NOT_GIVEN)
        form.stored = self.model.publishing_snapshot(obj) if stored is NOT_GIVEN else stored
        form.proposing = (
            not form.can_publish and bool(form.stored) and form.stored.get("status") == PublishStatus.PUBLISHED
        )
        return form

    # django-reversion draws a revert (and a recovery) as the change form of the record already reverted inside
    # the request's transaction: the form's object is the old state. The rule must compare with the record as it
    # is, or reverting to a draft version would unpublish (and to an unticked version expose a sensitive point).
    def revision_view(self, request, object_id, version_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if request.method == "POST" and self.proposing(request, obj):
            # A revert is written before the form is drawn, so it cannot become a proposal: a Publisher's.
            self.message_user(
                request,
                gettext(
                    "This record is published: only a Publisher may revert it. To propose the change, edit the "
                    "record: a Publisher will review it."
                ),
                messages.ERROR,
            )
            return redirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_history", args=[obj.pk]))
        request.publishing_stored = self.model.publishing_snapshot(obj)
        return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        request.publishing_stored = None  # a deleted record is not public: recovering it published publishes it
        return super().recover_view(request, version_id, extra_context)

    def save_formset(self, request, form, formset, change):
        if not issubclass(formset.model, Reviewed):
            return super().save_formset(request, form, formset, change)
        # Evidence inlines: pending when someone who may not publish adds it to the record as published before
        # this request (``form.stored``), approved otherwise (heritage.review.submit).
        # When proposing, a change to public evidence is part of the proposal (heritage.proposals), not written.
        published = bool(form.stored) and form.stored.get("status") == PublishStatus.PUBLISHED
        proposed = getattr(form, "proposing", False)
        formset.save(commit=False)
        for obj in formset.deleted_objects:
            if not (proposed and obj.is_public):
                obj.delete()
        for item in formset.saved_forms:
            obj = item.instance
            if proposed and obj.pk is not None and obj.is_public:
                continue
            review.submit(obj, request.user, published)
            obj.save()
            item.save_m2m()

    def _set_status(self, request, queryset, status, comment):
        # All rows or none, each with a revision so history shows who published what.
        with transaction.atomic(), reversion.create_revision():
            reversion.set_user(request.user)
            reversion.set_comment(comment)
            reversion.add_meta(RevisionKind, kind=EditKind.CHANGED)
            changed = 0
            for obj in queryset.select_related(None).select_for_update():
                if obj.status != status:
                    obj.status = status
                    obj.updated_by = request.user
                    obj.save()
                    changed += 1
        return changed

    @admin.action(permissions=["publish"], description=_("Publish selected records"))
    def publish(self, request, queryset):
        changed = self._set_status(request, queryset, PublishStatus.PUBLISHED, "Published")
        self.message_user(
            request,
            ngettext("%(count)d record published.", "%(count)d records published.", changed) % {"count": changed},
            messages.SUCCESS,
        )

    @admin.action(permissions=["publish"], description=_("Unpublish selected records (back to draft)"))
    def unpublish(self, request, queryset):
        changed = self._set_status(request, queryset, PublishStatus.DRAFT, "Unpublished")
        self.message_user(
            request,
            ngettext("%(count)d record unpublished.", "%(count)d records unpublished.", changed) % {"count": changed},
            messages.SUCCESS,
        )
