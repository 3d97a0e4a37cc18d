"""Diplomatic and cultural-cooperation meetings: who met whom, when, where, on what, with which outcomes."""

import datetime

from django.db import models
from django.db.models import Count, Exists, F, OuterRef
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from heritage.models import (
    DatePrecision,
    ExternalIdentifier,
    Publishable,
    PublishableQuerySet,
    PublishStatus,
    Reviewed,
    ReviewedQuerySet,
    Searchable,
    Tracked,
    format_partial_date_range,
    identifier_constraints,
    identifier_indexes,
    public_or_none,
    review_indexes,
    search_indexes,
    split_names,
    unique_slug,
    validate_order,
)
from heritage.names import MultilingualName, alternative_names_field, language_field
from heritage.search import update_search_index


class SluggedMixin(models.Model):
    """Fills in a unique slug from ``slug_source`` when staff leave it blank."""

    slug_source = "name"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, getattr(self, self.slug_source))
        super().save(*args, **kwargs)


class MeetingRelation(models.Model):
    """A record whose name and status are part of its meetings' search data (people, organizations, events)."""

    class Meta:
        abstract = True

    @classmethod
    def meetings_naming(cls, pks):
        """The meetings whose search data holds the names of the records ``pks``."""
        raise NotImplementedError

    def save(self, *args, **kwargs):
        adding = self._state.adding
        super().save(*args, **kwargs)
        # Its meetings index its name only while it is published: keep them current after a rename or a
        # change of status. A new record is in no meeting yet.
        if not adding:
            update_search_index(self.meetings_naming([self.pk]))


class OrganizationKind(models.TextChoices):
    MINISTRY = "ministry", _("Ministry")
    AGENCY = "agency", _("Government agency")
    INTERGOVERNMENTAL = "intergovernmental", _("Intergovernmental body")
    MEDIA = "media", _("Media")
    THINK_TANK = "think_tank", _("Think tank")
    MUSEUM = "museum", _("Museum")
    NGO = "ngo", _("Non-governmental organization")
    OTHER = "other", _("Other")


class OrganizationQuerySet(PublishableQuerySet):
    search_fields = ("name", "acronym", "alternative_names")


class Organization(MultilingualName, MeetingRelation, SluggedMixin, Searchable, Publishable):
    name = models.CharField(_("name"), max_length=300)
    acronym = models.CharField(_("acronym"), max_length=50, blank=True)
    alternative_names = alternative_names_field()
    slug = models.SlugField(_("slug"), max_length=200, unique=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices, db_index=True)
    country = CountryField(_("country"), blank=True, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
    )
    url = models.URLField(_("website"), max_length=1000, blank=True)
    description = models.TextField(_("description"), blank=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]
        permissions = [("publish_organization", _("Can publish organizations"))]
        indexes = search_indexes("organization")
        constraints = [models.CheckConstraint(condition=~models.Q(name=""), name="organization_name_not_empty")]

    @classmethod
    def meetings_naming(cls, pks):
        return Meeting.objects.filter(pk__in=Participant.objects.filter(organization__in=pks).values("meeting_id"))

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("meetings:organization_detail", args=[self.slug])

    search_select_related = ("parent",)

    def search_document(self):
        return {
            "A": [*self.all_names(), self.acronym],
            "B": [self.parent.name if self.parent_id else ""],
            "C": [self.description],
        }

    @property
    def alternative_names_list(self):
        return split_names(self.alternative_names)


