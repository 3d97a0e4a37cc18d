"""Workflows on meetings: importing people, organizations, events and meetings (with participants and outcomes)."""

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from heritage import proposals, review
from heritage.models import Place, PublishStatus, Source
from heritage.names import NAME_COLUMN_HELP, NAME_COLUMNS
from heritage.transfer.identifiers import IdentifierMatching
from heritage.transfer.importer import TableImport
from heritage.transfer.preview import Mentions
from heritage.transfer.results import RowError
from heritage.transfer.slugs import slugs_for_name
from heritage.transfer.values import choice_value, format_value, parse_field, parse_partial_date, split_list
from heritage.transliteration import fold
from meetings.models import (
    Event,
    EventIdentifier,
    FollowUp,
    Meeting,
    Organization,
    OrganizationIdentifier,
    Outcome,
    Participant,
    Person,
    PersonIdentifier,
    Topic,
)
from monuments.models import Monument

FIELD_SEPARATOR = "|"

# Titles a list of visits writes before a visitor's name ("President Ilham Aliyev", "Queen Elizabeth II"): a
# person is matched and created without it, and it becomes the participant's role (unless a role is given).
# Longest first, so that "Prime Minister" is not read as "Prime" + "Minister …". Also "Name, title" and
# "Name (title)" (``split_title``).
TITLES = sorted(
    [
        "President", "Vice President", "Vice-President", "Prime Minister", "Deputy Prime Minister", "Premier",
        "Chancellor", "Federal Chancellor", "King", "Queen", "Emperor", "Empress", "Crown Prince", "Crown Princess",
        "Prince", "Princess", "Grand Duke", "Grand Duchess", "Emir", "Amir", "Sheikh", "Sultan", "Shah", "Pope",
        "General Secretary", "General", "Chairman", "Chairwoman", "Minister", "Foreign Minister", "Governor-General",
        "Secretary-General", "Secretary General", "Secretary of State", "Marshal", "Field Marshal", "Colonel",
        "Speaker", "Mayor", "Senator", "Ambassador", "Dr.", "Dr", "Mr.", "Mr", "Mrs.", "Mrs", "Ms.", "Ms",
        "H.E.", "His Excellency", "Her Excellency", "His Majesty", "Her Majesty", "His Highness", "Her Highness",
    ],
    key=len,
    reverse=True,
)  # fmt: skip
TITLE_WORDS = "|".join(re.escape(t.rstrip(".")) for t in TITLES)
LEADING_TITLE = re.compile(rf"(?i)^((?:{TITLE_WORDS})\.?)\s+(?=\S)")
TRAILING_TITLE = re.compile(r"^(?P<name>[^,(]+?)\s*(?:,\s*(?P<comma>.+)|\((?P<paren>[^)]+)\))$")


SLUG_SHAPED = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+")


def split_title(text):
    """``(name, title)`` of a visitor written with a title: "President Ilham Aliyev" → ("Ilham Aliyev",
    "President"); "Ilham Aliyev, President of Azerbaijan" and "Ilham Aliyev (President of Azerbaijan)" →
    ("Ilham Aliyev", "President of Azerbaijan"). ("", "") when ``text`` carries no title."""
    text = text.strip()
    if match := TRAILING_TITLE.match(text):
        return match["name"].strip(), (match["comma"] or match["paren"]).strip()
    titles = []
    while match := LEADING_TITLE.match(text):
        titles.append(match[1])
        text = text[match.end() :]
    return (text, " ".join(titles)) if titles else ("", "")


class PersonImport(IdentifierMatching, TableImport):
    model = Person
    identifier_model = PersonIdentifier
    key = "slug"
    fields = ("name", "alternative_names", "country", "description", "status", *NAME_COLUMNS)
    required = ("name",)
    help = {
        "slug": gettext_lazy("the person's identifier in addresses; leave blank for a new person"),
        "alternative_names": gettext_lazy("other spellings and transliterations, one per line"),
        "country": gettext_lazy("ISO 3166 code, e.g. AZ"),
        **NAME_COLUMN_HELP,
    }


