"""Admin mixins for staff at work: spreadsheet import (preview, then all or nothing) and export, likely-duplicate
warnings on the add form, merging two records, and the list filters the editorial dashboard links to."""

import datetime
import io

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from heritage import import_files
from heritage.duplicates import MergeError, find_likely_duplicates, merge_records
from heritage.models import Source
from heritage.transfer.files import ImportFileError, csv_lines, file_format, read_rows, write_xlsx

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (.csv or .xlsx)"), required=False)
    token = forms.CharField(widget=forms.HiddenInput, required=False)
    cite_source = forms.IntegerField(
        label=_("Cite this source in every imported record"),
        required=False,
        min_value=1,
        help_text=_("The source's number (as in /sources/<number>/). Optional."),
    )

    def clean_cite_source(self):
        pk = self.cleaned_data.get("cite_source")
        if pk is None:
            return None
        source = Source.objects.filter(pk=pk).first()
        if source is None:
            raise ValidationError(_("There is no source %(pk)s.") % {"pk": pk})
        return source

    def clean(self):
        data = super().clean()
        upload, token = data.get("file"), data.get("token")
        if upload:
            try:
                file_format(upload.name)
            except ImportFileError as exc:
                raise ValidationError({"file": str(exc)}) from exc
            if upload.size > MAX_UPLOAD_BYTES:
                raise ValidationError({"file": _("The file is larger than 200 MB: use the import command.")})
        elif not token or not import_files.TOKEN.match(token):
            raise ValidationError({"file": _("Choose a file to import.")})
        return data


