"""What both halves share: publishing status, partial dates, sources and the place hierarchy."""

from django.conf import settings
from django.conf.global_settings import LANGUAGES as ALL_LANGUAGES
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchHeadline, SearchRank, SearchVectorField, TrigramWordSimilarity
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef
from django.db.models.lookups import In
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from reversion.models import Revision

from heritage import search
from heritage.identifiers import (  # noqa: F401 (the scheme model is registered with the core's models)
    ExternalIdentifier,
    IdentifierScheme,
    identifier_constraints,
    identifier_indexes,
    pasted_values,
)
from heritage.names import MultilingualName, alternative_names_field
from heritage.transliteration import slugify


class PublishStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    PUBLISHED = "published", _("Published")


class DatePrecision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


# Languages that write month names in lower case inside a sentence, where Django's month names are capitalised
# ("Сентябрь", "Oktyabr"): their dates are lower-cased (they hold nothing but the month, digits and "г.").
LOWER_CASE_MONTHS = {"ru", "az"}


def partial_iso(value, precision=DatePrecision.DAY):
    """A date as ISO 8601 writes it at its precision ("2022", "2022-09", "2022-09-05"); None for none. What files,
    Popolo and schema.org markup carry, never a day nobody reported."""
    if value is None:
        return None
    if precision == DatePrecision.YEAR:
        return f"{value.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def format_partial_date(value, precision):
    """Show a date only as precisely as it was recorded, the way the reader's language writes it: "5 October 2022",
    "5 октября 2022 г.", "5 de octubre de 2022", "5 oktyabr 2022"; "September 2022", "сентябрь 2022 г.",
    "septiembre de 2022", "sentyabr 2022"; "2022". The patterns are Django's per-language DATE_FORMAT and
    YEAR_MONTH_FORMAT (English's set in config/formats/en/formats.py)."""
    if value is None:
        return ""
    pattern = {DatePrecision.YEAR: "Y", DatePrecision.MONTH: "YEAR_MONTH_FORMAT"}.get(precision, "DATE_FORMAT")
    return _in_language(value, pattern)


def _in_language(value, pattern):
    text = formats.date_format(value, pattern)
    return text.lower() if translation.get_language() in LOWER_CASE_MONTHS else text


def format_partial_date_range(start, end, precision):
    """A span of dates as precisely as it was recorded: "5–7 October 2022", "30 September – 2 October 2022",
    "30 December 2022 – 2 January 2023", "September–October 2022", "1998–1999"; one date when there is no end
    or it is the start's day (month, year) again."""
    if end is None or format_partial_date(start, precision) == format_partial_date(end, precision):
        return format_partial_date(start, precision)
    if precision == DatePrecision.YEAR:
        return f"{start.year}–{end.year}"
    if start.year == end.year:
        if precision == DatePrecision.MONTH:
            return f"{_in_language(start, 'F')}–{format_partial_date(end, precision)}"
        if start.month == end.month:
            return f"{start.day}–{format_partial_date(end, precision)}"
        return f"{_in_language(start, 'MONTH_DAY_FORMAT')} – {format_partial_date(end, precision)}"
    return f"{format_partial_date(start, precision)} – {format_partial_date(end, precision)}"


def unique_slug(instance, text, field="slug", max_length=200):
    """A slug for ``text`` that no other row of the instance's model has yet, by transliteration
    (``heritage.transliteration.slugify``: "Qız qalası" → "qiz-qalasi"). Callers make one only for a record
    without a slug: an existing slug never changes, it is a bookmark."""
    base = (slugify(text) or instance._meta.model_name)[: max_length - 8].strip("-")
    manager = type(instance)._default_manager
    candidate, n = base, 2
    while manager.filter(**{field: candidate}).exclude(pk=instance.pk).exists():
        candidate = f"{base}-{n}"
        n += 1
    return candidate


def validate_order(instance, start, end, message):
    """Model ``clean()`` helper: put the "end before start" message on the end field, where staff look.

    The database has the same rule as a CheckConstraint; this only makes the form's message land on the field.
    """
    first, last = getattr(instance, start), getattr(instance, end)
    if first is not None and last is not None and last < first:
        raise ValidationError({end: message})


