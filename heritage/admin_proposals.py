"""The admin side of proposed edits (``heritage.proposals``): the list (Publishers see every proposal on the
records they may publish, Editors their own) and each proposal's page, the difference field by field, where a
Publisher approves or rejects it with a reason and its Editor reads the decision or withdraws it."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from heritage import proposals
from heritage.forms import ProposalDecisionForm
from heritage.models import Proposal, ProposalStatus
from heritage.review import publish_permission


def decidable_types(user):
    """The kinds of record ``user`` may publish, and so decide proposals on."""
    return [
        ct.pk
        for ct in ContentType.objects.filter(pk__in=Proposal.objects.values("content_type").distinct())
        if ct.model_class() is not None and user.has_perm(publish_permission(ct.model_class()))
    ]


def can_decide(user, proposal):
    model = proposal.record_model
    return model is not None and user.has_perm(publish_permission(model))


class ProposalAdmin(admin.ModelAdmin):
    list_display = ("__str__", "content_type", "proposed_by", "proposed_at", "status", "decided_by", "decided_at")
    list_filter = ("status", "content_type")
    list_select_related = ("content_type", "proposed_by", "decided_by")
    ordering = ("proposed_at", "id")  # oldest first: proposals on one record are handled in order
    search_fields = ("record_repr",)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(Q(proposed_by=request.user) | Q(content_type__in=decidable_types(request.user)))

    def has_add_permission(self, request):
        return False  # made by saving a published record

    def has_delete_permission(self, request, obj=None):
        return False  # kept: what was proposed and decided is part of the record's history

    def record_links(self, proposal, record):
        if record is None:
            return None, None
        opts = type(record)._meta
        try:
            admin_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])
        except NoReverseMatch:
            admin_url = None
        public = record.get_absolute_url() if getattr(record, "is_published", False) else None
        return admin_url, public

    def change_view(self, request, object_id, form_url="", extra_context=None):
        proposal = self.get_object(request, unquote(object_id))
        if proposal is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, proposal):
            raise PermissionDenied
        deciding = can_decide(request.user, proposal)
        form = ProposalDecisionForm(request.POST if request.method == "POST" else None)
        stale = []
        if request.method == "POST":
            decision = request.POST.get("decision")
            try:
                if decision == "withdraw":
                    proposals.withdraw(proposal, request.user)
                    self.message_user(request, _("Your proposal is withdrawn."), messages.SUCCESS)
                    return redirect(request.path)
                if decision in ("approve", "reject") and form.is_valid():
                    data = form.cleaned_data
                    decided = proposals.decide(
                        proposal, request.user, decision == "approve", data["reason"], data["confirm_stale"]
                    )
                    text = {
                        ProposalStatus.APPROVED: _("Approved: the change is applied and public now."),
                        ProposalStatus.REJECTED: _("Rejected: the record is unchanged; the Editor sees your reason."),
                        ProposalStatus.CLOSED: _(
                            "The record was deleted or merged into another meanwhile: the proposal is closed."
                        ),
                    }[decided.status]
                    level = messages.WARNING if decided.status == ProposalStatus.CLOSED else messages.SUCCESS
                    self.message_user(request, text, level)
                    return redirect(reverse("admin:heritage_proposal_changelist") + "?status__exact=open")
            except proposals.StaleProposalError as exc:
                stale = exc.conflicts
                self.message_user(
                    request,
                    _("The record changed after this proposal was made: check what changed and approve again."),
                    messages.WARNING,
                )
            except (PermissionDenied, ValueError) as exc:
                self.message_user(request, str(exc), messages.ERROR)
            except ValidationError as exc:
                self.message_user(
                    request,
                    _("The proposal no longer applies: %(errors)s") % {"errors": " ".join(exc.messages)},
                    messages.ERROR,
                )
            proposal.refresh_from_db()
        record = proposal.record()
        conflicts = stale or (proposals.conflicts(proposal, record) if record is not None and proposal.is_open else [])
        admin_url, public_url = self.record_links(proposal, record)
        # Proposals on one record are handled in order: say so when an older one still waits.
        older = (
            Proposal.objects.open()
            .filter(content_type=proposal.content_type_id, object_id=proposal.object_id)
            .filter(Q(proposed_at__lt=proposal.proposed_at) | Q(proposed_at=proposal.proposed_at, pk__lt=proposal.pk))
            .order_by("proposed_at", "pk")
            .first()
            if proposal.is_open
            else None
        )
        context = {
            **self.admin_site.each_context(request),
            "title": str(proposal),
            "opts": self.opts,
            "proposal": proposal,
            "record": record,
            "record_admin_url": admin_url,
            "record_public_url": public_url,
            "rows": proposals.diff_rows(proposal),
            "older": older,
            "conflicts": conflicts,
            "changed_since": record is not None and proposal.is_open and proposals.changed_since(proposal),
            "form": form,
            "deciding": deciding and proposal.is_open,
            "withdrawing": proposal.is_open and proposal.proposed_by_id == request.user.pk,
        }
        return TemplateResponse(request, "admin/heritage/proposal.html", context)
