"""Admin mixins for staff at work: spreadsheet import (preview, then all or nothing) and export, likely-duplicate
warnings on the add form, and merging two records."""

import io

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from heritage import import_files
from heritage.duplicates import MergeError, merge_records
from heritage.forms import ImportForm, MergeForm, duplicate_check_form
from heritage.transfer.files import csv_lines, file_format, read_rows, write_xlsx


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
        sheet, workbook = form.cleaned_data["sheet"], {}
        with handle:
            result = importer.run(read_rows(handle, token, sheet=sheet, info=workbook), dry_run=not confirm)
        result.sheet, result.other_sheets = workbook.get("sheet", ""), workbook.get("other_sheets", [])
        if result.committed or (result.has_errors and not result.other_sheets):
            # Imported, or nothing to confirm: a corrected file is uploaded again. A workbook with other sheets is
            # kept for "Preview another sheet" (the wrong sheet is the likeliest error); purged as any upload.
            import_files.delete(token)
        if result.committed:
            self.message_user(
                request,
                (
                    _(
                        "Imported: %(new)s new, %(changed)s changed, %(unchanged)s unchanged; %(proposed)s changes to "
                        "published records proposed for a Publisher's review."
                    )
                    if result.counts["proposed"]
                    else _("Imported: %(new)s new, %(changed)s changed, %(unchanged)s unchanged.")
                )
                % {k: result.counts[k] for k in ("new", "changed", "unchanged", "proposed")},
                messages.SUCCESS,
            )
            return redirect(changelist)
        context.update(
            result=result,
            form=ImportForm(
                initial={"token": token, "cite_source": request.POST.get("cite_source"), "sheet": result.sheet}
            ),
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

        form = duplicate_check_form(model, base)
        return super().get_form(request, obj, change=change, form=form, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None or not self.fieldsets:
            return fieldsets
        return [*fieldsets, (_("Likely duplicates"), {"fields": ["confirm_not_duplicate"]})]


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
