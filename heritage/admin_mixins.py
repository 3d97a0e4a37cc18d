"""Admin behaviour every app shares: history, who-changed-what, and the publishing permission.

Publishing is a separate permission (``publish_<model>``) held by the Publishers group. It is enforced in the
form's validation and in the admin actions, so a crafted POST from an Editor fails with a message on the field.
"""

import reversion
from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from reversion.admin import VersionAdmin

from heritage.models import PublishStatus


class TrackedAdmin(VersionAdmin):
    """Keeps a revision of every save (readable and revertible under "History") and records who saved."""

    readonly_fields = ("created_at", "created_by", "updated_at", "updated_by")
    history_latest_first = True

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


class LabelledTabularInline(admin.TabularInline):
    """A tabular inline whose inputs carry their column's name: its cells have no ``<label>`` of their own."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None:
            # A related-field wrapper shares its attrs with the widget it wraps, so this names the real input.
            formfield.widget.attrs.setdefault("aria-label", formfield.label)
        return formfield


class PublishGuardForm(forms.ModelForm):
    """Refuses a change into or out of "published" from a user without the publish permission."""

    can_publish = False

    def clean_status(self):
        new = self.cleaned_data.get("status")
        old = self.initial.get("status") if self.instance.pk else PublishStatus.DRAFT
        touches_published = PublishStatus.PUBLISHED in (new, old) and new != old
        if touches_published and not self.can_publish:
            raise forms.ValidationError(
                _("You may not publish or unpublish this record. Save it as draft or in review for a Publisher.")
            )
        return new


class PublishableAdmin(TrackedAdmin):
    form = PublishGuardForm
    actions = ["publish", "unpublish"]
    list_filter = ("status",)

    def has_publish_permission(self, request):
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.publish_{opts.model_name}")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.can_publish = self.has_publish_permission(request)  # a fresh class per request: safe to set
        return form

    def _set_status(self, request, queryset, status, comment):
        # All rows or none, each with a revision so history shows who published what.
        with transaction.atomic(), reversion.create_revision():
            reversion.set_user(request.user)
            reversion.set_comment(comment)
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
