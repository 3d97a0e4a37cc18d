"""The forms of staff at work in the admin: a spreadsheet import, the likely-duplicate check on an add form, the
choice of the record kept by a merge, and the publishing guard every publishable record's form carries."""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from heritage import import_files
from heritage.duplicates import find_likely_duplicates
from heritage.models import Source
from heritage.transfer.files import ImportFileError, file_format

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (.csv, .xlsx or .geojson)"), required=False)
    token = forms.CharField(widget=forms.HiddenInput, required=False)
    sheet = forms.CharField(
        label=_("Sheet (of an .xlsx workbook)"),
        required=False,
        max_length=100,
        help_text=_("Its name; blank: the first sheet. The preview says which sheet it read and offers the others."),
    )
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


def duplicate_check_form(model, base):
    """``base`` (a model form of ``model``) that lists existing records with a similar name and saves only once
    staff tick "This is not a duplicate"."""

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

    return type(base.__name__, (DuplicateCheckForm,), {})


class MergeForm(forms.Form):
    keep = forms.TypedChoiceField(label=_("Keep"), coerce=int, widget=forms.RadioSelect)


class PublishGuardForm(forms.ModelForm):
    """Refuses, from a user without the publish permission, every change ``publishing_changes`` names: into or out
    of "published", and a published monument's sensitive location. The message lands on the field.

    On a published record such a user's change is a proposal (``proposing``, ``heritage.proposals``): nothing
    reaches the record before a Publisher approves it, so only leaving "published" is refused; the location,
    like every other field, waits in the proposal. ``proposal_reason`` is the Editor's "why"."""

    can_publish = False
    proposing = False
    stored = None  # the record as stored before this request (``publishing_snapshot``), set by PublishableAdmin

    proposal_reason = forms.CharField(
        label=_("Why this change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "This record is published: your change is kept as a proposal for a Publisher, who sees it beside the "
            "published version; the public sees the published version until it is approved. Say why (a source, "
            "an error you found)."
        ),
    )

    def clean(self):
        data = super().clean()
        if not self.can_publish:
            model = self._meta.model
            names = ("status",) if self.proposing else model.publishing_fields
            new = {name: data[name] for name in names if name in data}
            for name, message in model.publishing_changes(self.stored, new).items():
                self.add_error(name if name in self.fields else None, message)
        return data


class EvidenceGuardForm(forms.ModelForm):
    """Refuses, from a user without the publish permission, a change to public evidence of a published record
    (``heritage.review.change_refused``); new evidence from them waits for review instead. Set per request by
    the admin (``ReviewedInlineMixin``, ``ReviewedAdminMixin``): ``user`` and ``record_published`` (the record as
    stored before the request)."""

    user = None
    record_published = False
    # On its record's change form (``ReviewedInlineMixin``), a change to public evidence becomes part of the
    # record's proposed edit (``heritage.proposals``) instead: nothing is written before a Publisher approves it.
    proposes = False

    def clean(self):
        from heritage import review

        data = super().clean()
        if self.user is not None and self.has_changed():
            message = review.change_refused(self.instance, self.user, self.record_published)
            files = [name for name in self.changed_data if isinstance(self.fields[name], forms.FileField)]
            if message and (not self.proposes or files):
                raise ValidationError(message)
        return data


class ProposalDecisionForm(forms.Form):
    """A Publisher's decision on a proposed edit: the reason (required to reject) and, when the record changed
    since the proposal, the confirmation that it may be overwritten."""

    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with your decision; required for a rejection: the Editor reads it."),
    )
    confirm_stale = forms.BooleanField(label=_("Approve anyway, over the changes made since"), required=False)


class ReviewDecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the history with your decision; required for a rejection."),
    )

    def __init__(self, *args, approve=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.approve = approve
        if not approve:
            self.fields["reason"].required = True