def split_names(text):
    """Alternative names are stored one per line."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def LatitudeField(verbose_name):  # noqa: N802 - a field factory, used like a field class
    return models.DecimalField(
        verbose_name,
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )


def LongitudeField(verbose_name):  # noqa: N802
    return models.DecimalField(
        verbose_name,
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )


def coordinate_constraints(prefix):
    """Database constraints for a latitude/longitude pair, shared by places and monuments."""
    return [
        models.CheckConstraint(
            condition=models.Q(latitude__isnull=True) | models.Q(latitude__gte=-90, latitude__lte=90),
            name=f"{prefix}_latitude_range",
            violation_error_message=_("Latitude must be between -90 and 90."),
        ),
        models.CheckConstraint(
            condition=models.Q(longitude__isnull=True) | models.Q(longitude__gte=-180, longitude__lte=180),
            name=f"{prefix}_longitude_range",
            violation_error_message=_("Longitude must be between -180 and 180."),
        ),
        models.CheckConstraint(
            condition=models.Q(latitude__isnull=True, longitude__isnull=True)
            | models.Q(latitude__isnull=False, longitude__isnull=False),
            name=f"{prefix}_coordinates_both_or_neither",
            violation_error_message=_("Give both latitude and longitude, or neither."),
        ),
    ]


class AnyOf(models.Lookup):
    """``field = ANY(%s)``, the values sent as one array parameter, on PostgreSQL; ``field IN (…)`` elsewhere.

    For long lists of ids (a chunk of an export): ``__in`` sends one placeholder per value, which Django prepares
    one by one and PostgreSQL parses one by one. Used as an expression: ``.filter(AnyOf(F("monument_id"), ids))``.
    """

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        return In(self.lhs, self.rhs).as_sql(compiler, connection)

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*lhs_params, list(self.rhs))


def user_stamp(verbose_name, db_index=True):
    """``Tracked.created_by`` / ``updated_by``; a big table may leave out their index (``Monument``)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        db_index=db_index,
    )


def status_field(db_index=True):
    """``Publishable.status``; a model whose indexes all start with the status may leave out its own."""
    return models.CharField(
        _("status"), max_length=10, choices=PublishStatus.choices, default=PublishStatus.DRAFT, db_index=db_index
    )


