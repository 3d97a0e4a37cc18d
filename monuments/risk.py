"""Lists of heritage at risk or in danger (UNESCO's List of World Heritage in Danger, a national body's Heritage at
Risk register…) and a monument's listings on them: which list, since when, until when, on whose word.

A listing is a statement about a monument's standing on someone's list, not about its fabric: it never touches the
monument's physical condition (``ConditionAssessment``). A listing is evidence about a published record
(``Reviewed``): added by an Editor to a published monument it waits for a Publisher, like an assessment.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from heritage.models import (
    AnyOf,
    DatePrecision,
    Reviewed,
    ReviewedQuerySet,
    Tracked,
    format_partial_date,
    partial_iso,
    review_indexes,
    unique_slug,
    validate_order,
)


class RiskListQuerySet(models.QuerySet):
    def in_use(self):
        """The lists a published monument has a public listing on: the public vocabulary of the list filter."""
        return self.filter(
            models.Exists(
                RiskListing.objects.public().filter(risk_list=models.OuterRef("pk"), monument__status="published")
            )
        )


class RiskList(Tracked):
    """A list of heritage at risk kept by some body. A few are seeded (migration 0017); staff add others."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, blank=True)
    kept_by = models.CharField(_("kept by"), max_length=200, blank=True, help_text=_("The body that keeps the list."))
    url = models.URLField(_("URL"), blank=True)
    description = models.TextField(_("description"), blank=True)

    objects = RiskListQuerySet.as_manager()

    class Meta:
        verbose_name = _("list of heritage at risk")
        verbose_name_plural = _("lists of heritage at risk")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.name, max_length=100)
        super().save(*args, **kwargs)


def current_condition(today=None):
    """A ``Q`` for listings in force on ``today``: begun (or of unknown start) and not ended by then."""
    today = today or timezone.localdate()
    return (Q(listed_from__isnull=True) | Q(listed_from__lte=today)) & (
        Q(listed_until__isnull=True) | Q(listed_until__gt=today)
    )


class RiskListingQuerySet(ReviewedQuerySet):
    def current(self, today=None):
        return self.filter(current_condition(today))

    def listed_by_monument(self, monument_ids):
        """``{monument id: "list slug:since–until; …"}`` of the public listings, for the exports: one query."""
        rows = (
            self.public()
            .filter(AnyOf(models.F("monument_id"), monument_ids))
            .order_by("monument_id", "listed_from", "id")
            .values_list(
                "monument_id",
                "risk_list__slug",
                "listed_from",
                "listed_from_precision",
                "listed_until",
                "listed_until_precision",
            )
        )
        listed = {}
        for monument_id, slug, since, since_precision, until, until_precision in rows:
            span = f"{partial_iso(since, since_precision) or ''}/{partial_iso(until, until_precision) or ''}"
            listed.setdefault(monument_id, []).append(f"{slug}:{span}")
        return {pk: "; ".join(items) for pk, items in listed.items()}


def listed_now(listed_from, listed_until, today=None):
    """Whether a listing from ``listed_from`` until ``listed_until`` (either unknown: ``None``) holds today."""
    today = today or timezone.localdate()
    return (listed_from is None or listed_from <= today) and (listed_until is None or listed_until > today)


class RiskListing(Reviewed, models.Model):
    """A monument on a list of heritage at risk: since when, until when (partial dates), and the source saying so."""

    review_record_field = "monument"

    monument = models.ForeignKey(
        "monuments.Monument", verbose_name=_("monument"), on_delete=models.CASCADE, related_name="risk_listings"
    )
    risk_list = models.ForeignKey(RiskList, verbose_name=_("list"), on_delete=models.PROTECT, related_name="listings")
    listed_from = models.DateField(_("on the list since"), null=True, blank=True)
    listed_from_precision = models.CharField(
        _("precision"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.YEAR
    )
    listed_until = models.DateField(
        _("on the list until"), null=True, blank=True, help_text=_("Blank while the monument is still on the list.")
    )
    listed_until_precision = models.CharField(
        _("precision"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.YEAR
    )
    source = models.ForeignKey(
        "heritage.Source",
        verbose_name=_("source"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="risk_listings",
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = RiskListingQuerySet.as_manager()

    class Meta:
        verbose_name = _("listing as heritage at risk")
        verbose_name_plural = _("listings as heritage at risk")
        ordering = ["monument", "listed_from", "id"]
        indexes = [
            # "On this list" / "on a list now" filters: EXISTS probes by list, then by monument.
            models.Index(fields=["risk_list", "monument"], name="risklisting_list_monument"),
            models.Index(fields=["monument", "listed_from"], name="risklisting_monument_from"),
            *review_indexes("risklisting"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(listed_from__isnull=True)
                | Q(listed_until__isnull=True)
                | Q(listed_until__gte=models.F("listed_from")),
                name="risklisting_until_not_before_since",
                violation_error_message=_("The end of a listing cannot be before its start."),
            ),
        ]

    def __str__(self):
        return f"{self.risk_list}: {self.span_display}"

    def clean(self):
        validate_order(self, "listed_from", "listed_until", _("The end of a listing cannot be before its start."))

    @property
    def since_display(self):
        return format_partial_date(self.listed_from, self.listed_from_precision)

    @property
    def until_display(self):
        return format_partial_date(self.listed_until, self.listed_until_precision)

    @property
    def span_display(self):
        """ "since 2003", "2003 – 2009", "until 2009" or "date not recorded", as precisely as each is known."""
        since, until = self.since_display, self.until_display
        if since and until:
            return f"{since} – {until}"
        if since:
            return _("since %(date)s") % {"date": since}
        if until:
            return _("until %(date)s") % {"date": until}
        return _("dates not recorded")

    @property
    def is_current(self):
        return listed_now(self.listed_from, self.listed_until)
