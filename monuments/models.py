"""The monument register: what each monument is, where, from when, its registrations and its condition over time."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models
from django.db.models import F
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from heritage import uploads
from heritage.models import (
    DatePrecision,
    LatitudeField,
    LongitudeField,
    Publishable,
    PublishableQuerySet,
    Searchable,
    Tracked,
    coordinate_constraints,
    format_partial_date,
    split_names,
    status_field,
    unique_slug,
    user_stamp,
    validate_order,
)
from heritage.search import search_indexes

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


class ReligiousAffiliation(models.TextChoices):
    ISLAM = "islam", _("Islam")
    CHRISTIANITY = "christianity", _("Christianity")
    JUDAISM = "judaism", _("Judaism")
    ZOROASTRIANISM = "zoroastrianism", _("Zoroastrianism")
    OTHER = "other", _("Other")
    NONE = "none", _("None (secular)")


class MonumentType(Tracked):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, blank=True)
    description = models.TextField(_("description"), blank=True)

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


class MonumentQuerySet(PublishableQuerySet):
    search_fields = ("name", "alternative_names", "description")

    def with_related(self):
        return self.select_related("monument_type", "place", "place__parent")

    def with_condition_provenance(self):
        """Annotate where the current condition comes from: the latest assessment's date, reporter and source.

        Correlated sub-queries on the (monument, -observed_on) index, so a page or a streamed export gets the
        provenance of each row without loading every assessment.
        """
        latest = ConditionAssessment.objects.filter(monument=models.OuterRef("pk")).order_by("-observed_on", "-id")

        def pick(field):
            return models.Subquery(latest.values(field)[:1])

        return self.annotate(
            condition_observed_on=pick("observed_on"),
            condition_observed_precision=pick("observed_precision"),
            condition_reported_by=pick("assessed_by"),
            condition_evidence_kind=pick("evidence_kind"),
            condition_source_id=pick("source_id"),
            condition_source_title=pick("source__title"),
            condition_source_url=pick("source__url"),
        )


class Monument(Searchable, Publishable):
    name = models.CharField(_("name"), max_length=300)
    alternative_names = models.TextField(_("alternative names"), blank=True, help_text=_("One name per line."))
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
            models.Index(fields=["status", "name"], name="monument_status_name"),
            # The staff changelist's order: by name, and Django adds "-pk" to make it total.
            models.Index(fields=["name", "-id"], name="monument_name_id"),
            models.Index(fields=["status", "-updated_at"], name="monument_status_updated"),
            models.Index(F("status"), BUILT_YEAR, name="monument_status_built_year"),
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

    search_select_related = ("monument_type", "place", "place__parent")

    def search_document(self):
        place = self.place if self.place_id else None
        return {
            "A": [self.name, self.alternative_names],
            "B": [
                self.monument_type.name if self.monument_type_id else "",
                place.name if place else "",
                place.alternative_names if place else "",
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
        """Set ``current_condition`` from the latest assessment (or ``unknown`` when there is none)."""
        latest = self.assessments.order_by("-observed_on", "-id").values_list("condition", flat=True).first()
        self.current_condition = latest or Condition.UNKNOWN
        Monument.objects.filter(pk=self.pk).update(current_condition=self.current_condition)


class Registration(models.Model):
    """An entry of a monument in an official register of protected monuments."""

    monument = models.ForeignKey(
        Monument, verbose_name=_("monument"), on_delete=models.CASCADE, related_name="registrations"
    )
    registry = models.CharField(_("registry"), max_length=200)
    number = models.CharField(_("registration number"), max_length=100)
    significance = models.CharField(_("significance"), max_length=10, choices=Significance.choices, db_index=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    source = models.ForeignKey(
        "heritage.Source", verbose_name=_("source"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

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


class ConditionAssessmentQuerySet(models.QuerySet):
    def latest_by_monument(self, monument_ids, *fields):
        """``{monument id: values() row of its latest assessment}`` for these monuments, in one query.

        For exports, a chunk at a time: PostgreSQL keeps only the latest row per monument (``DISTINCT ON``, from
        the (monument, -observed_on) index); elsewhere the chunk's assessments are read in the same order and
        the first per monument kept.
        """
        rows = self.filter(monument_id__in=monument_ids).order_by("monument_id", "-observed_on", "-id")
        if connections[self.db].features.can_distinct_on_fields:
            rows = rows.distinct("monument_id")
        latest = {}
        for row in rows.values("monument_id", *fields):
            latest.setdefault(row["monument_id"], row)
        return latest


class ConditionAssessment(models.Model):
    """A dated, cited statement of a monument's condition. The latest one is the monument's current condition."""

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


class Restoration(models.Model):
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

    class Meta:
        verbose_name = _("restoration")
        verbose_name_plural = _("restorations")
        ordering = ["monument", "-started_on"]
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


class MonumentImage(models.Model):
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

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        ordering = ["monument", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(alt_text=""), name="image_alt_text_not_empty"),
        ]

    def __str__(self):
        return self.caption or self.alt_text

    def save(self, *args, **kwargs):
        if self.image and not self.image._committed:
            # Every new upload is stored re-encoded, without the metadata that can reveal where it was taken.
            self.image = uploads.clean_image(self.image)
        super().save(*args, **kwargs)


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