class ImportExportAdminMixin:
    """Adds "Import" (dry-run preview, then commit all or nothing), templates and CSV/XLSX export actions."""

    importer_class = None
    change_list_template = "admin/heritage/change_list_import.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="{}_{}_import".format(*info)),
            path(
                "import/template.<str:fmt>",
                self.admin_site.admin_view(self.import_template_view),
                name="{}_{}_import_template".format(*info),
            ),
            *super().get_urls(),
        ]

    def get_actions(self, request):
        actions = super().get_actions(request)
        for name in ("export_csv", "export_xlsx"):
            func = getattr(type(self), name)
            actions[name] = (func, name, func.short_description)
        return actions

    def export_filename(self, ext):
        return f"{self.opts.model_name}-{timezone.now():%Y%m%d-%H%M}.{ext}"

    def export_csv(self, request, queryset):
        importer = self.importer_class()
        response = StreamingHttpResponse(
            csv_lines(importer.columns(), importer.export_rows(queryset)), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{self.export_filename("csv")}"'
        return response

    export_csv.short_description = _("Export selected as CSV")

    def export_xlsx(self, request, queryset):
        importer = self.importer_class()
        buffer = io.BytesIO()
        write_xlsx(buffer, importer.columns(), importer.export_rows(queryset))
        buffer.seek(0)
        return FileResponse(buffer, as_attachment=True, filename=self.export_filename("xlsx"))

    export_xlsx.short_description = _("Export selected as Excel (.xlsx)")

    def import_template_view(self, request, fmt):
        if not self.has_view_permission(request):
            raise PermissionDenied
        importer = self.importer_class
        if fmt == "csv":
            response = HttpResponse("".join(csv_lines(importer.columns(), [])), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{self.opts.model_name}-template.csv"'
            return response
        if fmt != "xlsx":
            raise PermissionDenied
        buffer = io.BytesIO()
        write_xlsx(buffer, importer.columns(), [], notes=importer.column_notes())
        buffer.seek(0)
        return FileResponse(buffer, as_attachment=True, filename=f"{self.opts.model_name}-template.xlsx")

    def import_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import %(models)s") % {"models": self.opts.verbose_name_plural},
            "columns": self.importer_class.column_notes(),
        }
        if request.method != "POST":
            context["form"] = ImportForm(initial={"cite_source": request.GET.get("source")})
            return TemplateResponse(request, "admin/heritage/import.html", context)
        form = ImportForm(request.POST, request.FILES)
        context["form"] = form
        if not form.is_valid():
            return TemplateResponse(request, "admin/heritage/import.html", context)
        upload, token = form.cleaned_data["file"], form.cleaned_data["token"]
        confirm = bool(token) and not upload and "confirm" in request.POST
        changelist = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        if token and not upload and "cancel" in request.POST:
            import_files.delete(token)
            self.message_user(request, _("Import cancelled: nothing was saved, and the uploaded file is deleted."))
            return redirect(changelist)
        if upload:
            # Kept privately between preview and confirmation (heritage.import_files), never as public media.
            token = import_files.save(upload, file_format(upload.name))
        try:
            handle = import_files.open_file(token)
        except FileNotFoundError:  # imported, cancelled or purged since its preview
            form.add_error("file", _("The uploaded file has expired. Upload it again."))
            return TemplateResponse(request, "admin/heritage/import.html", context)
        importer = self.importer_class(user=request.user, cite_source=form.cleaned_data["cite_source"])
        with handle:
            result = importer.run(read_rows(handle, token), dry_run=not confirm)
        if result.committed or result.has_errors:
            import_files.delete(token)  # imported, or nothing to confirm: a corrected file is uploaded again
        if result.committed:
            self.message_user(
                request,
                _("Imported: %(new)s new, %(changed)s changed, %(unchanged)s unchanged.")
                % {k: result.counts[k] for k in ("new", "changed", "unchanged")},
                messages.SUCCESS,
            )
            return redirect(changelist)
        context.update(
            result=result,
            form=ImportForm(initial={"token": token, "cite_source": request.POST.get("cite_source")}),
            token=token,
            confirm_failed=confirm,
        )
        return TemplateResponse(request, "admin/heritage/import.html", context)


class DuplicateCheckAdminMixin:
    """On the add form, lists existing records with a similar name and saves only once staff confirm."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            return super().get_form(request, obj, change=change, **kwargs)
        model, base = self.model, kwargs.pop("form", self.form)

        class DuplicateCheckForm(base):
            confirm_not_duplicate = forms.BooleanField(
                label=_("This is not a duplicate"),
                required=False,
                help_text=_("Tick to save even though records with a similar name exist."),
            )

            def clean(self):
                data = super().clean()
                name = data.get("name")
                if name and not data.get("confirm_not_duplicate"):
                    similar = find_likely_duplicates(model, name)
                    if similar:
                        opts = model._meta
                        links = format_html_join(
                            ", ",
                            '<a href="{}" target="_blank">{}</a>',
                            (
                                (reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[o.pk]), o)
                                for o in similar
                            ),
                        )
                        self.add_error(
                            "confirm_not_duplicate", format_html("{} {}", _("Likely duplicates already exist:"), links)
                        )
                return data

        form = type(base.__name__, (DuplicateCheckForm,), {})
        return super().get_form(request, obj, change=change, form=form, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None or not self.fieldsets:
            return fieldsets
        return [*fieldsets, (_("Likely duplicates"), {"fields": ["confirm_not_duplicate"]})]


class MergeForm(forms.Form):
    keep = forms.TypedChoiceField(label=_("Keep"), coerce=int, widget=forms.RadioSelect)


class MergeAdminMixin:
    """An action on exactly two records: move everything of one to the other, then remove the first."""

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.has_delete_permission(request):
            func = type(self).merge_two
            actions["merge_two"] = (func, "merge_two", func.short_description)
        return actions

    def merge_two(self, request, queryset):
        if not self.has_delete_permission(request):
            raise PermissionDenied
        records = list(queryset[:3])
        if len(records) != 2:
            self.message_user(request, _("Select exactly two records to merge."), messages.WARNING)
            return None
        form = MergeForm(request.POST if "keep" in request.POST else None)
        form.fields["keep"].choices = [(r.pk, str(r)) for r in records]
        if form.is_valid():
            keep = next(r for r in records if r.pk == form.cleaned_data["keep"])
            merged = next(r for r in records if r.pk != keep.pk)
            try:
                merge_records(keep, merged, user=request.user)
            except MergeError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
                return None
            self.message_user(
                request, _("Merged “%(merged)s” into “%(keep)s”.") % {"merged": merged, "keep": keep}, messages.SUCCESS
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Merge two %(models)s") % {"models": self.opts.verbose_name_plural},
            "records": records,
            "form": form,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/heritage/merge.html", context)

    merge_two.short_description = _("Merge two selected records")


# List filters the dashboard links to ----------------------------------------------------------------------------


class _YesNoFilter(admin.SimpleListFilter):
    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def condition(self, model):
        raise NotImplementedError

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(self.condition(queryset.model))
        if self.value() == "no":
            return queryset.exclude(self.condition(queryset.model))
        return queryset


class HasSourceFilter(_YesNoFilter):
    title = _("cites a source")
    parameter_name = "has_source"

    def condition(self, model):
        through = model.sources.through
        return Exists(through.objects.filter(**{f"{model._meta.model_name}_id": OuterRef("pk")}))


class HasAssessmentFilter(_YesNoFilter):
    title = _("has a condition assessment")
    parameter_name = "has_assessment"

    def condition(self, model):
        from monuments.models import ConditionAssessment

        return Exists(ConditionAssessment.objects.filter(monument=OuterRef("pk")))


def assessment_max_age_days():
    """How old the latest assessment may be before the dashboard calls it stale (``ASSESSMENT_MAX_AGE_DAYS``)."""
    return int(getattr(settings, "ASSESSMENT_MAX_AGE_DAYS", 730))


def stale_assessment_condition():
    """Monuments assessed, but not within the configured age."""
    from monuments.models import ConditionAssessment

    cutoff = timezone.localdate() - datetime.timedelta(days=assessment_max_age_days())
    assessed = ConditionAssessment.objects.filter(monument=OuterRef("pk"))
    return Exists(assessed) & ~Exists(assessed.filter(observed_on__gte=cutoff))


class StaleAssessmentFilter(_YesNoFilter):
    title = _("latest assessment is old")
    parameter_name = "stale_assessment"

    def condition(self, model):
        return stale_assessment_condition()
