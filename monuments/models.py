"""The monument register: what each monument is, where, from when, its registrations and its condition over time."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models
from django.db.models import Exists, F, FloatField, IntegerField, OuterRef, Value
from django.db.models.functions import Cast, Coalesce, Floor, Round
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from heritage import uploads
from heritage.identifiers import prefetch_identifiers
from heritage.models import (
    AnyOf,
    DatePrecision,
    ExternalIdentifier,
    LatitudeField,
    LongitudeField,
    Publishable,
    PublishableQuerySet,
    PublishStatus,
    Reviewed,
    ReviewedQuerySet,
    Searchable,
    Tracked,
    coordinate_constraints,
    format_partial_date,
    identifier_constraints,
    identifier_indexes,
    review_indexes,
    search_indexes,
    split_names,
    status_field,
    unique_slug,
    user_stamp,
    validate_order,
)
from heritage.names import MultilingualName, alternative_names_field
from monuments.geo import public_coordinates
from monuments.mapgrid import (  # noqa: F401 (MapCell and its upkeep stay importable from here)
    MAP_CELL_DEGREES,
    MAP_CELL_MAX_ZOOM,
    MICRODEGREES,
    MapCell,
    MapCellQuerySet,
    MapCellTracker,
    map_cell_size,
    map_cells_after_write,
    map_cells_before_write,
)
from monuments.risk import RiskList, RiskListing  # noqa: F401 (the risk lists are models of this app)

YEAR_VALIDATORS = [MinValueValidator(-10000), MaxValueValidator(2100)]

# The year a monument's construction is dated by: the start, or the end when only that is known. The public
# filters and the "construction date" order use it, on the index of the same expression.
BUILT_YEAR = Coalesce("built_from_year", "built_to_year")


class Condition(models.TextChoices):
    INTACT = "intact", _("Intact")
    DAMAGED = "damaged", _("Damaged")
    SEVERELY_DAMAGED = "severely_damaged", _("Severely damaged")
    DESTROYED = "destroyed", _("Destroyed")
    VANDALIZED = "vandalized", _("Vandalized")
    UNDER_RESTORATION = "under_restoration", _("Under restoration")
    RESTORED = "restored", _("Restored")
    UNKNOWN = "unknown", _("Unknown")


# Labels by value, for the get_…_display() methods a list calls on every row. Django's own builds this dict on
# each call, hashing every (lazily translated) label, so translating each, for every row of a page.
CONDITION_LABELS = dict(Condition.choices)


class EvidenceKind(models.TextChoices):
    SITE_VISIT = "site_visit", _("Site visit")
    SATELLITE_IMAGERY = "satellite_imagery", _("Satellite imagery")
    PHOTOGRAPH = "photograph", _("Photograph")
    MEDIA_REPORT = "media_report", _("Media report")
    OFFICIAL_STATEMENT = "official_statement", _("Official statement")
    REPORT = "report", _("Report")
    OTHER = "other", _("Other")


class Significance(models.TextChoices):
    WORLD = "world", _("World")
    NATIONAL = "national", _("National")
    LOCAL = "local", _("Local")


SIGNIFICANCE_LABELS = dict(Significance.choices)  # see CONDITION_LABELS


class ReligiousAffiliation(models.TextChoices):
    ISLAM = "islam", _("Islam")
    CHRISTIANITY = "christianity", _("Christianity")
    JUDAISM = "judaism", _("Judaism")
    ZOROASTRIANISM = "zoroastrianism", _("Zoroastrianism")
    OTHER = "other", _("Other")
    NONE = "none", _("None (secular)")


class MonumentTypeQuerySet(models.QuerySet):
    def in_use(self):
        """The types a published monument has: the public vocabulary (a type only drafts have is not public).
        One EXISTS per type on the monuments' type index, which stops at the type's first published monument."""
        return self.filter(Exists(Monument.objects.published().filter(monument_type=OuterRef("pk"))))


class MonumentType(MultilingualName, Tracked):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    objects = MonumentTypeQuerySet.as_manager()

    class Meta:
        verbose_name = _("monument type")
        verbose_name_plural = _("monument types")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.name)
        super().save(*args, **kwargs)


# Where a monument's current condition comes from: each name with_condition_provenance() and the exports give,
# and the field of the latest assessment it comes from.
CONDITION_PROVENANCE = {
    "condition_observed_on": "observed_on",
    "condition_observed_precision": "observed_precision",
    "condition_reported_by": "assessed_by",
    "condition_evidence_kind": "evidence_kind",
    "condition_source_title": "source__title",
    "condition_source_url": "source__url",
}

# The provenance a list row shows beside the current condition.
ITEM_PROVENANCE = ("condition_observed_on", "condition_observed_precision", "condition_reported_by")


class MonumentQuerySet(PublishableQuerySet):
    search_fields = ("name", "alternative_names", "description")

    def with_related(self):
        return self.select_related("monument_type", "place", "place__parent")

    def as_items(self):
        """What a list of monuments shows of each (partials/monument_items.html): its type and place, and who
        reports its current condition and when, so a condition is never shown unattributed."""
        return self.with_related().with_condition_provenance(*ITEM_PROVENANCE)

    def with_optional_relations_flags(self):
        """Annotate ``has_restorations``, ``has_images``, ``has_risk_listings`` and ``has_meetings`` (public ones).

        Most records have none of these, and asking is cheaper than loading: an EXISTS on the relation's monument
        index costs a fraction of the ORM's work for one more query, so a record page loads them only when
        there is something to show (``Monument.load_record``).
        """
        # Through the reverse relation of Meeting.monuments: monuments import nothing from meetings.
        meeting_links = self.model.meetings.through

        def exists(queryset):
            return models.Exists(queryset.filter(monument=models.OuterRef("pk")))

        return self.annotate(
            has_restorations=exists(Restoration.objects.public()),
            has_images=exists(MonumentImage.objects.public()),
            has_risk_listings=exists(RiskListing.objects.public()),
            has_meetings=exists(meeting_links.objects.filter(meeting__status=PublishStatus.PUBLISHED)),
        )

    def with_condition_provenance(self, *names):
        """Annotate where the current condition comes from: the latest assessment's date, reporter, evidence and
        source (``names``: some of ``CONDITION_PROVENANCE``; all when none are named).

        Correlated sub-queries on the (monument, -observed_on) index, so a page gets the provenance of each row
        without loading every assessment. Ask for what is shown: each is one more index probe per row (the list
        shows three; what all seven cost: bench/RESULTS.md, "Figures behind the code").
        """
        latest = (
            ConditionAssessment.objects.public().filter(monument=models.OuterRef("pk")).order_by("-observed_on", "-id")
        )
        picks = {name: latest.values(CONDITION_PROVENANCE[name])[:1] for name in names or CONDITION_PROVENANCE}
        return self.annotate(**{name: models.Subquery(pick) for name, pick in picks.items()})

    def on_map_grid(self, zoom):
        """The monuments with a position, annotated with their public point (``public_latitude``,
        ``public_longitude``: coarsened when sensitive, see monuments.geo) and the map grid cell at ``zoom`` that
        point lies in (``cell_x``, ``cell_y``, integers)."""
        size = Value(map_cell_size(zoom), output_field=FloatField())
        return (
            self.filter(latitude__isnull=False, longitude__isnull=False)
            .annotate(**public_coordinates())
            .annotate(
                cell_x=Cast(Floor(F("public_longitude") / size), IntegerField()),
                cell_y=Cast(Floor(F("public_latitude") / size), IntegerField()),
            )
        )

    def map_points(self):
        """``(pk, cell_x, cell_y, latitude, longitude)`` of each published monument with a position: its cell at
        MAP_CELL_MAX_ZOOM and its public point in millionths of a degree, what it adds to the MapCell counts."""
        micro = Value(MICRODEGREES, output_field=FloatField())
        return (
            self.published()
            .on_map_grid(MAP_CELL_MAX_ZOOM)
            .annotate(
                micro_latitude=Cast(Round(F("public_latitude") * micro), models.BigIntegerField()),
                micro_longitude=Cast(Round(F("public_longitude") * micro), models.BigIntegerField()),
            )
            .order_by()
        )

    def map_point_rows(self):
        return self.map_points().values_list("pk", "cell_x", "cell_y", "micro_latitude", "micro_longitude")


class Monument(MultilingualName, Searchable, Publishable):
    name = models.CharField(_("name"), max_length=300)
    alternative_names = alternative_names_field()
    slug = models.SlugField(_("slug"), max_length=200, unique=True, blank=True)
    monument_type = models.ForeignKey(
        MonumentType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="monuments"
    )
    religious_affiliation = models.CharField(
        _("religious affiliation"), max_length=16, choices=ReligiousAffiliation.choices, blank=True
    )
    place = models.ForeignKey(
        "heritage.Place",
        verbose_name=_("place"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="monuments",
    )
    latitude = LatitudeField(_("latitude"))
    longitude = LongitudeField(_("longitude"))
    location_sensitive = models.BooleanField(
        _("sensitive location"),
        default=False,
        help_text=_(
            "Keep the exact coordinates private: the public sees only the place and a point within about 8 km "
            "(the centre of its 0.1° grid square). Staff still see the exact point here."
        ),
    )
    built_from_year = models.SmallIntegerField(
        _("built from (year)"), null=True, blank=True, validators=YEAR_VALIDATORS, help_text=_("Negative for BCE.")
    )
    built_to_year = models.SmallIntegerField(_("built until (year)"), null=True, blank=True, validators=YEAR_VALIDATORS)
    built_approximate = models.BooleanField(_("period is approximate"), default=False)
    description = models.TextField(_("description"), blank=True)
    sources = models.ManyToManyField("heritage.Source", verbose_name=_("sources"), blank=True, related_name="monuments")
    # The latest assessment's condition, kept here so that a million monuments filter by condition on an index.
    # ConditionAssessment.save()/delete() keep it current; never edited by hand.
    current_condition = models.CharField(
        _("current condition"),
        max_length=20,
        choices=Condition.choices,
        default=Condition.UNKNOWN,
        editable=False,
    )
    # Indexes cost every import and save of a million rows. Not kept: the status's own (every index of
    # Meta.indexes starts with it), the "LIKE" copies of status and current_condition (never searched by
    # pattern) and who created or last changed a monument (never filtered on; deleting a user is rare).
    status = status_field(db_index=False)
    created_by = user_stamp(_("created by"), db_index=False)
    updated_by = user_stamp(_("updated by"), db_index=False)

    objects = MonumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("monument")
        verbose_name_plural = _("monuments")
        ordering = ["name"]
        permissions = [("publish_monument", _("Can publish monuments"))]
        indexes = [
            # The public list's orders (monuments.filters.SORTS), each with its tie-breakers, so that a page of the
            # list, however deep, is read from the index alone: CappedPaginator.page() finds the page's keys with an
            # index-only scan. Without the id, page 200 read 10,000 rows from the table to sort ties.
            models.Index(fields=["status", "name", "id"], name="monument_status_name_id"),
            # The staff changelist's order: by name, and Django adds "-pk" to make it total.
            models.Index(fields=["name", "-id"], name="monument_name_id"),
            models.Index(fields=["status", "-updated_at", "-id"], name="monument_status_updated_id"),
            # The two broad filters a reader picks most, in the list's default order: a page of
            # ?condition=destroyed or ?type=mosque, however deep, and their capped count are a walk of one
            # index, not a sort of the 100,000 matches. Other orders walk their own index above and skip
            # the rows the filter drops.
            models.Index(fields=["status", "current_condition", "name", "id"], name="monument_status_condition_name"),
            models.Index(fields=["status", "monument_type", "name", "id"], name="monument_status_type_name"),
            models.Index(F("status"), BUILT_YEAR, F("name"), F("id"), name="monument_status_built_name_id"),
            # The map's bounding box: a range on latitude, longitude checked from the same index entries.
            models.Index(fields=["latitude", "longitude"], name="monument_coordinates"),
            models.Index(fields=["current_condition"], name="monument_current_condition"),
            *search_indexes("monument"),
        ]
        constraints = [
            *coordinate_constraints("monument"),
            models.CheckConstraint(condition=~models.Q(name=""), name="monument_name_not_empty"),
            models.CheckConstraint(
                condition=models.Q(built_from_year__isnull=True)
                | models.Q(built_to_year__isnull=True)
                | models.Q(built_to_year__gte=models.F("built_from_year")),
                name="monument_built_years_ordered",
                violation_error_message=_("The end of the construction period cannot be before its start."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_current_condition_display(self):
        return CONDITION_LABELS.get(self.current_condition, self.current_condition)

    # Whether a published monument is sensitive, and where a sensitive one lies, decide what the public sees of
    # its position (monuments.geo): changing them is a publishing decision, as the status is. A draft or a record
    # in review is not public, so staff edit its location freely; the Publisher who publishes it decides.
    publishing_fields = ("status", "location_sensitive", "latitude", "longitude")

    @classmethod
    def publishing_changes(cls, stored, new):
        changes = super().publishing_changes(stored, new)
        if not stored or stored["status"] != PublishStatus.PUBLISHED:
            return changes
        sensitive = stored["location_sensitive"]
        if new.get("location_sensitive", sensitive) != sensitive:
            changes["location_sensitive"] = _(
                "You may not change whether the location of a published monument is sensitive (it is now “%(now)s”): "
                "that decides whether the public sees its exact point. Ask a Publisher."
            ) % {"now": _("yes") if sensitive else _("no")}
        elif sensitive:
            point = {"latitude": stored["latitude"], "longitude": stored["longitude"]}
            where = _("no point") if None in point.values() else "{latitude}, {longitude}".format(**point)
            for name, value in point.items():
                if new.get(name, value) != value:
                    changes[name] = _(
                        "You may not move a published monument whose location is sensitive (now: %(where)s). "
                        "Ask a Publisher."
                    ) % {"where": where}
        return changes

    def clean(self):
        validate_order(
            self,
            "built_from_year",
            "built_to_year",
            _("The end of the construction period cannot be before its start."),
        )

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("monuments:monument_detail", args=[self.slug])

    def load_record(self):
        """Load everything the public record page shows, one query per relation (and none for an empty one).

        Needs the flags of ``MonumentQuerySet.with_optional_relations_flags``. Each relation is read in its own
        order on its monument index (the models' default orders start with the monument and would join it);
        each assessment comes with its source. Restorations, images, risk listings and meetings, which most
        records lack, are read only when the flags say there are some: the template shows them under the same flags.
        """
        # The meeting model through the reverse relation of Meeting.monuments: monuments import nothing from meetings.
        meeting_model = self._meta.get_field("meetings").related_model

        lookups = [
            models.Prefetch("registrations", queryset=Registration.objects.order_by("registry", "number")),
            prefetch_identifiers(Monument),
            models.Prefetch(
                "assessments",
                queryset=ConditionAssessment.objects.public().select_related("source").order_by("-observed_on", "-id"),
            ),
            "sources",
        ]
        if self.has_restorations:
            restorations = (
                Restoration.objects.public().select_related("executing_organization").prefetch_related("sources")
            )
            lookups.append(models.Prefetch("restorations", queryset=restorations.order_by("-started_on", "id")))
        if self.has_risk_listings:
            listings = RiskListing.objects.public().select_related("risk_list", "source")
            lookups.append(models.Prefetch("risk_listings", queryset=listings.order_by("listed_from", "id")))
        if self.has_images:
            images = MonumentImage.objects.public().select_related("source").order_by("order", "id")
            lookups.append(models.Prefetch("images", queryset=images))
        if self.has_meetings:
            meetings = meeting_model.objects.published().select_related("event", "place").order_by("-date", "title")
            lookups.append(models.Prefetch("meetings", queryset=meetings))
        models.prefetch_related_objects([self], *lookups)
        return self

    search_select_related = ("monument_type", "place", "place__parent")

    def search_document(self):
        place = self.place if self.place_id else None
        return {
            "A": self.all_names(),
            "B": [
                *(self.monument_type.all_names() if self.monument_type_id else []),
                *(place.all_names() if place else []),
                place.parent.name if place and place.parent_id else "",
            ],
            "C": [self.description],
        }

    @property
    def alternative_names_list(self):
        return split_names(self.alternative_names)

    @property
    def period_display(self):
        def year(y):
            return f"{-y} BCE" if y < 0 else str(y)

        if self.built_from_year is None and self.built_to_year is None:
            return ""
        if self.built_to_year is None or self.built_to_year == self.built_from_year:
            text = year(self.built_from_year if self.built_from_year is not None else self.built_to_year)
        elif self.built_from_year is None:
            text = _("before %(year)s") % {"year": year(self.built_to_year)}
        else:
            text = f"{year(self.built_from_year)}–{year(self.built_to_year)}"
        return _("c. %(period)s") % {"period": text} if self.built_approximate else text

    def refresh_current_condition(self):
        """Set ``current_condition`` from the latest public assessment (or ``unknown`` when there is none): an
        assessment pending review changes nothing until it is approved."""
        latest = (
            ConditionAssessment.objects.public()
            .filter(monument=self)
            .order_by("-observed_on", "-id")
            .values_list("condition", flat=True)
            .first()
        )
        self.current_condition = latest or Condition.UNKNOWN
        # A new or removed assessment changes the record: updated_at moves too, so that the API's updated_since
        # (and every harvester following it) sees the change.
        self.updated_at = timezone.now()
        Monument.objects.filter(pk=self.pk).update(current_condition=self.current_condition, updated_at=self.updated_at)


class FirstPerMonumentQuerySet(models.QuerySet):
    """For exports, a chunk of monuments at a time: each monument's first row in some order, in one query."""

    def _first_by_monument(self, monument_ids, ordering, fields):
        """``{monument id: (fields…)}`` of the first row per monument by ``ordering``, for these monuments.

        PostgreSQL keeps only that row (``DISTINCT ON``) and gets the ids as one array parameter (``AnyOf``);
        elsewhere the chunk's rows are read in the same order and the first per monument kept.
        """
        rows = self.filter(AnyOf(F("monument_id"), monument_ids)).order_by("monument_id", *ordering)
        if connections[self.db].features.can_distinct_on_fields:
            rows = rows.distinct("monument_id")
        first = {}
        for row in rows.values_list("monument_id", *fields):
            if row[0] not in first:
                first[row[0]] = row[1:]
        return first


class RegistrationQuerySet(FirstPerMonumentQuerySet):
    def first_by_monument(self, monument_ids, *fields):
        """The first registration of each monument by registry and number (the one the exports show)."""
        return self._first_by_monument(monument_ids, ("registry", "number"), fields)


class ConditionAssessmentQuerySet(ReviewedQuerySet, FirstPerMonumentQuerySet):
    def latest_reports(self, monuments):
        """The public assessments of ``monuments`` (a queryset), the latest observed first, with their monument and
        source: what the condition feed and the home page list, each attributed. Walks the (observed, id) index."""
        return (
            self.public()
            .filter(monument__in=monuments.order_by().values("pk"))
            .select_related("monument", "source")
            .order_by("-observed_on", "-id")
        )

    def latest_by_monument(self, monument_ids, *fields):
        """The latest assessment of each monument: by observation date, then the one recorded last."""
        return self._first_by_monument(monument_ids, ("-observed_on", "-id"), fields)


class Registration(models.Model):
    """An entry of a monument in an official register of protected monuments."""

    monument = models.ForeignKey(
        Monument, verbose_name=_("monument"), on_delete=models.CASCADE, related_name="registrations"
    )
    registry = models.CharField(_("registry"), max_length=200)
    number = models.CharField(_("registration number"), max_length=100)
    # Blank when the register's extract does not say (the state register extract from Wikidata gives none).
    significance = models.CharField(
        _("significance"), max_length=10, choices=Significance.choices, blank=True, db_index=True
    )
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    registered_precision = models.CharField(
        _("precision of the registration date"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text=_("A date known only as a year or a month is stored as its first day with this precision."),
    )
    source = models.ForeignKey(
        "heritage.Source", verbose_name=_("source"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["monument", "registry"]
        # The significance filter: "has this monument a registration of significance X", answered from the index.
        indexes = [models.Index(fields=["significance", "monument"], name="registration_significance")]
        constraints = [
            models.UniqueConstraint(
                fields=["registry", "number"],
                name="registration_number_unique_in_registry",
                violation_error_message=_("This registration number is already used in this registry."),
            ),
        ]

    def __str__(self):
        return f"{self.registry} № {self.number}"

    def get_significance_display(self):
        return SIGNIFICANCE_LABELS.get(self.significance, self.significance)

    @property
    def registered_display(self):
        """The registration date as precisely as it is known: "12 May 2001", "May 2001" or "2001"."""
        return format_partial_date(self.registered_on, self.registered_precision)


class MonumentIdentifierQuerySet(models.QuerySet):
    def listed_by_monument(self, monument_ids):
        """``{monument id: "scheme:value; …"}`` for these monuments, for the exports: one query per chunk."""
        rows = self.filter(AnyOf(F("monument_id"), monument_ids)).order_by("monument_id", "scheme__code", "value")
        listed = {}
        for monument_id, code, value in rows.values_list("monument_id", "scheme__code", "value"):
            listed.setdefault(monument_id, []).append(f"{code}:{value}")
        return {pk: "; ".join(items) for pk, items in listed.items()}


class MonumentIdentifier(ExternalIdentifier):
    """A monument's identifier in another catalogue (its Wikidata item, Commons category…): ``heritage.identifiers``."""

    record_field = "monument"

    objects = MonumentIdentifierQuerySet.as_manager()

    monument = models.ForeignKey(
        Monument, verbose_name=_("monument"), on_delete=models.CASCADE, related_name="identifiers"
    )

    class Meta:
        verbose_name = _("external identifier")
        verbose_name_plural = _("external identifiers")
        ordering = ["monument", "scheme", "value"]
        indexes = identifier_indexes("monument")
        constraints = identifier_constraints("monument")


class ConditionAssessment(Reviewed, models.Model):
    """A dated, cited statement of a monument's condition. The latest public one (approved: ``Reviewed``) is the
    monument's current condition."""

    review_record_field = "monument"

    monument = models.ForeignKey(
        Monument, verbose_name=_("monument"), on_delete=models.CASCADE, related_name="assessments"
    )
    observed_on = models.DateField(_("observed on"))
    observed_precision = models.CharField(
        _("precision"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    condition = models.CharField(_("condition"), max_length=20, choices=Condition.choices)
    evidence_kind = models.CharField(_("evidence"), max_length=20, choices=EvidenceKind.choices)
    description = models.TextField(_("description"), blank=True)
    source = models.ForeignKey(
        "heritage.Source", verbose_name=_("source"), on_delete=models.PROTECT, related_name="assessments"
    )
    assessed_by = models.CharField(
        _("reported by"), max_length=300, help_text=_("Who observed or states this condition.")
    )

    objects = ConditionAssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("condition assessment")
        verbose_name_plural = _("condition assessments")
        ordering = ["monument", "-observed_on", "-id"]
        indexes = [
            models.Index(fields=["monument", "-observed_on"], name="assessment_monument_observed"),
            # The staff changelist's order (ConditionAssessmentAdmin.ordering), newest observation first.
            models.Index(fields=["-observed_on", "-id"], name="assessment_observed"),
            *review_indexes("assessment"),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(assessed_by=""), name="assessment_reported_by_not_empty"),
        ]

    def __str__(self):
        return f"{self.get_condition_display()} ({self.observed_display})"

    @property
    def observed_display(self):
        return format_partial_date(self.observed_on, self.observed_precision)

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.monument.refresh_current_condition()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self.monument.refresh_current_condition()
        return result


class RestorationStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    SUSPENDED = "suspended", _("Suspended")


class Restoration(Reviewed, models.Model):
    review_record_field = "monument"

    monument = models.ForeignKey(
        Monument, verbose_name=_("monument"), on_delete=models.CASCADE, related_name="restorations"
    )
    status = models.CharField(_("status"), max_length=12, choices=RestorationStatus.choices)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    executing_organization = models.ForeignKey(
        "meetings.Organization",
        verbose_name=_("carried out by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="restorations",
    )
    description = models.TextField(_("description"), blank=True)
    sources = models.ManyToManyField(
        "heritage.Source", verbose_name=_("sources"), blank=True, related_name="restorations"
    )

    objects = ReviewedQuerySet.as_manager()

    class Meta:
        verbose_name = _("restoration")
        verbose_name_plural = _("restorations")
        ordering = ["monument", "-started_on"]
        indexes = review_indexes("restoration")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(started_on__isnull=True)
                | models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="restoration_end_not_before_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self):
        return f"{self.get_status_display()}: {self.monument}"

    def clean(self):
        validate_order(self, "started_on", "ended_on", _("The end date cannot be before the start date."))


class MonumentImage(uploads.ImageWithRenditions, Reviewed, models.Model):
    review_record_field = "monument"

    monument = models.ForeignKey(Monument, verbose_name=_("monument"), on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(
        _("image"),
        upload_to=uploads.monument_image_path,
        validators=[uploads.validate_image_upload],
        help_text=_("A JPEG, PNG or WebP photograph. Location and camera metadata are removed when it is saved."),
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    alt_text = models.CharField(
        _("alternative text"), max_length=300, help_text=_("Describes the image for people who cannot see it.")
    )
    credit = models.CharField(_("credit"), max_length=200)
    licence = models.CharField(_("licence"), max_length=100, blank=True)
    taken_on = models.DateField(_("taken on"), null=True, blank=True)
    source = models.ForeignKey(
        "heritage.Source", verbose_name=_("source"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # The stored image's size in pixels: the page's width and height attributes, and which renditions it has.
    width = models.PositiveIntegerField(_("width"), null=True, editable=False)
    height = models.PositiveIntegerField(_("height"), null=True, editable=False)

    objects = ReviewedQuerySet.as_manager()

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        ordering = ["monument", "order", "id"]
        indexes = review_indexes("image")
        constraints = [
            models.CheckConstraint(condition=~models.Q(alt_text=""), name="image_alt_text_not_empty"),
        ]

    def __str__(self):
        return self.caption or self.alt_text


class FigureQualifier(models.TextChoices):
    EXACTLY = "exactly", _("exactly")
    MORE_THAN = "more_than", _("more than")
    AT_LEAST = "at_least", _("at least")
    ABOUT = "about", _("about")
    FEWER_THAN = "fewer_than", _("fewer than")


class ReportedFigure(Publishable):
    """A number someone else states about monuments, always shown with who states it and where."""

    statement = models.TextField(_("statement"), help_text=_("The figure in the words of the source."))
    qualifier = models.CharField(
        _("qualifier"), max_length=12, choices=FigureQualifier.choices, default=FigureQualifier.EXACTLY
    )
    count = models.PositiveIntegerField(_("number of monuments"))
    registered_count = models.PositiveIntegerField(_("of them state-registered"), null=True, blank=True)
    condition = models.CharField(
        _("condition counted"), max_length=20, choices=Condition.choices, blank=True, db_index=True
    )
    monument_type = models.ForeignKey(
        MonumentType, verbose_name=_("type counted"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    country = CountryField(_("country"), blank=True)
    as_of = models.DateField(_("as of"), null=True, blank=True)
    as_of_precision = models.CharField(
        _("precision"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.YEAR
    )
    reported_by = models.ForeignKey(
        "meetings.Organization",
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        related_name="reported_figures",
    )
    source = models.ForeignKey(
        "heritage.Source", verbose_name=_("source"), on_delete=models.PROTECT, related_name="reported_figures"
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("reported figure")
        verbose_name_plural = _("reported figures")
        ordering = ["-as_of", "-id"]
        permissions = [("publish_reportedfigure", _("Can publish reported figures"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(registered_count__isnull=True) | models.Q(registered_count__lte=models.F("count")),
                name="figure_registered_within_count",
                violation_error_message=_("The state-registered part cannot exceed the whole."),
            ),
        ]

    def __str__(self):
        return f"{self.get_qualifier_display()} {self.count} — {self.reported_by}"

    @property
    def as_of_display(self):
        return format_partial_date(self.as_of, self.as_of_precision)

    def documented_monuments(self):
        """Published monuments in the register within this figure's scope (condition, type, country)."""
        monuments = Monument.objects.published()
        if self.condition:
            monuments = monuments.filter(current_condition=self.condition)
        if self.monument_type_id:
            monuments = monuments.filter(monument_type_id=self.monument_type_id)
        if self.country:
            monuments = monuments.filter(place__country=self.country)
        return monuments

    def documented_counts(self):
        """What the register itself documents for the same scope: all, and how many of them are registered.

        These measure something different from the reported figure (documented, published records versus a
        party's statement), so pages show them side by side and never as a correction of each other.
        """
        monuments = self.documented_monuments()
        return {
            "count": monuments.count(),
            "registered_count": monuments.filter(registrations__isnull=False).distinct().count(),
        }
