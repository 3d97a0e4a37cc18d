"""Workflows on meetings: importing people, organizations and meetings (with participants and outcomes)."""

from django.utils.translation import gettext as _
from django_countries import countries

from heritage.models import Place, Source
from heritage.transfer.importer import TableImport
from heritage.transfer.results import RowError
from heritage.transfer.values import format_value
from meetings.models import (
    Event,
    FollowUp,
    Meeting,
    Organization,
    Outcome,
    OutcomeKind,
    Participant,
    Person,
    Topic,
)
from monuments.models import Monument

FIELD_SEPARATOR = "|"


class PersonImport(TableImport):
    model = Person
    key = "slug"
    fields = ("name", "alternative_names", "country", "description", "status")
    required = ("name",)
    help = {
        "slug": _("the person's identifier in addresses; leave blank for a new person"),
        "alternative_names": _("other spellings and transliterations, one per line"),
        "country": _("ISO 3166 code, e.g. AZ"),
    }


class OrganizationImport(TableImport):
    model = Organization
    key = "slug"
    fields = ("name", "acronym", "alternative_names", "kind", "country", "url", "description", "status")
    foreign_keys = {"parent": (Organization, "slug")}
    required = ("name", "kind")
    # Row by row, so that an organization can name as parent one created a few rows earlier in the same file.
    chunk_size = 1
    help = {
        "slug": _("the organization's identifier in addresses; leave blank for a new organization"),
        "parent": _("slug of the organization it is part of"),
        "country": _("ISO 3166 code, e.g. AZ"),
    }


def _escape(text):
    return text.replace("\\", "\\\\").replace("\r\n", "\n").replace("\n", "\\n")


def _unescape(text):
    return text.replace("\\n", "\n").replace("\\\\", "\\")