class Person(MultilingualName, MeetingRelation, SluggedMixin, Searchable, Publishable):
    name = models.CharField(_("name"), max_length=200)
    alternative_names = alternative_names_field(
        _("alternative spellings"),
        _("Other spellings and transliterations, one per line; a name in another language as “code: name”."),
    )
    slug = models.SlugField(_("slug"), max_length=200, unique=True, blank=True)
    country = CountryField(_("country"), blank=True, db_index=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name"]
        permissions = [("publish_person", _("Can publish people"))]
        indexes = search_indexes("person")
        constraints = [models.CheckConstraint(condition=~models.Q(name=""), name="person_name_not_empty")]

    @classmethod
    def meetings_naming(cls, pks):
        return Meeting.objects.filter(pk__in=Participant.objects.filter(person__in=pks).values("meeting_id"))

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("meetings:person_detail", args=[self.slug])

    def search_document(self):
        return {"A": self.all_names(), "C": [self.description]}

    @property
    def alternative_names_list(self):
        return split_names(self.alternative_names)


class EventKind(models.TextChoices):
    CONFERENCE = "conference", _("Conference")
    FORUM = "forum", _("Forum")
    VISIT = "visit", _("Visit")
    OTHER = "other", _("Other")


class EventQuerySet(PublishableQuerySet):
    search_fields = ("name", "short_name", "description")


class Event(MultilingualName, MeetingRelation, SluggedMixin, Searchable, Publishable):
    name = models.CharField(_("name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=EventKind.choices, default=EventKind.CONFERENCE)
    start_date = models.DateField(_("start date"), null=True, blank=True, db_index=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    date_precision = models.CharField(
        _("date precision"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    place = models.ForeignKey(
        "heritage.Place", verbose_name=_("place"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organizer = models.ForeignKey(
        Organization,
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organized_events",
    )
    url = models.URLField(_("website"), max_length=1000, blank=True)
    description = models.TextField(_("description"), blank=True)
    sources = models.ManyToManyField("heritage.Source", verbose_name=_("sources"), blank=True, related_name="events")

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-start_date", "name"]
        permissions = [("publish_event", _("Can publish events"))]
        indexes = search_indexes("event")
        constraints = [
            models.CheckConstraint(condition=~models.Q(name=""), name="event_name_not_empty"),
            models.CheckConstraint(
                condition=models.Q(start_date__isnull=True)
                | models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="event_end_not_before_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    @classmethod
    def meetings_naming(cls, pks):
        return Meeting.objects.filter(event__in=pks)

    def __str__(self):
        return self.short_name or self.name

    def clean(self):
        validate_order(self, "start_date", "end_date", _("The end date cannot be before the start date."))

    def get_absolute_url(self):
        return reverse("meetings:event_detail", args=[self.slug])

    @property
    def date_display(self):
        """ "28–30 September 2022", "May 2019", "1998" (``format_partial_date_range``); "" without a start."""
        return format_partial_date_range(self.start_date, self.end_date, self.date_precision) if self.start_date else ""

    search_select_related = ("place", "organizer")

    def search_document(self):
        return {
            "A": [*self.all_names(), self.short_name],
            "B": [
                self.place.name if self.place_id else "",
                self.organizer.name if self.organizer_id else "",
                self.organizer.acronym if self.organizer_id else "",
            ],
            "C": [self.description],
        }


def identifier_model(record_model, field, label):
    """The identifier table of one kind of record (``heritage.identifiers``), with its foreign key ``field``."""

    class Meta:
        verbose_name = _("external identifier")
        verbose_name_plural = _("external identifiers")
        ordering = [field, "scheme", "value"]
        indexes = identifier_indexes(field)
        constraints = identifier_constraints(field)

    attrs = {
        "__module__": __name__,
        "__doc__": f"An identifier of a {field} in another catalogue (VIAF, Wikidata…).",
        "record_field": field,
        field: models.ForeignKey(
            record_model, verbose_name=label, on_delete=models.CASCADE, related_name="identifiers"
        ),
        "Meta": Meta,
    }
    return type(f"{record_model.__name__}Identifier", (ExternalIdentifier,), attrs)


PersonIdentifier = identifier_model(Person, "person", _("person"))
OrganizationIdentifier = identifier_model(Organization, "organization", _("organization"))
EventIdentifier = identifier_model(Event, "event", _("event"))


class TopicQuerySet(models.QuerySet):
    def in_use(self):
        """The topics of a published meeting: the public vocabulary (a topic only drafts have is not public). One
        EXISTS per topic on the meeting-topic table's topic index, stopping at the first published meeting."""
        links = Meeting.topics.through.objects.filter(topic=OuterRef("pk"), meeting__status=PublishStatus.PUBLISHED)
        return self.filter(Exists(links))


class Topic(MultilingualName, SluggedMixin, Tracked):
    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    objects = TopicQuerySet.as_manager()

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("meetings:topic_detail", args=[self.slug])


class MeetingFormat(models.TextChoices):
    BILATERAL = "bilateral", _("Bilateral")
    MULTILATERAL = "multilateral", _("Multilateral")
    BRIEFING = "briefing", _("Briefing")
    VISIT = "visit", _("Visit")
    OTHER = "other", _("Other")


class MeetingQuerySet(PublishableQuerySet):
    search_fields = ("title", "summary", "account")

    def with_related(self):
        """Everything a list row shows, in a bounded number of queries."""
        return self.select_related("event", "place", "place__parent").prefetch_related("topics")

    def in_last_years(self, years, today):
        """The meetings dated from the first of January ``years - 1`` years before ``today``'s year on."""
        return self.filter(date__gte=datetime.date(today.year - years + 1, 1, 1))

    def count_by_year(self):
        """(year, number of meetings) for these meetings, oldest first: one GROUP BY, read from the date index."""
        rows = self.order_by().annotate(year=ExtractYear("date")).values_list("year").annotate(n=Count("pk"))
        return sorted(rows)


class Meeting(SluggedMixin, Searchable, Publishable):
    slug_source = "title"

    title = models.CharField(_("title"), max_length=300)
    # A title is written in one language, often the source's, not the reader's: feeds, exports and pages say which.
    title_language = language_field(
        _("language of the title"),
        _("The language the title is written in: az, en, ru, es… Blank when not recorded."),
    )
    slug = models.SlugField(_("slug"), max_length=200, unique=True, blank=True)
    date = models.DateField(_("date"), db_index=True)
    date_precision = models.CharField(
        _("date precision"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    end_date = models.DateField(
        _("end date"),
        null=True,
        blank=True,
        help_text=_("The last day of a visit of several days; blank for one day. Same precision as the date."),
    )
    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.PROTECT, null=True, blank=True, related_name="meetings"
    )
    place = models.ForeignKey(
        "heritage.Place", verbose_name=_("place"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    format = models.CharField(
        _("format"), max_length=12, choices=MeetingFormat.choices, default=MeetingFormat.BILATERAL
    )
    summary = models.TextField(_("summary"), blank=True)
    account = models.TextField(_("account"), blank=True, help_text=_("What the sources say happened, attributed."))
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), blank=True, related_name="meetings")
    sources = models.ManyToManyField("heritage.Source", verbose_name=_("sources"), blank=True, related_name="meetings")
    monuments = models.ManyToManyField(
        "monuments.Monument", verbose_name=_("monuments concerned"), blank=True, related_name="meetings"
    )

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-date", "title"]
        permissions = [("publish_meeting", _("Can publish meetings"))]
        indexes = [
            # With the id, a filtered list's capped count reads only this index (a hash join with the participants'
            # (country, meeting) index for the country filter), a fraction of the table read (bench/RESULTS.md).
            models.Index(fields=["status", "-date", "id"], name="meeting_status_date_id"),
            *search_indexes("meeting"),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(title=""), name="meeting_title_not_empty"),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("date")),
                name="meeting_end_not_before_start",
                violation_error_message=_("The end date cannot be before the date."),
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        validate_order(self, "date", "end_date", _("The end date cannot be before the date."))

    def get_absolute_url(self):
        return reverse("meetings:meeting_detail", args=[self.slug])

    search_select_related = ("event", "place")
    search_prefetch = ("topics", "participants__person", "participants__organization")
    snippet_field = "summary"

    def search_document(self):
        people = []
        if self.pk:  # topics and participants are saved after the meeting; admin and importers refresh then
            participants = self.participants.all()
            if "participants" not in getattr(self, "_prefetched_objects_cache", {}):
                participants = participants.select_related("person", "organization")
            # Drafts stay private: a draft person or organization must not make a published meeting findable by
            # their name. Publishing or renaming them re-indexes their meetings (MeetingRelation.save).
            for p in participants:
                if not p.is_visible:
                    continue
                if p.person_id:
                    people += p.person.all_names()
                if organization := public_or_none(p.organization):
                    people += [*organization.all_names(), organization.acronym]
                people.append(p.description)
        event = public_or_none(self.event)
        return {
            "A": [self.title],
            "B": [
                *(event.all_names() if event else []),
                event.short_name if event else "",
                self.place.name if self.place_id else "",
                *([n for t in self.topics.all() for n in t.all_names()] if self.pk else []),
                *people,
            ],
            "C": [self.summary, self.account],
        }

    @property
    def date_display(self):
        """ "5 October 2022", or for several days "5–7 October 2022" (``format_partial_date_range``)."""
        return format_partial_date_range(self.date, self.end_date, self.date_precision)


class ParticipantQuerySet(models.QuerySet):
    def visible(self):
        """The participants the public may see (``Participant.is_visible``, as SQL): a published person; without a
        person, a published organization; neither, a group described in words.

        Written as "not one of the drafts" (``NOT IN`` two small uncorrelated sub-queries, which PostgreSQL hashes
        once) rather than joins: the country filter then reads only the participants' (country, meeting, person,
        organization) index, as it did before drafts were checked, instead of joining every participant of the
        country to its person and organization (twice the time at 250,000 meetings).
        """
        return self.exclude(person__in=_not_published(Person)).exclude(
            person__isnull=True, organization__in=_not_published(Organization)
        )

    def counterparts(self, field, meetings, excluded, limit=10):
        """Who met ``excluded`` most often: the values of ``field`` ("person", "organization" or
        "represented_country") among the visible participants of ``meetings`` (a queryset of ids), with how many
        of those meetings each shared and the years of the first and the last; most meetings first. One query,
        bounded by the meetings of the record asked about."""
        rows = self.visible().filter(meeting__in=meetings).exclude(**{field: excluded})
        if field == "represented_country":
            rows = rows.exclude(represented_country="")
        else:
            rows = rows.filter(**{f"{field}__status": PublishStatus.PUBLISHED})
        return list(
            rows.values_list(field)
            .annotate(
                meetings=models.Count("meeting", distinct=True),
                first=models.Min("meeting__date__year"),
                last=models.Max("meeting__date__year"),
            )
            .order_by("-meetings", field)[:limit]
        )

    def shown_as(self, field):
        """The visible participants that show a published ``field`` ("person" or "organization")."""
        return self.visible().filter(**{f"{field}__status": PublishStatus.PUBLISHED})

    def most_present(self, field, meetings, limit):
        """(id, meetings) of the ``limit`` values of ``field`` present at most of ``meetings`` (a queryset of ids),
        most first. One grouped query, bounded by those meetings."""
        return list(
            self.shown_as(field)
            .filter(meeting__in=meetings)
            .values_list(field)
            .annotate(meetings=models.Count("meeting", distinct=True))
            .order_by("-meetings", field)[:limit]
        )

    def pairs_among(self, field, meetings, among):
        """(a, b, shared meetings) for every two of ``among`` (ids of ``field``) who were both visible at one of
        ``meetings``, ``a < b``, most shared first: one grouped query, a self-join of the participants restricted to
        those meetings and those records."""
        present = self.shown_as(field).filter(meeting__in=meetings, **{f"{field}__in": among})
        other = f"meeting__participants__{field}"
        # One filter() call: both conditions apply to the same joined participant.
        return list(
            present.filter(meeting__participants__in=present.values("pk"), **{f"{other}__gt": F(field)})
            .values_list(field, other)
            .annotate(meetings=models.Count("meeting", distinct=True))
            .order_by("-meetings", field, other)
        )


def _not_published(model):
    """The ids of ``model``'s records that are not published, read from its status index: "not equal" is written
    as "below or above", two range scans, where ``drafts()``'s ``NOT status = …`` reads the whole table."""
    published = PublishStatus.PUBLISHED
    return model.objects.filter(models.Q(status__lt=published) | models.Q(status__gt=published)).values("pk")


class Participant(models.Model):
    """Someone at a meeting: a named person, an organization, or an unnamed group described in words.

    Drafts stay private: a participant is who it names first, its person or, without one, its organization, and
    while that one is not published the public sees nothing of the participant (not its role, its country, nor
    that there is one): ``is_visible`` and ``Participant.objects.visible()``. A published person whose
    organization is a draft is shown without the organization.
    """

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="participants"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, null=True, blank=True, related_name="participations"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
    )
    description = models.CharField(
        _("description"),
        max_length=300,
        blank=True,
        help_text=_("For unnamed participants, e.g. “representatives of media organizations”."),
    )
    role = models.CharField(_("role or title held at the time"), max_length=300, blank=True)
    represented_country = CountryField(_("country represented"), blank=True, db_index=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["meeting", "order", "id"]
        # The meeting list's country filter asks "does this meeting have a visible participant for country X":
        # read from this index alone (who the participant names decides whether it is visible), instead of
        # fetching every participant of the country from the table.
        indexes = [
            models.Index(
                fields=["represented_country", "meeting", "person", "organization"],
                name="participant_country_who",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False)
                | models.Q(organization__isnull=False)
                | ~models.Q(description=""),
                name="participant_is_someone",
                violation_error_message=_("Name a person, an organization, or describe the participants."),
            ),
        ]

    def __str__(self):
        who = self.person or self.description or self.organization
        return f"{who}, {self.role}" if self.role else str(who)

    @property
    def is_visible(self):
        """Whether the public may see this participant (see the class's docstring; ``visible()`` in SQL)."""
        if self.person_id:
            return self.person.is_published
        return self.organization.is_published if self.organization_id else True


class OutcomeKind(models.TextChoices):
    OFFER = "offer", _("Offer")
    PROPOSAL = "proposal", _("Proposal")
    AGREEMENT = "agreement", _("Agreement")
    COMMITMENT = "commitment", _("Commitment")
    STATEMENT = "statement", _("Statement")


class FollowUp(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class Outcome(Reviewed, models.Model):
    review_record_field = "meeting"

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="outcomes")
    kind = models.CharField(_("kind"), max_length=12, choices=OutcomeKind.choices, db_index=True)
    text = models.TextField(_("text"))
    parties = models.ManyToManyField(Organization, verbose_name=_("parties"), blank=True, related_name="outcomes")
    follow_up = models.CharField(
        _("follow-up"), max_length=12, choices=FollowUp.choices, default=FollowUp.OPEN, db_index=True
    )
    follow_up_notes = models.TextField(_("follow-up notes"), blank=True)
    # Provenance of the outcome itself: who states it, and where. A meeting's outcomes often come from different
    # statements (one side's press release, the other's), so each carries its own.
    stated_by = models.ForeignKey(
        Organization,
        verbose_name=_("stated by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stated_outcomes",
        help_text=_("The party whose statement reports this outcome, e.g. the ministry that announced it."),
    )
    sources = models.ManyToManyField(
        "heritage.Source",
        verbose_name=_("sources"),
        blank=True,
        related_name="outcomes",
        help_text=_("Where this outcome is reported. Leave empty when it is reported by the meeting's own sources."),
    )

    objects = ReviewedQuerySet.as_manager()

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["meeting", "id"]
        indexes = review_indexes("outcome")
        constraints = [models.CheckConstraint(condition=~models.Q(text=""), name="outcome_text_not_empty")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text[:80]}"

    @property
    def cites_meeting_sources(self):
        """True when the outcome names no source of its own and so is reported by its meeting's sources."""
        return not self.sources.all()

    @property
    def attributed_sources(self):
        """The sources that report this outcome: its own, or (none given) its meeting's. With the meeting page's
        prefetch (``MeetingDetailView``) this reads no more rows."""
        own = list(self.sources.all())
        return own or list(self.meeting.sources.all())

    @property
    def public_stated_by(self):
        """Who states the outcome, as the public may see it: a draft organization is not named."""
        return public_or_none(self.stated_by)
