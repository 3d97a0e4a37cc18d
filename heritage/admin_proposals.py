"""The admin side of proposed edits (``heritage.proposals``): the list (Publishers see every proposal on the
records they may publish, Editors their own) and each proposal's page, the difference field by field, where a
Publisher approves or rejects it with a reason and its Editor reads the decision or withdraws it; and the
record admin's part (``ProposedEditsAdminMixin``, in ``PublishableAdmin``): saving a published record as a
proposal."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from heritage import proposals
from heritage.forms import ProposalDecisionForm
from heritage.models import Proposal, ProposalStatus, Reviewed
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


class ProposedEditsAdminMixin:
    """The admin of a publishable record (``PublishableAdmin``): a change to a published record by someone who
    may not publish it is kept as a proposed edit, nothing written (new evidence still saved pending); the form
    asks why; the record's form and history tell where its proposals stand. Needs ``has_publish_permission`` and
    the form's ``proposing`` (set by ``PublishableAdmin.get_form``)."""

    def proposing(self, request, obj):
        """Whether ``request``'s change to ``obj`` (as stored) is a proposal: a published record, changed by
        someone who may not publish it (``heritage.proposals``)."""
        return obj is not None and obj.pk is not None and obj.is_published and not self.has_publish_permission(request)

    def get_fields(self, request, obj=None):
        # The form declares the proposal's "why": drawn in its own fieldset, and only when proposing.
        return [name for name in super().get_fields(request, obj) if name != "proposal_reason"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.proposing(request, obj):
            return [*fieldsets, (_("Your proposal"), {"fields": ("proposal_reason",)})]
        return fieldsets

    def save_model(self, request, obj, form, change):
        if form.proposing:
            return  # the record stays as it is: save_related keeps the change as a proposal
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if not form.proposing:
            return super().save_related(request, form, formsets, change)
        # New evidence is saved pending (save_formset); everything else is the proposal, nothing is written.
        for formset in formsets:
            if issubclass(formset.model, Reviewed):
                self.save_formset(request, form, formset, change)
        changes = proposals.changes_from_forms(form.instance, form, formsets)
        if changes:
            reason = form.cleaned_data.get("proposal_reason", "")
            request.proposal = proposals.propose(form.instance, changes, request.user, reason)

    def construct_change_message(self, request, form, formsets, add=False):
        proposal = getattr(request, "proposal", None)
        if proposal is not None:
            return _("Proposed an edit (proposal %(number)s)") % {"number": proposal[0].pk}
        if getattr(form, "proposing", False):  # only the evidence formsets were saved
            formsets = [formset for formset in formsets if hasattr(formset, "new_objects")]
        return super().construct_change_message(request, form, formsets, add)

    def response_change(self, request, obj):
        proposal = getattr(request, "proposal", None)
        if proposal is None:
            return super().response_change(request, obj)
        proposal, added = proposal
        text = (
            _("Your change was added to your proposed edit of this record.")
            if added
            else _("Your change was kept as a proposed edit.")
        )
        self.message_user(
            request,
            text + " " + _("The public sees the published version until a Publisher approves it."),
            messages.SUCCESS,
        )
        return redirect(reverse("admin:heritage_proposal_change", args=[proposal.pk]))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            self._proposal_notes(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    # The history lists the record's proposed edits under its revisions: decided or not, they are part of it.
    object_history_template = "admin/heritage/object_history.html"

    def history_view(self, request, object_id, extra_context=None):
        try:
            pk = int(unquote(object_id))
        except ValueError:
            pk = None
        proposals_here = Proposal.objects.filter(
            content_type=ContentType.objects.get_for_model(self.model), object_id=pk
        ).select_related("proposed_by", "decided_by")
        context = {**(extra_context or {}), "proposals": list(proposals_here.order_by("-proposed_at")[:100])}
        return super().history_view(request, object_id, context)

    def _proposal_notes(self, request, object_id):
        """Tell the Editor where their proposals stand on this record, and a Publisher what waits for review."""
        try:
            pk = int(unquote(object_id))
        except ValueError:
            return
        user = request.user
        rows = list(
            Proposal.objects.filter(content_type=ContentType.objects.get_for_model(self.model), object_id=pk)
            .filter(Q(status=ProposalStatus.OPEN) | Q(proposed_by=user, status=ProposalStatus.REJECTED))
            .select_related("proposed_by", "decided_by")
            .order_by("-proposed_at")[:20]
        )
        open_ones = [p for p in rows if p.is_open]
        own_open = [p for p in open_ones if p.proposed_by_id == user.pk]
        link = lambda p: reverse("admin:heritage_proposal_change", args=[p.pk])  # noqa: E731
        if self.has_publish_permission(request) and open_ones:
            self.message_user(
                request,
                format_html(
                    '<a href="{}">{}</a>',
                    link(open_ones[-1]),
                    ngettext(
                        "%(count)d proposed edit of this record waits for review.",
                        "%(count)d proposed edits of this record wait for review.",
                        len(open_ones),
                    )
                    % {"count": len(open_ones)},
                ),
                messages.WARNING,
            )
        for proposal in own_open:
            when = date_format(proposal.proposed_at, "DATETIME_FORMAT")
            self.message_user(
                request,
                format_html(
                    '<a href="{}">{}</a>',
                    link(proposal),
                    _(
                        "Your proposed edit of %(when)s waits for a Publisher. The form shows the published "
                        "version; what you save now is added to your proposal."
                    )
                    % {"when": when},
                ),
                messages.INFO,
            )
        rejected = next((p for p in rows if p.status == ProposalStatus.REJECTED), None)
        if rejected is not None and not own_open:
            self.message_user(
                request,
                format_html(
                    '<a href="{}">{}</a>',
                    link(rejected),
                    _("Your proposed edit of %(when)s was rejected by %(who)s: %(reason)s")
                    % {
                        "when": date_format(rejected.proposed_at, "DATETIME_FORMAT"),
                        "who": rejected.decided_by,
                        "reason": rejected.decision_reason,
                    },
                ),
                messages.WARNING,
            )