class MeetingImport(TableImport):
    """One row per meeting; its participants and outcomes are lines inside one cell each.

    participants: ``person slug | organization slug | description | role | country`` per line.
    outcomes: ``kind | follow-up | party slugs separated by commas | text`` per line (a line break in the text
    is written as ``\\n``). The cell lists them all: a changed cell replaces them in order, keeping the
    follow-up notes of outcomes that stay in the same place.
    """

    model = Meeting
    key = "slug"
    fields = ("title", "date", "end_date", "date_precision", "format", "summary", "account", "status")
    partial_dates = {"date": "date_precision", "end_date": "date_precision"}
    foreign_keys = {"event": (Event, "slug"), "place": (Place, "slug")}
    many_to_many = {"topics": (Topic, "slug"), "sources": (Source, "pk"), "monuments": (Monument, "slug")}
    required = ("title", "date")
    chunk_size = 500
    help = {
        "slug": _("the meeting's identifier in addresses; leave blank for a new meeting"),
        "date": _("YYYY-MM-DD, or YYYY-MM or YYYY when only the month or year is known"),
        "end_date": _("the last day of a visit of several days, written as the date is; blank for one day"),
        "topics": _("topic slugs"),
        "sources": _("ids of the sources that report the meeting"),
        "monuments": _("slugs of the monuments it concerned"),
        "participants": _("one per line: person slug | organization slug | description | role | country code"),
        "outcomes": _("one per line: kind | follow-up | party organization slugs, comma-separated | text"),
    }

    @classmethod
    def extra_columns(cls):
        return ["participants", "outcomes"]

    def export_queryset(self, queryset):
        return (
            super()
            .export_queryset(queryset)
            .prefetch_related("participants__person", "participants__organization", "outcomes__parties")
        )

    def export_extra(self, obj):
        participants = "\n".join(
            f" {FIELD_SEPARATOR} ".join(
                [
                    p.person.slug if p.person else "",
                    p.organization.slug if p.organization else "",
                    p.description,
                    p.role,
                    format_value(p.represented_country.code or ""),
                ]
            )
            for p in obj.participants.all()
        )
        outcomes = "\n".join(
            f" {FIELD_SEPARATOR} ".join(
                [o.kind, o.follow_up, ", ".join(sorted(p.slug for p in o.parties.all())), _escape(o.text)]
            )
            for o in obj.outcomes.all()
        )
        return [participants, outcomes]

    def prepare(self, chunk):
        super().prepare(chunk)
        meetings = list(self.existing.values())
        self.participants, self.outcomes = {}, {}
        for p in Participant.objects.filter(meeting__in=meetings).order_by("order", "id"):
            self.participants.setdefault(p.meeting_id, []).append(p)
        for o in Outcome.objects.filter(meeting__in=meetings).prefetch_related("parties").order_by("id"):
            self.outcomes.setdefault(o.meeting_id, []).append(o)
        people, organizations = set(), set()
        for _n, raw in chunk:
            for line in raw.get("participants", "").splitlines():
                parts = [x.strip() for x in line.split(FIELD_SEPARATOR)]
                people.add(parts[0])
                if len(parts) > 1:
                    organizations.add(parts[1])
            for line in raw.get("outcomes", "").splitlines():
                parts = line.split(FIELD_SEPARATOR, 3)
                if len(parts) > 2:
                    organizations.update(s.strip() for s in parts[2].split(","))
        self.people = self.cache_lookup(Person, "slug", people - {""})
        self.organizations = self.cache_lookup(Organization, "slug", organizations - {""})

    def _lookup(self, cache, model, slug, column, errors):
        if not slug:
            return None
        pk = cache.get(slug) or self.cache_lookup(model, "slug", {slug}).get(slug)
        if pk is None:
            errors.append(
                _("%(column)s: no %(model)s with slug “%(slug)s”.")
                % {"column": column, "model": model._meta.verbose_name, "slug": slug}
            )
        return pk

    def build_extra(self, raw, pending):
        errors, changed = [], False
        meeting = pending.obj
        if "participants" in raw:
            wanted = []
            for line in raw["participants"].splitlines():
                if not line.strip():
                    continue
                parts = [x.strip() for x in line.split(FIELD_SEPARATOR)]
                if len(parts) > 5:
                    errors.append(_("participants: too many “|” in “%(line)s”.") % {"line": line})
                    continue
                person, organization, description, role, country = parts + [""] * (5 - len(parts))
                person_id = self._lookup(self.people, Person, person, "participants", errors)
                organization_id = self._lookup(self.organizations, Organization, organization, "participants", errors)
                country = country.upper()
                if country and country not in countries:
                    errors.append(_("participants: “%(code)s” is not a country code.") % {"code": country})
                if not (person or organization or description):
                    errors.append(_("participants: name a person, an organization, or describe the participants."))
                wanted.append((person_id, organization_id, description, role, country))
            current = [
                (p.person_id, p.organization_id, p.description, p.role, p.represented_country.code or "")
                for p in self.participants.get(meeting.pk, [])
            ]
            if wanted != current:
                pending.extra["participants"] = wanted
                changed = True
        if "outcomes" in raw:
            wanted = []
            for line in raw["outcomes"].splitlines():
                if not line.strip():
                    continue
                parts = [x.strip() for x in line.split(FIELD_SEPARATOR, 3)]
                if len(parts) < 4:
                    errors.append(
                        _("outcomes: write “kind | follow-up | parties | text” in “%(line)s”.") % {"line": line}
                    )
                    continue
                kind, follow_up, parties, text = parts
                if kind not in OutcomeKind.values:
                    errors.append(_("outcomes: “%(kind)s” is not an outcome kind.") % {"kind": kind})
                follow_up = follow_up or FollowUp.OPEN
                if follow_up not in FollowUp.values:
                    errors.append(_("outcomes: “%(value)s” is not a follow-up status.") % {"value": follow_up})
                if not text:
                    errors.append(_("outcomes: the text is missing in “%(line)s”.") % {"line": line})
                party_ids = frozenset(
                    self._lookup(self.organizations, Organization, s.strip(), "outcomes", errors)
                    for s in parties.split(",")
                    if s.strip()
                )
                wanted.append((kind, follow_up, party_ids, _unescape(text)))
            current = [
                (o.kind, o.follow_up, frozenset(p.pk for p in o.parties.all()), o.text)
                for o in self.outcomes.get(meeting.pk, [])
            ]
            if wanted != current:
                pending.extra["outcomes"] = wanted
                changed = True
        if errors:
            raise RowError(errors)
        return changed

    def write_extra(self, pendings):
        stale, fresh, outcome_writes = [], [], []
        for pending in pendings:
            meeting = pending.obj
            if "participants" in pending.extra:
                stale += [p.pk for p in self.participants.get(meeting.pk, [])] if not pending.is_new else []
                fresh += [
                    Participant(
                        meeting_id=meeting.pk,
                        person_id=person,
                        organization_id=organization,
                        description=description,
                        role=role,
                        represented_country=country,
                        order=order,
                    )
                    for order, (person, organization, description, role, country) in enumerate(
                        pending.extra["participants"]
                    )
                ]
            if "outcomes" in pending.extra:
                outcome_writes.append((meeting, pending.extra["outcomes"], pending.is_new))
        Participant.objects.filter(pk__in=stale).delete()
        self.write_objects(Participant, fresh, [], [])
        outcomes = self._write_outcomes(outcome_writes)
        self.record_versions(fresh)
        self.record_versions(outcomes)

    def _write_outcomes(self, writes):
        new, changed, drop, parties = [], [], [], []
        for meeting, wanted, is_new in writes:
            current = [] if is_new else self.outcomes.get(meeting.pk, [])
            for index, (kind, follow_up, party_ids, text) in enumerate(wanted):
                # Update in place where possible so follow-up notes (not in the file) are kept.
                outcome = current[index] if index < len(current) else Outcome(meeting_id=meeting.pk)
                outcome.kind, outcome.follow_up, outcome.text = kind, follow_up, text
                (changed if outcome.pk else new).append(outcome)
                parties.append((outcome, party_ids))
            drop += [o.pk for o in current[len(wanted) :]]
        Outcome.objects.filter(pk__in=drop).delete()
        self.write_objects(Outcome, new, changed, ["kind", "follow_up", "text"])
        through = Outcome.parties.through
        through.objects.filter(outcome_id__in=[o.pk for o in changed]).delete()
        through.objects.bulk_create(
            [through(outcome_id=o.pk, organization_id=pk) for o, ids in parties for pk in ids], batch_size=1000
        )
        return new + changed