class Tracked(models.Model):
    """Who created and last changed a record, and when. Filled in by the admin."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)
    created_by = user_stamp(_("created by"))
    updated_by = user_stamp(_("updated by"))

    class Meta:
        abstract = True


class PublishableQuerySet(models.QuerySet):
    """Queries every public record shares: ``published()``, ``drafts()`` and search.

    ``search(q)`` and ``highlight(q)`` work on searchable models (``Searchable``); see ``heritage.search``.

    ``search(q)``: the records matching ``q``, best first. Names match regardless of case, diacritics and
    script (``Blagojevic`` finds Blagojević, ``Керимов`` finds Kərimov). On PostgreSQL it is a full-text
    search on the GIN-indexed ``search_vector`` with websearch syntax (``"exact phrase"``, ``-without``,
    ``or``), ranked with names first; when nothing matches, a trigram search on names finds typos and other
    transliterations. Ranking is skipped for broad queries (more than ``RANK_LIMIT`` matches): those keep the
    queryset's own order, because ranking them costs as much as counting every match and only reorders ties.
    Up front it runs one short probe query (at most ``RANK_LIMIT + 1`` ids from the index) to choose between
    these. On SQLite every normalised word (or one of its keys) must occur in the record's text; records matching
    as typed come first, otherwise the queryset's order.
    ``search(q, prefix=True)`` also matches words by their beginning (for autocomplete and the admin).

    ``highlight(q)``: annotates ``snippet``, a short extract of the record's longest text with the words of
    ``q`` wrapped in ``<mark>``, as safe HTML (the text is escaped first; the database's text is never trusted
    as HTML). On PostgreSQL ``ts_headline`` picks the extract; on SQLite Python cuts the words around the
    first match (``None`` when the text does not contain the words). On both, words spelled differently
    from the query (diacritics, script) are marked too. Use it on a page's slice
    only (``qs.search(q).highlight(q)`` then paginate): it runs per row. Iterate the queryset to get
    ``obj.snippet``; ``values()`` returns the raw marked-up text.
    """

    # Above this many matches, search() keeps the queryset's order instead of ranking.
    RANK_LIMIT = 1000

    def search(self, query, *, prefix=False):
        if not self.model_is_searchable():
            return self._search_by_containment(query)
        if not (query or "").strip():
            return self
        terms = search.words(query)
        if not terms:
            return self.none()
        by_identifier = self.identifier_condition(query)
        if not search.is_postgresql(self.db):
            return self._search_sqlite(query, prefix=prefix, by_identifier=by_identifier)
        exact = search.tsquery(query, prefix=prefix)
        tsquery = search.phonetic_tsquery(query, prefix=prefix)
        if by_identifier:
            return self._search_or_identifier(tsquery, by_identifier)
        probe = list(self.filter(search_vector=tsquery).order_by().values_list("pk", flat=True)[: self.RANK_LIMIT + 1])
        if not probe:
            text = " ".join(terms)
            return (
                self.filter(search_names__trigram_word_similar=text)
                .alias(similarity=TrigramWordSimilarity(text, "search_names"))
                .order_by("-similarity", "pk")
            )
        matches = self.filter(search_vector=tsquery)
        if len(probe) > self.RANK_LIMIT:
            return matches
        return matches.alias(
            search_exact=models.Case(models.When(search_vector=exact, then=1), default=0),
            rank=SearchRank(models.F("search_vector"), tsquery),
        ).order_by("-search_exact", "-rank", "pk")

    def _search_sqlite(self, query, *, prefix, by_identifier=None):
        """Every word in the folded text, or one of its phonetic keys among the record's keys (as a whole key, or
        its beginning with ``prefix``), or the record a pasted identifier names; records matched by their folded
        words first, then the queryset's order."""
        exact, condition = models.Q(), models.Q()
        for folded, keys in search.query_terms(query):
            word = models.Q(search_text__contains=folded)
            exact &= word
            for key in keys:
                word |= models.Q(search_keys__contains=f" {key}" if prefix else f" {key} ")
            condition &= word
        if by_identifier:
            condition |= by_identifier
        order = self.query.order_by or self.model._meta.ordering or ["pk"]
        return (
            self.filter(condition)
            .alias(search_exact=models.Case(models.When(exact, then=0), default=1))
            .order_by("search_exact", *order)
        )

    def identifier_condition(self, query):
        """A record whose external identifier is the pasted text (``Q754560``, a GeoNames number, a Wikidata
        address), as a condition; None for a query that cannot be one (no digit), which costs nothing more."""
        try:
            relation = self.model._meta.get_field("identifiers")
        except FieldDoesNotExist:
            return None
        if not any(ch.isdigit() for ch in query) or not (values := pasted_values(query)):
            return None
        identifiers = relation.related_model._default_manager.filter(value__in=values)
        return models.Q(Exists(identifiers.filter(**{relation.field.name: OuterRef("pk")})))

    def _search_or_identifier(self, tsquery, by_identifier):
        # The record a pasted identifier names first, then full-text matches of the same words (a number in a name).
        matches = self.filter(models.Q(search_vector=tsquery) | by_identifier)
        return matches.alias(
            named=models.Case(models.When(by_identifier, then=1), default=0, output_field=models.IntegerField()),
            rank=SearchRank(models.F("search_vector"), tsquery),
        ).order_by("-named", "-rank", "pk")

    def highlight(self, query):
        terms = search.words(query)
        if not self.model_is_searchable() or not terms:
            return self.annotate(snippet=models.Value(None, output_field=models.TextField()))
        field = self.model.snippet_field
        if not search.is_postgresql(self.db):
            return self.annotate(snippet=search.Snippet(field, terms=terms))
        headline = SearchHeadline(
            field,
            search.headline_query(query),
            config="simple",
            start_sel=search.MARK_START,
            stop_sel=search.MARK_STOP,
            max_words=30,
            min_words=12,
            max_fragments=2,
        )
        return self.annotate(snippet=search.Snippet(field, terms=terms, headline=headline))

    def model_is_searchable(self):
        return issubclass(self.model, Searchable)

    def _search_by_containment(self, query):
        """Plain containment for models without stored search data (kept for ``search_fields`` users)."""
        fields = getattr(self, "search_fields", ("name",))
        condition = models.Q()
        for word in (query or "").split():
            any_field = models.Q()
            for f in fields:
                any_field |= models.Q(**{f"{f}__icontains": word})
            condition &= any_field
        return self.filter(condition)

    def published(self):
        return self.filter(status=PublishStatus.PUBLISHED)

    def drafts(self):
        return self.exclude(status=PublishStatus.PUBLISHED)


