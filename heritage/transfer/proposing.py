"""An Editor's file import follows the rule of the admin form (``heritage.proposals``): a row that changes a
published record, from an importer without the publish permission, is not written; it becomes that Editor's
proposal on the record (fields, related records, added sources, and the registrations and identifiers the row
adds or changes as inline rows), and the public keeps the published version until a Publisher approves it.

New evidence in such a row (a risk listing) is written as pending evidence, as the admin saves it
(``heritage.review``); records that are drafts or new are written as before.
"""

from django.utils.translation import gettext as _

from heritage import proposals


class ProposedRows:
    """Mixed into ``TableImport``. Hooks: ``proposed_inlines(pending)`` (a subclass's inline rows) and
    ``write_pending_evidence(pendings)`` (a subclass's evidence, written pending)."""

    def proposes(self, pending):
        """Whether ``pending`` (a changed row) is a proposal rather than a write. No SQL (the checking thread)."""
        return (
            not self.can_publish
            and not pending.is_new
            and hasattr(self.model, "publishing_changes")
            and getattr(pending.obj, "is_published", False)
        )

    def proposed_values(self, pending):
        """The row's record as the row leaves it: every editable field, with the many-to-many it adds."""
        obj = pending.obj
        values = {}
        for field in self.model._meta.concrete_fields:
            if not field.editable or field.primary_key:
                continue
            values[field.name] = getattr(obj, field.name) if field.is_relation else getattr(obj, field.attname)
        for name, added in pending.m2m.items():
            if added - self.current_m2m(obj, name):
                related = self.model._meta.get_field(name).related_model
                values[name] = list(related._base_manager.filter(pk__in=added | self.current_m2m(obj, name)))
        return values

    def proposed_inlines(self, pending):
        return []

    def write_pending_evidence(self, pendings):
        pass

    def write_proposals(self, pendings):
        """Keep each row's changes as the importer's proposal on its record; returns how many were proposed."""
        self.write_pending_evidence(pendings)
        stored = self.model._base_manager.in_bulk([p.obj.pk for p in pendings])
        reason = _("Imported from a file")
        proposed = 0
        for pending in pendings:
            changes = proposals.changes_from_values(
                stored[pending.obj.pk], self.proposed_values(pending), self.proposed_inlines(pending)
            )
            if changes:
                proposals.propose(stored[pending.obj.pk], changes, self.user, reason)
                proposed += 1
        return proposed

    def inline_group(self, model, fk, objects):
        """``proposals.inline_rows`` of ``objects`` (new ones added, stored ones changed), stored versions read in
        one query."""
        stored = model._base_manager.in_bulk([obj.pk for obj in objects if not obj._state.adding])
        return proposals.inline_rows(
            model, fk, [(None if obj._state.adding else stored.get(obj.pk), obj) for obj in objects]
        )
