"""The admin side of evidence review (``heritage.review``): the review state shown read-only on evidence and its
inlines, the guard on public evidence, and the Publishers' approve and reject actions with a reason."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from heritage import review
from heritage.forms import EvidenceGuardForm, ReviewDecisionForm

REVIEW_FIELDS = ("review_status", "submitted_by", "submitted_at", "reviewed_by", "reviewed_at", "review_reason")


class ReviewedInlineMixin:
    """An inline of evidence on its record's change form: the review state read-only beside it, and the guard
    (``EvidenceGuardForm``). The record's admin (``PublishableAdmin.save_formset``) sets the state on save."""

    form = EvidenceGuardForm

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "review_status", "review_reason")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # A fresh form class per call: safe to set. ``obj`` is the record as stored (forms have not run yet).
        formset.form.user = request.user
        formset.form.record_published = bool(obj) and obj.is_published
        formset.form.proposes = True
        return formset


class ReviewedAdminMixin:
    """The admin of a kind of evidence on its own: the review state read-only, the guard, the state set on save,
    and the Publishers' actions "approve" and "reject" (with a reason, on a confirmation page)."""

    form = EvidenceGuardForm
    actions = ["approve_evidence", "reject_evidence"]

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), *REVIEW_FIELDS)

    def has_review_permission(self, request):
        return review.can_decide(request.user, self.model)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        form.record_published = bool(obj) and obj.review_record.is_published
        return form

    def save_model(self, request, obj, form, change):
        # The record it was on as stored (the guard's), or the one it is now on, read fresh by the form.
        review.submit(obj, request.user, form.record_published or obj.review_record.is_published)
        super().save_model(request, obj, form, change)

    @admin.action(permissions=["review"], description=gettext_lazy("Approve selected evidence (make it public)"))
    def approve_evidence(self, request, queryset):
        return self._review_decision(request, queryset, approve=True)

    @admin.action(permissions=["review"], description=gettext_lazy("Reject selected evidence, with a reason"))
    def reject_evidence(self, request, queryset):
        return self._review_decision(request, queryset, approve=False)

    def _review_decision(self, request, queryset, approve):
        form = ReviewDecisionForm(request.POST if request.POST.get("confirm") else None, approve=approve)
        if form.is_bound and form.is_valid():
            try:
                decided, skipped = review.decide(queryset, request.user, approve, form.cleaned_data["reason"])
            except (PermissionDenied, ValueError) as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return None
            text = (
                ngettext("%(count)d approved.", "%(count)d approved.", decided)
                if approve
                else ngettext("%(count)d rejected.", "%(count)d rejected.", decided)
            ) % {"count": decided}
            if skipped:
                text += " " + ngettext(
                    "%(count)d was not pending and was left as it was.",
                    "%(count)d were not pending and were left as they were.",
                    skipped,
                ) % {"count": skipped}
            self.message_user(request, text, messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Approve evidence") if approve else _("Reject evidence"),
            "opts": self.model._meta,
            "queryset": queryset,
            "form": form,
            "approve": approve,
            "action": "approve_evidence" if approve else "reject_evidence",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/heritage/review_decision.html", context)
