"""Proposed edits: a change to a published record by someone who may not publish it is kept as a ``Proposal``
(what changes, from what to what, who, when, why) and the record is left as it is, so that the public keeps
seeing the published version until a Publisher approves the proposal (applied, in history) or rejects it.

One mechanism for every publishable model: the admin hands over its validated form and inline formsets
(``propose``); ``decide`` applies or refuses. New evidence (``Reviewed``: assessments, outcomes, restorations,
images) is not proposed: it is saved pending (``heritage.review``); a change to public evidence on the record's
form is proposed like any inline row (an image's file excepted: refused, see ``EvidenceGuardForm``).
"""

import datetime
import json
from decimal import Decimal

import reversion
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from reversion.models import Version

from heritage.models import EditKind, Proposal, ProposalStatus, Reviewed, RevisionKind, Searchable
from heritage.review import publish_permission


class StaleProposalError(Exception):
    """Approving would overwrite what changed since the proposal: ``conflicts`` lists it; ask again."""

    def __init__(self, conflicts):
        super().__init__(_("The record changed after this proposal was made."))
        self.conflicts = conflicts


PLAIN = (str, int, float, Decimal, datetime.date, type(None))  # values JSON keeps as they are (or as text)


def _plain(value):
    """A value as JSON keeps it (Decimal and dates as text), so that stored and fresh values compare alike."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _raw(field, value):
    """``value`` (a form's cleaned value or a model attribute) of ``field`` as the proposal stores it."""
    if field.many_to_many:
        return sorted(obj.pk for obj in value or [])
    if field.is_relation:
        return None if value is None else getattr(value, "pk", value)
    if not isinstance(value, PLAIN):
        value = field.get_prep_value(value)  # a country (django-countries' Country) as its code
    return _plain(value)


def _python(field, raw):
    if field.many_to_many:
        return sorted(raw or [])
    if field.is_relation:
        return None if raw is None else field.target_field.to_python(raw)
    return field.to_python(raw)


def _text(field, value):
    """What a reader sees of ``value``: a related record's name, a choice's label, "yes"/"no"."""
    if field.many_to_many:
        return ", ".join(str(obj) for obj in value or [])
    if value is None or value == "":
        return ""
    if field.is_relation:
        return str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _stored(obj, field):
    """``(raw, text)`` of ``field`` on ``obj`` as stored."""
    if field.many_to_many:
        related = list(getattr(obj, field.name).all()) if obj.pk else []
        return _raw(field, related), _text(field, related)
    value = getattr(obj, field.name)
    return _raw(field, value), _text(field, value)


def _proposable(model, names):
    fields = []
    for name in names:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:  # a form-only field (the proposal's reason, a confirmation box)
            continue
        if field.editable and not field.auto_created and not isinstance(field, models.FileField):
            fields.append(field)
    return fields


def _field_changes(stored, values, names):
    """``{field: {from, to, from_text, to_text}}`` of the ``names`` whose value in ``values`` (a form's cleaned
    data, or an imported row's values) differs from ``stored``."""
    changes = {}
    for field in _proposable(type(stored), names):
        if field.name not in values:
            continue
        new = values[field.name]
        old_raw, old_text = _stored(stored, field)
        new_raw = _raw(field, new)
        if _python(field, old_raw) != _python(field, new_raw):
            changes[field.name] = {"from": old_raw, "to": new_raw, "from_text": old_text, "to_text": _text(field, new)}
    return changes


def _added_row(model, fk, values, label):
    """An inline row a change adds: the value of each of its fields in ``values`` (name -> value), its link to the
    record (``fk``) left out."""
    added = {}
    for field in _proposable(model, values):
        if field.name != fk:
            added[field.name] = {"to": _raw(field, values[field.name]), "to_text": _text(field, values[field.name])}
    return {"op": "add", "label": label, "values": added}


def _inline_changes(formset):
    model, fk = formset.model, formset.fk.name
    evidence = issubclass(model, Reviewed)  # only its public rows are proposed: new ones are saved pending
    rows = []
    pks = [form.instance.pk for form in formset.initial_forms if form.instance.pk]
    stored = model._base_manager.in_bulk(pks)
    for form in formset.initial_forms:
        old = stored.get(form.instance.pk)
        if old is None or (evidence and not old.is_public):
            continue
        if formset.can_delete and formset._should_delete_form(form):
            rows.append({"op": "delete", "pk": old.pk, "label": str(old)})
        elif form.has_changed():
            fields = _field_changes(old, form.cleaned_data, form.changed_data)
            if fields:
                rows.append({"op": "change", "pk": old.pk, "label": str(old), "fields": fields})
    for form in [] if evidence else formset.extra_forms:
        if not form.has_changed() or (formset.can_delete and formset._should_delete_form(form)):
            continue
        rows.append(_added_row(model, fk, form.cleaned_data, str(form.instance)))
    return {"model": model._meta.label_lower, "fk": fk, "rows": rows} if rows else None


def changes_from_forms(record, form, formsets):
    """What saving ``form`` and ``formsets`` (validated, not saved) would change on ``record``, field by field
    and inline row by inline row, compared with the record as stored (of evidence, only its public rows)."""
    stored = type(record)._base_manager.get(pk=record.pk)
    inlines = [change for formset in formsets for change in [_inline_changes(formset)] if change]
    fields = _field_changes(stored, form.cleaned_data, form.changed_data)
    return {"fields": fields, "inlines": inlines} if fields or inlines else None


def changes_from_values(stored, values, inlines=()):
    """What setting ``values`` (field name -> value as a model attribute holds it; related records as records,
    many-to-many as a list of records) would change on ``stored``, plus ``inlines`` groups as
    ``changes_from_forms`` makes them: a file import's row on a published record (``heritage.transfer``)."""
    fields = _field_changes(stored, values, list(values))
    inlines = [group for group in inlines if group["rows"]]
    return {"fields": fields, "inlines": inlines} if fields or inlines else None


def inline_rows(model, fk, rows):
    """An inline group of an imported row: ``rows`` are ``(stored or None, obj)`` pairs of ``model`` records, an
    added one when ``stored`` is None, else its changed fields."""
    group = []
    fields = [f for f in _proposable(model, [f.name for f in model._meta.concrete_fields]) if f.name != fk]
    for stored, obj in rows:
        values = {field.name: getattr(obj, field.name) for field in fields}
        if stored is None:
            group.append(_added_row(model, fk, values, str(obj)))
        elif changed := _field_changes(stored, values, list(values)):
            group.append({"op": "change", "pk": stored.pk, "label": str(stored), "fields": changed})
    return {"model": model._meta.label_lower, "fk": fk, "rows": group}


def _merge(old, new):
    """An Editor's further change added to their open proposal: a field changed again takes its newest value
    (from what the record is), inline rows are added to the list (a row changed again: the newest change)."""
    fields = {**old.get("fields", {}), **new.get("fields", {})}
    groups = {(g["model"], g["fk"]): g for g in old.get("inlines", [])}
    for group in new.get("inlines", []):
        key = (group["model"], group["fk"])
        if key not in groups:
            groups[key] = group
            continue
        again = {row.get("pk") for row in group["rows"]}
        kept = [row for row in groups[key]["rows"] if row["op"] == "add" or row["pk"] not in again]
        groups[key] = {**group, "rows": kept + group["rows"]}
    return {"fields": fields, "inlines": list(groups.values())}


def propose(record, changes, user, reason=""):
    """Keep ``changes`` (``changes_from_forms``) to ``record`` as ``user``'s proposal, added to their open one
    on it if there is one. Returns ``(proposal, added)``: ``added`` when it joined an open proposal."""
    content_type = ContentType.objects.get_for_model(record)
    label = str(type(record)._base_manager.get(pk=record.pk))[:300]  # its published name, not the proposed one
    with transaction.atomic():
        proposal = (
            Proposal.objects.open()
            .select_for_update()
            .filter(content_type=content_type, object_id=record.pk, proposed_by=user)
            .first()
        )
        if proposal is not None:
            proposal.changes = _merge(proposal.changes, _plain(changes))
            if reason.strip():
                proposal.reason = "\n\n".join(r for r in (proposal.reason, reason.strip()) if r)
            proposal.record_repr = label
            proposal.save()
            return proposal, True
        try:
            with transaction.atomic():
                proposal = Proposal.objects.create(
                    content_type=content_type,
                    object_id=record.pk,
                    record_repr=label,
                    changes=_plain(changes),
                    reason=reason.strip(),
                    proposed_by=user,
                )
        except IntegrityError:  # a second request of the same Editor's, at the same moment: join it
            return propose(record, changes, user, reason)
        return proposal, False


def conflicts(proposal, record):
    """What changed on ``record`` since ``proposal`` was made, where the proposal would overwrite it: a field
    whose value is no longer the proposal's "from", a row it changes or deletes that is gone. Texts for the
    Publisher, empty when the proposal applies as it was made."""
    found = []
    model = type(record)
    for name, change in proposal.changes.get("fields", {}).items():
        field = model._meta.get_field(name)
        now_raw, now_text = _stored(record, field)
        if _python(field, now_raw) != _python(field, change["from"]):
            found.append(
                _("%(field)s: proposed from “%(old)s” to “%(new)s”, but it is now “%(now)s”.")
                % {"field": field.verbose_name, "old": change["from_text"], "new": change["to_text"], "now": now_text}
            )
    for group in proposal.changes.get("inlines", []):
        inline = apps.get_model(group["model"])
        pks = [row["pk"] for row in group["rows"] if row["op"] != "add"]
        present = inline._base_manager.filter(pk__in=pks, **{group["fk"]: record}).in_bulk()
        for row in group["rows"]:
            if row["op"] == "add":
                continue
            now = present.get(row["pk"])
            if now is None:
                found.append(_("%(row)s: no longer on the record.") % {"row": row["label"]})
                continue
            for name, change in row.get("fields", {}).items():
                field = inline._meta.get_field(name)
                if _python(field, _stored(now, field)[0]) != _python(field, change["from"]):
                    found.append(
                        _("%(row)s, %(field)s: changed since the proposal.")
                        % {"row": row["label"], "field": field.verbose_name}
                    )
    return found


def changed_since(proposal):
    """Whether history holds a revision of the record saved after the proposal was made."""
    return (
        Version.objects.filter(content_type=proposal.content_type, object_id=str(proposal.object_id))
        .filter(revision__date_created__gt=proposal.proposed_at)
        .exists()
    )


def _set(obj, field, raw, m2m):
    if field.many_to_many:
        m2m.append((field.name, raw))
    else:
        setattr(obj, field.attname, _python(field, raw))


def _save(obj, m2m, exclude=()):
    not_editable = [f.name for f in obj._meta.concrete_fields if not f.editable]
    obj.full_clean(exclude=[*not_editable, *exclude], validate_unique=True)
    obj.save()
    for name, raw in m2m:
        getattr(obj, name).set(raw)


def _apply(proposal, record):
    model = type(record)
    m2m = []
    for name, change in proposal.changes.get("fields", {}).items():
        _set(record, model._meta.get_field(name), change["to"], m2m)
    _save(record, m2m)
    for group in proposal.changes.get("inlines", []):
        inline = apps.get_model(group["model"])
        for row in group["rows"]:
            if row["op"] == "add":
                obj = inline(**{group["fk"]: record})
                values = {name: value["to"] for name, value in row["values"].items()}
            else:
                obj = inline._base_manager.filter(pk=row["pk"], **{group["fk"]: record}).first()
                if obj is None:
                    continue  # gone since: the Publisher was told and confirmed
                if row["op"] == "delete":
                    obj.delete()
                    continue
                values = {name: value["to"] for name, value in row["fields"].items()}
            row_m2m = []
            for name, raw in values.items():
                _set(obj, inline._meta.get_field(name), raw, row_m2m)
            _save(obj, row_m2m)
    if isinstance(record, Searchable):
        record.refresh_search()


def already_decided(proposal):
    return _("This proposal is already decided: %(state)s.") % {"state": proposal.get_status_display()}


def decide(proposal, user, approve, reason="", confirmed=False):
    """Approve (apply) or reject ``proposal`` as ``user``, all or nothing. Returns the proposal as decided.

    Raises ``PermissionDenied`` unless ``user`` may publish its record, ``ValueError`` for a rejection without a
    reason or a proposal no longer open, ``StaleProposalError`` when approving would overwrite changes made since
    (unless ``confirmed``) and ``ValidationError`` when the changes are no longer valid (nothing is applied). A proposal
    whose record is gone is closed (state "closed"), with a message, and nothing else happens.
    """
    reason = (reason or "").strip()
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().select_related("content_type").get(pk=proposal.pk)
        model = proposal.record_model
        if model is None or not user.has_perm(publish_permission(model)):
            raise PermissionDenied(_("Only a Publisher may approve or reject a proposed edit."))
        if not proposal.is_open:
            raise ValueError(already_decided(proposal))
        if not approve and not reason:
            raise ValueError(_("Give a reason for the rejection: the Editor who proposed it will read it."))
        proposal.decided_by, proposal.decided_at, proposal.decision_reason = user, timezone.now(), reason
        record = model._base_manager.select_for_update().filter(pk=proposal.object_id).first()
        if record is None:
            proposal.status = ProposalStatus.CLOSED
            proposal.decision_reason = reason or _("The record was deleted or merged into another meanwhile.")
            proposal.save()
            return proposal
        if not approve:
            proposal.status = ProposalStatus.REJECTED
            proposal.save()
            return proposal
        found = conflicts(proposal, record)
        if found and not confirmed:
            raise StaleProposalError(found)
        when = timezone.localtime(proposal.proposed_at).strftime("%Y-%m-%d %H:%M")
        comment = _("Proposed edit by %(editor)s of %(when)s approved by %(publisher)s") % {
            "editor": proposal.proposed_by,
            "when": when,
            "publisher": user,
        }
        if proposal.reason:
            comment += " — " + _("why: %(why)s") % {"why": proposal.reason}
        if reason:
            comment += " — " + _("decision: %(reason)s") % {"reason": reason}
        with reversion.create_revision():
            reversion.set_user(user)
            reversion.set_comment(comment)
            reversion.add_meta(RevisionKind, kind=EditKind.APPROVED)
            if hasattr(record, "updated_by_id"):
                record.updated_by = user
            _apply(proposal, record)
            reversion.add_to_revision(record)
        proposal.status = ProposalStatus.APPROVED
        proposal.revision = (
            Version.objects.get_for_object(record).select_related("revision").first().revision
            if reversion.is_registered(model)
            else None
        )
        proposal.save()
        return proposal


def withdraw(proposal, user):
    """The Editor who proposed it takes it back (no other user may)."""
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.proposed_by_id != user.pk:
            raise PermissionDenied(_("Only the Editor who proposed it may withdraw a proposal."))
        if not proposal.is_open:
            raise ValueError(already_decided(proposal))
        proposal.status, proposal.decided_by, proposal.decided_at = ProposalStatus.WITHDRAWN, user, timezone.now()
        proposal.save()
        return proposal


def diff_rows(proposal):
    """The proposal as the review page shows it: ``(where, field label, from, to)`` rows, inlines included."""
    model = proposal.record_model
    rows = []
    for name, change in proposal.changes.get("fields", {}).items():
        label = model._meta.get_field(name).verbose_name if model else name
        rows.append(("", label, change["from_text"], change["to_text"]))
    for group in proposal.changes.get("inlines", []):
        try:
            inline = apps.get_model(group["model"])
        except LookupError:
            continue
        kind = inline._meta.verbose_name
        for row in group["rows"]:
            where = f"{kind}: {row['label']}"
            if row["op"] == "delete":
                rows.append((where, _("removed"), row["label"], ""))
            elif row["op"] == "add":
                where = _("%(kind)s (new)") % {"kind": kind}
                for name, value in row["values"].items():
                    if value["to_text"]:
                        rows.append((where, inline._meta.get_field(name).verbose_name, "", value["to_text"]))
            else:
                for name, change in row["fields"].items():
                    label = inline._meta.get_field(name).verbose_name
                    rows.append((where, label, change["from_text"], change["to_text"]))
    return rows