class PostgresOnlyGinIndex(GinIndex):
    """A GIN index that exists on PostgreSQL only: on SQLite (the embedded default) it is a no-op.

    Keeps one set of migrations for both databases: the column it indexes exists everywhere, the index only
    where GIN does.
    """

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return f"-- {self.name}: PostgreSQL only"
        return super().create_sql(model, schema_editor, using=using, **kwargs)

    def remove_sql(self, model, schema_editor, **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return f"-- {self.name}: PostgreSQL only"
        return super().remove_sql(model, schema_editor, **kwargs)


def search_indexes(prefix):
    """Meta.indexes for a searchable model: the GIN full-text and trigram indexes, PostgreSQL only."""
    return [
        PostgresOnlyGinIndex(fields=["search_vector"], name=f"{prefix}_search_vector"),
        PostgresOnlyGinIndex(fields=["search_names"], name=f"{prefix}_search_names_trgm", opclasses=["gin_trgm_ops"]),
    ]


class Searchable(models.Model):
    """Stored search data, kept current by ``save()``; see ``heritage.search`` for what each column holds.

    Subclasses define ``search_document()`` (texts by weight "A", "B", "C"), ``snippet_field`` (the text
    ``highlight()`` extracts from), and the related records it reads (``search_select_related``,
    ``search_prefetch``) so that ``update_search_index()`` reads a batch in a few queries. Add
    ``*search_indexes("<model>")`` to ``Meta.indexes``.
    """

    search_names = models.TextField(editable=False, default="")
    search_text = models.TextField(editable=False, default="")
    search_vector = SearchVectorField(editable=False, null=True)
    search_keys = models.TextField(editable=False, default="")

    search_select_related = ()
    search_prefetch = ()
    snippet_field = "description"
    # Set by highlight(). None here, so that a list row asking for it (partials/*_items.html) finds it at once:
    # a template lookup that fails calls dir() on the record, for every row (bench/RESULTS.md).
    snippet = None

    class Meta:
        abstract = True

    def search_document(self):
        raise NotImplementedError

    def save(self, *args, **kwargs):
        columns = search.search_document_for_save(self)
        self.search_names, self.search_text = columns["search_names"], columns["search_text"]
        self.search_keys = columns["search_keys"]
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_names", "search_text", "search_keys"}
        super().save(*args, **kwargs)
        search.write_vector(self, columns)

    def refresh_search(self):
        """Recompute after related records changed (topics, participants): one row's ``update_search_index``."""
        search.update_search_index(type(self)._base_manager.filter(pk=self.pk))


def searchable_models():
    """Every model with stored search data, in a stable order."""
    from django.apps import apps

    return [m for m in apps.get_models() if issubclass(m, Searchable)]


def public_or_none(record):
    """``record`` where the public may see it, else ``None``: a draft related record is not named. The one test behind
    the pages, the API and the exports (Popolo, schema.org) when they name a related record."""
    return record if record is not None and record.is_published else None


class Publishable(Tracked):
    """A record that only reaches the public once a Publisher has published it."""

    status = status_field()

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_published(self):
        return self.status == PublishStatus.PUBLISHED

    # What the publishing rule reads of a record as stored (``publishing_snapshot``); a subclass whose other fields
    # decide what the public sees of a published record adds them (``Monument``: its sensitive location).
    publishing_fields = ("status",)

    @classmethod
    def publishing_snapshot(cls, record):
        """The fields ``publishing_changes`` compares, of ``record`` as stored (``None`` for no record)."""
        return None if record is None else {name: getattr(record, name) for name in cls.publishing_fields}

    @classmethod
    def publishing_changes(cls, stored, new):
        """The changes from ``stored`` (``publishing_snapshot``; ``None`` for a new record) to ``new`` (values by
        field name; a field left out is unchanged) that only a user with the publish permission may make, as
        ``{field: message}``. The one rule behind the admin form, its history reverts and the imports.

        Entering or leaving "published" is one: a new record counts as a draft.
        """
        old = stored["status"] if stored else PublishStatus.DRAFT
        status = new.get("status", old)
        if status != old and PublishStatus.PUBLISHED in (old, status):
            return {
                "status": _(
                    "You may not publish or unpublish this record. Save it as draft or in review for a Publisher."
                )
            }
        return {}


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Pending review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ReviewedQuerySet(models.QuerySet):
    """Queries on evidence with a review state (``Reviewed``)."""

    def public(self):
        """The evidence the public may see: approved (by a Publisher, or added by one, or added while its record
        was a draft). The one filter every public path uses for evidence: record pages, lists and their counts,
        the current condition, exports, feeds, source pages. Pending and rejected evidence never reaches them.

        It filters on the evidence's own state only: every public path already asks for published records, and
        the current condition of a draft, computed from its approved evidence, is right the moment it is
        published. ``Source.objects.cited()`` adds the record's status itself.
        """
        return self.filter(review_status=ReviewStatus.APPROVED)

    def pending(self):
        return self.filter(review_status=ReviewStatus.PENDING)


def review_indexes(prefix):
    """Meta.indexes for a reviewed model: the review queue's, a partial index holding only the pending rows."""
    return [
        models.Index(
            fields=["review_status"],
            name=f"{prefix}_review_pending",
            condition=models.Q(review_status=ReviewStatus.PENDING),
        )
    ]


class Reviewed(models.Model):
    """Evidence about a publishable record (an assessment, an outcome, a restoration, an image) with a review
    state of its own: added to a published record by someone without the publish permission, it is pending, and
    the public sees none of it, until a Publisher approves it (``heritage.review``). ``review_record`` names the
    foreign key to the record. Existing rows and rows added by Publishers are approved."""

    review_record_field = None

    review_status = models.CharField(
        _("review"),
        max_length=10,
        choices=ReviewStatus.choices,
        default=ReviewStatus.APPROVED,
        editable=False,
    )
    submitted_by = user_stamp(_("submitted by"), db_index=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    reviewed_by = user_stamp(_("reviewed by"), db_index=False)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True, editable=False)
    review_reason = models.TextField(_("reason for the decision"), blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def review_record(self):
        return getattr(self, self.review_record_field)

    @property
    def is_public(self):
        return self.review_status == ReviewStatus.APPROVED


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("Waiting for review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CLOSED = "closed", _("Closed: the record is gone")


class ProposalQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=ProposalStatus.OPEN)

    def for_record(self, record):
        return self.filter(content_type=ContentType.objects.get_for_model(record), object_id=record.pk)


class Proposal(models.Model):
    """A change to a published record by someone who may not publish it (``heritage.proposals``): what would
    change, from what to what (``changes``), who proposed it, when and why. The record stays as it is, and the
    public sees it so, until a Publisher approves the proposal (it is applied, in history) or rejects it."""

    content_type = models.ForeignKey(ContentType, verbose_name=_("kind of record"), on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField(_("record number"))
    record_repr = models.CharField(_("record"), max_length=300)
    changes = models.JSONField(_("changes"), encoder=DjangoJSONEncoder, default=dict)
    reason = models.TextField(_("why"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    status = models.CharField(_("state"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.OPEN)
    decided_by = user_stamp(_("decided by"), db_index=False)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    # The revision that applied it, when approved: the record's history links back here.
    revision = models.ForeignKey(
        Revision, verbose_name=_("revision"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposed edit")
        verbose_name_plural = _("proposed edits")
        ordering = ["proposed_at", "id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="proposal_record"),
            # The review queue, oldest first: a partial index holding only the open proposals.
            models.Index(fields=["proposed_at"], name="proposal_open", condition=models.Q(status=ProposalStatus.OPEN)),
            models.Index(fields=["-decided_at"], name="proposal_decided"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=ProposalStatus.values), name="proposal_status_valid"),
            # One open proposal per record per Editor: saving again adds to it.
            models.UniqueConstraint(
                fields=["content_type", "object_id", "proposed_by"],
                condition=models.Q(status=ProposalStatus.OPEN),
                name="proposal_one_open_per_editor",
            ),
            models.CheckConstraint(
                condition=models.Q(status=ProposalStatus.OPEN, decided_at__isnull=True)
                | (~models.Q(status=ProposalStatus.OPEN) & models.Q(decided_at__isnull=False)),
                name="proposal_decided_when_closed",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=ProposalStatus.REJECTED, decision_reason=""),
                name="proposal_rejection_has_reason",
            ),
        ]

    def __str__(self):
        return _("Proposed edit of %(record)s") % {"record": self.record_repr}

    @property
    def is_open(self):
        return self.status == ProposalStatus.OPEN

    @property
    def record_model(self):
        return self.content_type.model_class()

    def record(self):
        """The record as it is now, or ``None`` when it was deleted (or merged into another) meanwhile."""
        model = self.record_model
        return None if model is None else model._base_manager.filter(pk=self.object_id).first()


class EditKind(models.TextChoices):
    CREATED = "created", _("created")
    CHANGED = "changed", _("changed")
    PROPOSED = "proposed", _("proposed")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    DELETED = "deleted", _("deleted")


class RevisionKind(models.Model):
    """What a history revision was (django-reversion's revision meta, ``reversion.add_meta``), for the dashboard's
    recent edits: the comment is free text in its author's language and cannot be read back as a kind."""

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="kinds")
    kind = models.CharField(max_length=10, choices=EditKind.choices)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(kind__in=EditKind.values), name="revision_kind_valid")]

    def __str__(self):
        return self.kind


class SourceKind(models.TextChoices):
    NEWS_ARTICLE = "news_article", _("News article")
    OFFICIAL_STATEMENT = "official_statement", _("Official statement")
    REPORT = "report", _("Report")
    BOOK = "book", _("Book")
    SITE_VISIT = "site_visit", _("Site visit")
    SATELLITE_IMAGERY = "satellite_imagery", _("Satellite imagery")
    PHOTO = "photo", _("Photograph")
    DATABASE = "database", _("Database")
    OTHER = "other", _("Other")


class SourceQuerySet(models.QuerySet):
    def cited(self):
        """The sources a published record cites, as a public page lists them: a published monument, meeting or
        event, a public condition assessment or outcome (approved, of a published record), a published reported
        figure. Only these are
        public (a source page is a 404 otherwise, and the home page counts only these)."""
        # By label through the app registry, as a ForeignKey names its model: the core imports no app of ours.
        from django.apps import apps

        model = apps.get_model
        source = OuterRef("pk")
        return self.filter(
            Exists(model("monuments.Monument").objects.published().filter(sources=source))
            | Exists(
                model("monuments.ConditionAssessment")
                .objects.public()
                .filter(source=source, monument__status=PublishStatus.PUBLISHED)
            )
            | Exists(model("meetings.Meeting").objects.published().filter(sources=source))
            | Exists(
                model("meetings.Outcome")
                .objects.public()
                .filter(sources=source, meeting__status=PublishStatus.PUBLISHED)
            )
            | Exists(model("meetings.Event").objects.published().filter(sources=source))
            | Exists(model("monuments.ReportedFigure").objects.published().filter(source=source))
        )


class Source(Tracked):
    """A document that records make statements from: every condition, figure and meeting cites one."""

    kind = models.CharField(_("kind"), max_length=20, choices=SourceKind.choices, default=SourceKind.NEWS_ARTICLE)
    title = models.CharField(_("title"), max_length=500)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    author = models.CharField(_("author"), max_length=200, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True, db_index=True)
    published_precision = models.CharField(
        _("precision of the publication date"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    url = models.URLField(_("URL"), max_length=1000, blank=True)
    archived_url = models.URLField(_("archived URL"), max_length=1000, blank=True)
    retrieved_on = models.DateField(
        _("retrieved on"),
        null=True,
        blank=True,
        help_text=_("When the copy the records come from was taken: for a database or a page that keeps changing."),
    )
    licence = models.CharField(
        _("licence"), max_length=100, blank=True, help_text=_("The terms its content is used under, e.g. “CC0 1.0”.")
    )
    language = models.CharField(_("language"), max_length=10, choices=ALL_LANGUAGES, blank=True)
    cites = models.CharField(
        _("cites"),
        max_length=300,
        blank=True,
        help_text=_("Whom the source itself reports or quotes, for example “the Ministry of Culture”."),
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = SourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["-published_on", "title"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(title=""), name="source_title_not_empty"),
        ]

    def __str__(self):
        parts = [self.publisher, self.published_display, self.title]
        return " — ".join(p for p in parts if p)

    @property
    def published_display(self):
        return format_partial_date(self.published_on, self.published_precision)

    def get_absolute_url(self):
        return reverse("heritage:source_detail", args=[self.pk])


class PlaceKind(models.TextChoices):
    COUNTRY = "country", _("Country")
    REGION = "region", _("Region")
    DISTRICT = "district", _("District")
    SETTLEMENT = "settlement", _("Settlement")
    SITE = "site", _("Site")


class PlaceQuerySet(PublishableQuerySet):
    """Places have no publishing status (every place is public); ``search()`` is the shared one."""

    def published(self):
        return self

    def drafts(self):
        return self.none()


class Place(MultilingualName, Searchable, Tracked):
    """A place in the hierarchy country → region → district → settlement.

    ``path`` holds the ids from the root down ("/3/17/42/"), so "this place and everything inside it" is one
    indexed prefix lookup instead of a recursive query. Searchable like the records, so that staff find a place
    and its likely duplicates whatever its spelling (``search_names``).
    """

    name = models.CharField(_("name"), max_length=200)
    alternative_names = alternative_names_field()
    slug = models.SlugField(_("slug"), max_length=200, unique=True, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=PlaceKind.choices, default=PlaceKind.SETTLEMENT)
    parent = models.ForeignKey(
        "self", verbose_name=_("inside"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    country = CountryField(
        _("country"),
        blank=True,
        db_index=True,
        help_text=_("Blank for a place in no single country: a site across borders, the high seas."),
    )
    latitude = LatitudeField(_("latitude"))
    longitude = LongitudeField(_("longitude"))
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")

    objects = PlaceQuerySet.as_manager()

    search_select_related = ("parent",)
    snippet_field = "alternative_names"

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["name"]
        constraints = [
            *coordinate_constraints("place"),
            models.CheckConstraint(condition=~models.Q(name=""), name="place_name_not_empty"),
        ]
        indexes = search_indexes("place")

    def __str__(self):
        if parent := self.shown_parent:
            return f"{self.name}, {parent.name}"
        return self.name

    @property
    def shown_parent(self):
        """The place this one lies in, where its name is given with it ("Shusha, Karabakh"); None for a country."""
        return self.parent if self.parent_id and self.kind != PlaceKind.COUNTRY else None

    def clean(self):
        if self.pk and self.parent_id:
            node = self.parent
            while node is not None:
                if node.pk == self.pk:
                    raise ValidationError({"parent": _("A place cannot lie inside itself.")})
                node = node.parent

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.name)
        old_path = self.path
        super().save(*args, **kwargs)
        new_path = f"{self.parent.path if self.parent_id else '/'}{self.pk}/"
        if new_path != old_path:
            Place.objects.filter(pk=self.pk).update(path=new_path)
            self.path = new_path
            if old_path:
                # Moving a place moves everything inside it.
                for child in Place.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                    Place.objects.filter(pk=child.pk).update(path=new_path + child.path[len(old_path) :])

    def get_absolute_url(self):
        if not self.country:  # a place in no single country: the monuments there
            return reverse("monuments:monument_list") + "?" + urlencode({"place": self.slug})
        return reverse("heritage:country_detail", args=[self.country.code])

    def search_document(self):
        return {"A": self.all_names(), "B": [self.parent.name if self.parent_id else ""]}

    def with_descendants(self):
        return Place.objects.filter(path__startswith=self.path)

    @property
    def alternative_names_list(self):
        return split_names(self.alternative_names)


class PlaceIdentifier(ExternalIdentifier):
    """A place's identifier in another catalogue (GeoNames, Wikidata…): ``heritage.identifiers``."""

    record_field = "place"

    place = models.ForeignKey(Place, verbose_name=_("place"), on_delete=models.CASCADE, related_name="identifiers")

    class Meta:
        verbose_name = _("external identifier")
        verbose_name_plural = _("external identifiers")
        ordering = ["place", "scheme", "value"]
        indexes = identifier_indexes("place")
        constraints = identifier_constraints("place")