class OrganizationImport(IdentifierMatching, TableImport):
    model = Organization
    identifier_model = OrganizationIdentifier
    key = "slug"
    fields = ("name", "acronym", "alternative_names", "kind", "country", "url", "description", "status", *NAME_COLUMNS)
    foreign_keys = {"parent": (Organization, "slug")}
    required = ("name", "kind")
    # Row by row, so that an organization can name as parent one created a few rows earlier in the same file.
    chunk_size = 1
    help = {
        "slug": gettext_lazy("the organization's identifier in addresses; leave blank for a new organization"),
        "parent": gettext_lazy("slug of the organization it is part of"),
        "country": gettext_lazy("ISO 3166 code, e.g. AZ"),
        **NAME_COLUMN_HELP,
    }


# A file without a start_date column names an event by its name alone (``EventImport.natural_key``).
ANY_DATE = object()


class EventImport(IdentifierMatching, TableImport):
    """Events (conferences, forums, visits) with their identifiers. A row is the event its identifier names; a row
    without a slug, else, the event of the same name (case and diacritics aside) and start date, so that a file
    without slugs imports twice without duplicates; only then is it a new event."""

    model = Event
    identifier_model = EventIdentifier
    key = "slug"
    fields = (
        "name", "short_name", "kind", "start_date", "end_date", "date_precision", "url", "description", "status",
        *NAME_COLUMNS,
    )  # fmt: skip
    partial_dates = {"start_date": "date_precision", "end_date": "date_precision"}
    foreign_keys = {"place": (Place, "slug"), "organizer": (Organization, "slug")}
    many_to_many = {"sources": (Source, "pk")}
    required = ("name",)
    chunk_size = 500
    help = {
        "slug": gettext_lazy(
            "the event's identifier in addresses; leave blank for a new event, or to find it by name and start date"
        ),
        "start_date": gettext_lazy("YYYY-MM-DD, or YYYY-MM or YYYY when only the month or year is known"),
        "end_date": gettext_lazy("the last day of an event of several days, written as the start date is"),
        "place": gettext_lazy("the place it was held: slug or name"),
        "organizer": gettext_lazy("the organization that held it: slug or name"),
        "sources": gettext_lazy("ids of the sources that report the event"),
        **NAME_COLUMN_HELP,
    }

    def prepare_natural_keys(self, chunk):
        """The events bearing the names of the chunk's rows without a slug (``find_existing``)."""
        if not hasattr(self, "natural_keys_in_file"):
            self.natural_keys_in_file = {}  # (folded name, start date) -> the first row without a slug giving it
        names = {raw["name"].strip() for _n, raw in chunk if raw.get("name", "").strip() and not raw.get(self.key)}
        self.events_named = {}
        if not names:
            return set()
        index = self.names_of(Event)
        if index is not None:
            for name in names:
                self.events_named.setdefault(fold(name), set()).update(index.find(name))
        else:  # a table too large to read whole for names: the names as written
            for pk, name in Event._default_manager.filter(name__in=names).values_list("pk", "name"):
                self.events_named.setdefault(fold(name), set()).add(pk)
        return set().union(*self.events_named.values())

    def natural_key(self, raw):
        """``(folded name, start date)`` of a row, the start ``ANY_DATE`` in a file without that column; None when
        the row has no name or its start date is not a date (``build`` says so)."""
        name = raw.get("name", "").strip()
        if not name:
            return None
        if "start_date" not in raw:
            return fold(name), ANY_DATE
        text = raw["start_date"]
        partial = parse_partial_date(text)
        try:
            start = partial[0] if partial else self.parse(Event._meta.get_field("start_date"), text, "start_date")
        except RowError:
            return None
        return fold(name), start

    def find_existing(self, raw):
        found = super().find_existing(raw)  # by identifier, then by slug
        if raw.get(self.key) or (key := self.natural_key(raw)) is None:
            return found
        name = raw["name"].strip()
        first = self.natural_keys_in_file.setdefault(key, self.row)
        if first != self.row:
            raise RowError([self.natural_key_message(name, key[1], first)])
        if found is not None:
            return found
        same = [
            self.by_pk[pk]
            for pk in self.events_named.get(key[0], ())
            if pk in self.by_pk and (key[1] is ANY_DATE or self.by_pk[pk].start_date == key[1])
        ]
        if len(same) > 1:
            raise RowError([self.natural_key_message(name, key[1], None, sorted(e.slug for e in same))])
        return same[0] if same else None

    @staticmethod
    def natural_key_message(name, start, row, slugs=()):
        """An event row's name and start date given again in the file (at ``row``) or borne by several events."""
        values = {"name": name, "row": row, "slugs": ", ".join(slugs)}
        if slugs and start is ANY_DATE:
            return _("name: “%(name)s” names several events (%(slugs)s); give the slug or the start_date of one.") % (
                values
            )
        values["date"] = start.isoformat() if start not in (None, ANY_DATE) else _("no start date")
        if slugs:
            return _(
                "name, start_date: “%(name)s” (%(date)s) names several events (%(slugs)s); give the slug of one."
            ) % (values)
        return _("name, start_date: “%(name)s” (%(date)s) is already in row %(row)s.") % values


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
    fields = (
        "title", "date", "end_date", "date_precision", "format", "summary", "account", "status", "title_language",
    )  # fmt: skip
    partial_dates = {"date": "date_precision", "end_date": "date_precision"}
    foreign_keys = {"event": (Event, "slug"), "place": (Place, "slug")}
    many_to_many = {"topics": (Topic, "slug"), "sources": (Source, "pk"), "monuments": (Monument, "slug")}
    required = ("title", "date")
    chunk_size = 500
    help = {
        "slug": gettext_lazy("the meeting's identifier in addresses; leave blank for a new meeting"),
        "title_language": gettext_lazy("the language the title is written in: az, en, ru, es…; blank when unknown"),
        "date": gettext_lazy("YYYY-MM-DD, or YYYY-MM or YYYY when only the month or year is known"),
        "end_date": gettext_lazy("the last day of a visit of several days, written as the date is; blank for one day"),
        "topics": gettext_lazy("topic slugs"),
        "sources": gettext_lazy("ids of the sources that report the meeting"),
        "monuments": gettext_lazy("slugs of the monuments it concerned"),
        "participants": gettext_lazy(
            "one per line: person | organization | description | role | country; a person or an organization by "
            "slug or name (a person not found is created, listed first in the preview), a country by ISO code or "
            "English name, former countries too (SU, YU, CS, DD)"
        ),
        "participant": gettext_lazy(
            "a participant by name (or slug), several separated by “;”, a title before the name allowed "
            "(“President Ilham Aliyev”): another way to give participants, e.g. a visitor column"
        ),
        "participant_country": gettext_lazy(
            "the country the participant(s) of “participant” represented: code or name"
        ),
        "outcomes": gettext_lazy("one per line: kind | follow-up | party organization slugs, comma-separated | text"),
    }

    @classmethod
    def extra_columns(cls):
        return ["participants", "outcomes", "participant", "participant_country"]

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
        return [participants, outcomes, "", ""]  # participant(s) are in "participants"

    def prepare(self, chunk):
        super().prepare(chunk)
        meetings = list(self.existing.values())
        # As stored, before this file: the review rule reads whether each meeting is published now.
        self.published_meetings = {m.pk for m in meetings if m.status == PublishStatus.PUBLISHED}
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
            people.update(split_list(raw.get("participant", "")))
            for line in raw.get("outcomes", "").splitlines():
                parts = line.split(FIELD_SEPARATOR, 3)
                if len(parts) > 2:
                    organizations.update(s.strip() for s in parts[2].split(","))
        people |= {split_title(text)[0] for text in people} - {""}
        people |= {slug for text in people for slug in slugs_for_name(text)}
        organizations |= {slug for text in organizations for slug in slugs_for_name(text)}
        self.people = self.cache_lookup(Person, "slug", people - {""})
        self.organizations = self.cache_lookup(Organization, "slug", organizations - {""})
        # People a file names that are not in the register: created once each, before the participants.
        self.new_people = getattr(self, "new_people", {})

    def _lookup(self, cache, model, slug, column, errors):
        if not slug:
            return None
        try:
            return self.find_related(column, model, "slug", slug)
        except RowError as exc:
            errors += exc.messages
        return None

    def _person(self, text, role, errors):
        """The participant's person and role: a person found by slug or name (with or without the title written
        before it), or a new one (``new_people``: one per name in the import, created by ``write_extra``)."""
        if not text:
            return None, role
        name, title = split_title(text)
        for candidate in (text, name) if name else (text,):
            # prepare() looked up every name of the chunk, with and without its title, and their slugs.
            pk = self.people.get(candidate)
            for slug in slugs_for_name(candidate):
                pk = pk or self.people.get(slug)
            try:
                pk = pk or self.match_name("participants", Person, candidate)
            except RowError as exc:
                errors += exc.messages
                return None, role
            if pk is not None:
                return pk, role or (title if candidate == name else "")
        if SLUG_SHAPED.fullmatch(text):  # a slug that names no one, not a name to create a person under
            errors.append(self.unknown_message("participants", Person, "slug", text))
            return None, role
        name = name or text
        person = self.new_people.get(fold(name))
        if person is None:
            if len(name) > Person._meta.get_field("name").max_length:
                errors.append(_("participants: the name “%(name)s” is too long.") % {"name": name})
                return None, role
            person = self.new_people[fold(name)] = Person(name=name)
        return person, role or title

    def to_create(self):
        return {Person._meta.verbose_name_plural: [p.name for p in self.new_people.values()]}

    def _country(self, text, column, errors):
        if not text:
            return ""
        try:
            return str(parse_field(Participant._meta.get_field("represented_country"), text, column))
        except RowError as exc:
            errors += exc.messages
        return ""

    def build_extra(self, raw, pending):
        errors, changed = [], False
        meeting = pending.obj
        if "participants" in raw or "participant" in raw:
            wanted = []
            lines = [line for line in raw.get("participants", "").splitlines() if line.strip()]
            country_column = "participant_country" if "participant_country" in raw else "participants"
            visitors = [
                FIELD_SEPARATOR.join([name, "", "", "", raw.get("participant_country", "")])
                for name in split_list(raw.get("participant", ""))
            ]
            for number, line in enumerate(lines + visitors):
                column = "participants" if number < len(lines) else country_column
                parts = [x.strip() for x in line.split(FIELD_SEPARATOR)]
                if len(parts) > 5:
                    errors.append(_("participants: too many “|” in “%(line)s”.") % {"line": line})
                    continue
                person, organization, description, role, country = parts + [""] * (5 - len(parts))
                person_id, role = self._person(person, role, errors)
                organization_id = self._lookup(self.organizations, Organization, organization, "participants", errors)
                country = self._country(country, column, errors)
                if not (person or organization or description):
                    errors.append(_("participants: name a person, an organization, or describe the participants."))
                wanted.append((person_id, organization_id, description, role, country))
            current = [
                (p.person_id, p.organization_id, p.description, p.role, p.represented_country.code or "")
                for p in self.participants.get(meeting.pk, [])
            ]
            if wanted != current:
                pending.extra["participants"] = wanted
                if not pending.is_new:
                    self.noted_change("participants", self.participant_lines(current), self.participant_lines(wanted))
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
                try:
                    kind = choice_value(Outcome._meta.get_field("kind"), kind, "outcomes")
                    follow_up = choice_value(
                        Outcome._meta.get_field("follow_up"), follow_up or FollowUp.OPEN, "outcomes"
                    )
                except RowError as exc:
                    errors += exc.messages
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
                self._review_outcomes(meeting, wanted, current, errors)
                pending.extra["outcomes"] = wanted
                changed = True
        if errors:
            raise RowError(errors)
        return changed

    def _review_outcomes(self, meeting, wanted, current, errors):
        """The review rule (heritage.review) for a row's outcomes, from an importer without the publish
        permission on a published meeting: a public outcome may not be changed or dropped (add a new one), and
        new outcomes are pending (``_write_outcomes``)."""
        if self.user is None or meeting.pk not in self.published_meetings or review.can_decide(self.user, Outcome):
            return
        stored = self.outcomes.get(meeting.pk, [])
        for index, outcome in enumerate(stored):
            if index < len(wanted) and wanted[index] == current[index]:
                continue
            if message := review.change_refused(outcome, self.user, True):
                errors.append(_("outcomes: “%(text)s”: %(message)s") % {"text": outcome.text[:60], "message": message})

    def participant_lines(self, participants):
        """Participants as the preview shows them, "person | organization | description | role | country" a line,
        the records named when the preview is described (``Mentions``)."""
        parts = Mentions()
        for number, (person, organization, description, role, country) in enumerate(participants):
            if number:
                parts.append("; ")
            parts.append(person.name if isinstance(person, Person) else (Person, person))
            parts += [" | ", (Organization, organization), f" | {description} | {role} | {country}"]
        return parts

    def create_people(self, pendings):
        """Create the people the chunk's participants name and the register lacks, with the status of the first
        meeting naming them when the importer may publish people (else as drafts), and record their versions."""
        may_publish = self.user is None or self.user.has_perm("meetings.publish_person")
        created = []
        for pending in pendings:
            for person, *_rest in pending.extra.get("participants", []):
                if isinstance(person, Person) and person.pk is None:
                    published = pending.obj.status == PublishStatus.PUBLISHED
                    person.status = PublishStatus.PUBLISHED if may_publish and published else PublishStatus.DRAFT
                    person.created_by = person.updated_by = self.user
                    person.save()
                    created.append(person)
        self.record_versions(created)

    def fresh_participants(self, pending):
        """The row's participants as unsaved records (the people it names created by ``create_people``)."""
        return [
            Participant(
                meeting_id=pending.obj.pk,
                person_id=person.pk if isinstance(person, Person) else person,
                organization_id=organization,
                description=description,
                role=role,
                represented_country=country,
                order=order,
            )
            for order, (person, organization, description, role, country) in enumerate(pending.extra["participants"])
        ]

    def proposed_inlines(self, pending):
        """A proposed row's participants replace the meeting's: the stored ones removed, the row's added."""
        if "participants" not in pending.extra:
            return []
        group = proposals.inline_rows(Participant, "meeting", [(None, p) for p in self.fresh_participants(pending)])
        stored = self.participants.get(pending.obj.pk, [])
        group["rows"] = [{"op": "delete", "pk": p.pk, "label": str(p)} for p in stored] + group["rows"]
        return [group]

    def write_pending_evidence(self, pendings):
        """A proposed row's new outcomes are written pending (``_write_outcomes``); the people its participants
        name and the register lacks are created (as drafts: the importer may not publish) for the proposal."""
        self.create_people(pendings)
        self.record_versions(
            self._write_outcomes([(p.obj, p.extra["outcomes"], False) for p in pendings if "outcomes" in p.extra])
        )

    def write_extra(self, pendings):
        self.create_people(pendings)
        stale, fresh, outcome_writes = [], [], []
        for pending in pendings:
            meeting = pending.obj
            if "participants" in pending.extra:
                stale += [p.pk for p in self.participants.get(meeting.pk, [])] if not pending.is_new else []
                fresh += self.fresh_participants(pending)
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
                if outcome.pk is None and self.user is not None:
                    review.submit(outcome, self.user, meeting.pk in self.published_meetings)
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
