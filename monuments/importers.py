"""Workflows on the register: importing monuments and assessments from spreadsheets, recomputing conditions."""

import functools
import re

from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from heritage import review
from heritage.models import Place, Source
from heritage.names import NAME_COLUMN_HELP, NAME_COLUMNS
from heritage.pagecache import invalidate as invalidate_cached_pages
from heritage.transfer.identifiers import IdentifierColumns
from heritage.transfer.importer import TableImport
from heritage.transfer.results import RowError
from heritage.transfer.values import format_partial_iso, join_list, parse_partial_date
from monuments.models import (
    Condition,
    ConditionAssessment,
    MapCellTracker,
    Monument,
    MonumentIdentifier,
    MonumentType,
    Registration,
)
from monuments.risk_imports import RISK_COLUMNS, RiskListingColumns

REGISTRATION_COLUMNS = ("registry", "registration_number", "significance", "registered_on")
REGISTRATION_COLUMN_OF = {"number": "registration_number", "registered_precision": "registered_on"}
MONUMENT_CHUNK = 2000  # rows per chunk of MonumentImport


def refresh_current_conditions(monument_ids):
    """Set ``current_condition`` of many monuments from their latest public assessments, in one UPDATE."""
    latest = (
        ConditionAssessment.objects.public()
        .filter(monument=OuterRef("pk"))
        .order_by("-observed_on", "-id")
        .values("condition")
    )
    invalidate_cached_pages()  # an update() sends no signals
    return Monument.objects.filter(pk__in=list(monument_ids)).update(
        current_condition=Coalesce(Subquery(latest[:1]), Value(Condition.UNKNOWN)),
        # The records changed: the API's updated_since must see them (Monument.refresh_current_condition).
        updated_at=timezone.now(),
    )


# A register number as registers write them ("4996-5", "A-12/3"): a comma between such numbers separates them.
PLAIN_NUMBER = re.compile(r"[\w./-]+")


@functools.lru_cache(maxsize=4 * MONUMENT_CHUNK)
def registration_numbers(text):
    """The numbers of a ``registration_number`` cell: one, or several separated by “;” (the list separator of
    every column), or by “,” when every part is a plain number, as in the state register ("4996-5, 4996-4").

    A tuple, remembered: an import reads each row's numbers four times (prepare, the slug look-ahead,
    matching, building), and the rows of a chunk are all read before its next step."""
    numbers = []
    for part in (text or "").split(";"):
        pieces = [p.strip() for p in part.split(",")]
        numbers += pieces if len(pieces) > 1 and all(PLAIN_NUMBER.fullmatch(p) for p in pieces) else [part.strip()]
    return tuple(dict.fromkeys(n for n in numbers if n))


class MonumentTypeImport(TableImport):
    """The vocabulary of monument types, for a file of monuments that names types the register lacks."""

    model = MonumentType
    key = "slug"
    fields = ("name", "description", *NAME_COLUMNS)
    required = ("name",)
    help = {
        "slug": gettext_lazy("the type's identifier; leave blank for a new type to derive it from the name"),
        **NAME_COLUMN_HELP,
    }


class MonumentImport(RiskListingColumns, IdentifierColumns, TableImport):
    model = Monument
    identifier_model = MonumentIdentifier
    key = "slug"
    fields = (
        "name",
        "alternative_names",
        "religious_affiliation",
        "latitude",
        "longitude",
        "location_sensitive",
        "built_from_year",
        "built_to_year",
        "built_approximate",
        "description",
        "status",
        *NAME_COLUMNS,
    )
    foreign_keys = {"monument_type": (MonumentType, "slug"), "place": (Place, "slug")}
    many_to_many = {"sources": (Source, "pk")}
    readonly = ("current_condition",)
    required = ("name", "monument_type")
    chunk_size = MONUMENT_CHUNK
    pipelined = True  # prepare() loads all that build() reads; a row never refers to a monument of the file
    help = {
        "slug": gettext_lazy(
            "the monument's identifier in addresses; leave blank for a new monument to derive it from the name. "
            "A row is matched to an existing monument by an identifier column or its registry and number first"
        ),
        "alternative_names": gettext_lazy("other names, one per line"),
        **NAME_COLUMN_HELP,
        "sources": gettext_lazy("ids of the sources that document the monument"),
        "registry": gettext_lazy(
            "the register the monument is entered in, e.g. “State register of immovable monuments”"
        ),
        "registration_number": gettext_lazy("the number in that register; several separated by “;” or “,”"),
        "significance": gettext_lazy("world, national or local; blank when the register does not say"),
        "registered_on": gettext_lazy(
            "date of registration: YYYY-MM-DD, or YYYY-MM or YYYY when only the month or year is known"
        ),
        "current_condition": gettext_lazy("the latest condition assessment's condition"),
        "risk_list": gettext_lazy(
            "a list of heritage at risk the monument is on (its name or slug), e.g. “List of World Heritage in Danger”"
        ),
        "risk_since": gettext_lazy("on that list since: YYYY, YYYY-MM or YYYY-MM-DD"),
        "risk_until": gettext_lazy("on that list until (blank while it is still on it): YYYY, YYYY-MM or YYYY-MM-DD"),
    }

    @classmethod
    def extra_columns(cls):
        return [*REGISTRATION_COLUMNS, *cls.identifier_columns(), *RISK_COLUMNS]

    def export_queryset(self, queryset):
        return super().export_queryset(queryset).prefetch_related("registrations", "identifiers", *self.risk_prefetch)

    def export_extra(self, obj):
        registrations = sorted(obj.registrations.all(), key=lambda r: (r.registry, r.number))
        first = registrations[0] if registrations else None
        values = (
            [
                first.registry,
                join_list(r.number for r in registrations if r.registry == first.registry),
                first.significance,
                format_partial_iso(first.registered_on, first.registered_precision),
            ]
            if first
            else ["", "", "", ""]
        )
        return [*values, *self.export_identifiers(obj), *self.export_risk_listing(obj), obj.current_condition]

    def write(self, pendings, search=None):
        # Bulk writes send no signals: the map's counts move by what this chunk changed, in three queries.
        tracker = MapCellTracker([p.obj.pk for p in pendings if not p.is_new], lock=True).begin()
        super().write(pendings, search=search)
        tracker.end(p.obj.pk for p in pendings)

    def prepare(self, chunk):
        super().prepare(chunk)
        # By registry and number, the order of the unique index: a look-up by number alone would scan the table.
        numbers = {}
        for _n, raw in chunk:
            if raw.get("registry"):
                numbers.setdefault(raw["registry"], set()).update(registration_numbers(raw.get("registration_number")))
        condition = Q()
        for registry, wanted in numbers.items():
            condition |= Q(registry=registry, number__in=wanted)
        self.numbers_taken = {}
        if numbers:
            found = Registration.objects.filter(condition).values_list("registry", "number", "monument_id")
            self.numbers_taken = {(registry, number): monument_id for registry, number, monument_id in found}
        if self.copy_ahead:
            # A registration the register has is changed, never made again: keys for the other numbers only.
            taken = self.numbers_taken
            self.reserve(Registration, sum(1 for r, wanted in numbers.items() for n in wanted if (r, n) not in taken))
        self.numbers_in_file = getattr(self, "numbers_in_file", {})
        # Natural keys: the monuments the rows' identifiers and registration numbers name, matched before slugs.
        self.by_pk = {obj.pk: obj for obj in self.existing.values()}
        named = (self.prepare_identifiers(chunk) | set(self.numbers_taken.values())) - set(self.by_pk)
        if named:
            self.by_pk.update(Monument.objects.in_bulk(list(named)))
            through = Monument.sources.through
            links = through.objects.filter(monument_id__in=list(named)).values_list("monument_id", "source_id")
            for pk, source_id in links:
                self._m2m_cache["sources"].setdefault(pk, set()).add(source_id)
        self.registrations = {}
        for registration in Registration.objects.filter(monument__in=list(self.by_pk)).order_by("number"):
            self.registrations.setdefault(registration.monument_id, {}).setdefault(registration.registry, [])
            self.registrations[registration.monument_id][registration.registry].append(registration)
        self.load_record_identifiers(self.by_pk)
        self.prepare_risk_listings(chunk, self.by_pk)

    def names_existing(self, raw):
        registry, numbers = raw.get("registry"), registration_numbers(raw.get("registration_number"))
        return any((registry, n) in self.numbers_taken for n in numbers) or super().names_existing(raw)

    def find_existing(self, raw):
        by_slug = super().find_existing(raw)
        holders = set()
        if raw.get("registry"):
            numbers = registration_numbers(raw.get("registration_number"))
            holders = {self.numbers_taken.get((raw["registry"], n)) for n in numbers} - {None}
        holder = self.natural_holder(raw)
        holders |= {holder} - {None}
        if len(holders) > 1:
            slugs = ", ".join(sorted(self.by_pk[pk].slug for pk in holders))
            raise RowError(
                [
                    _("The identifiers and registration numbers of this row name different monuments: %(slugs)s.")
                    % {"slugs": slugs}
                ]
            )
        if not holders:
            return by_slug
        natural = self.by_pk[holders.pop()]
        if by_slug is not None and by_slug.pk != natural.pk:
            raise RowError(
                [
                    _("slug: “%(slug)s” is another monument than %(other)s, which has this row's identifier or number.")
                    % {"slug": by_slug.slug, "other": natural.slug}
                ]
            )
        return natural

    def build_extra(self, raw, pending):
        changed = self.build_identifiers(raw, pending, self.row)
        registry, numbers = raw.get("registry", ""), registration_numbers(raw.get("registration_number", ""))
        if not registry and not numbers:
            return self.build_risk_listing(raw, pending) or changed
        if not (registry and numbers):
            raise RowError([_("registry and registration_number: give both or neither.")])
        monument = pending.obj
        current = self.registrations.get(monument.pk, {}).get(registry, []) if monument.pk else []
        by_number = {r.number: r for r in current}
        # One number where the monument has one other: its number is corrected, as before several were allowed.
        renumbered = len(numbers) == 1 and len(current) == 1 and numbers[0] not in by_number
        values, errors = {}, []
        if "significance" in raw:
            try:
                values["significance"] = self.parse(
                    Registration._meta.get_field("significance"), raw["significance"], "significance"
                )
            except RowError as exc:
                errors += exc.messages
        if "registered_on" in raw:
            try:
                values["registered_on"], values["registered_precision"] = self.registration_date(raw["registered_on"])
            except RowError as exc:
                errors += exc.messages
        if errors:
            raise RowError(errors)
        written = []
        for number in numbers:
            holder = self.numbers_taken.get((registry, number))
            if holder is not None and holder != monument.pk or (registry, number) in self.numbers_in_file:
                raise RowError([_("registration_number: %(number)s is already used in %(registry)s.") % locals()])
            self.numbers_in_file[(registry, number)] = True
            registration = current[0] if renumbered else by_number.get(number)
            if registration is None:
                registration = self.instantiate(Registration, registry=registry, number=number)
            elif renumbered:
                self.noted_change("registration_number", registration.number, number)
                registration.number = number
            differs = {k: v for k, v in values.items() if getattr(registration, k) != v}
            if registration._state.adding or renumbered or differs:
                for name, value in differs.items():
                    if not registration._state.adding:
                        self.noted_change(REGISTRATION_COLUMN_OF.get(name, name), getattr(registration, name), value)
                    setattr(registration, name, value)
                written.append(registration)
        pending.extra["registrations"] = written
        return self.build_risk_listing(raw, pending) or changed or bool(written)

    def build(self, raw, number):
        self.row = number  # for build_extra's "already in row N"
        return super().build(raw, number)

    def registration_date(self, text):
        """``(date, precision)`` of a registration date cell: "1998" is the year 1998, not its 1 January."""
        return self.partial_date(Registration, "registered_on", "registered_precision", text, "registered_on")

    def partial_date(self, model, field, precision_field, text, column):
        """``(date, precision)`` of a date cell at its precision ("1998", "1998-05", "1998-05-07"); a blank cell
        is no date, at the precision field's default."""
        partial = parse_partial_date(text)
        if partial is not None:
            return partial
        value = self.parse(model._meta.get_field(field), text, column)
        return value, "day" if value is not None else model._meta.get_field(precision_field).default

    def copy_new_extra(self, checked):
        new = self.registrations_to_write(checked.pendings)[0]
        if all(registration.monument_id for registration in new):  # their monuments have their keys
            self.copy_new(checked, Registration, new)
        self.copy_new_identifiers(checked)

    def registrations_to_write(self, pendings):
        return self.extra_to_write(pendings, "registrations", "monument_id")

    def proposed_inlines(self, pending):
        registrations = self.inline_group(Registration, "monument", pending.extra.get("registrations", ()))
        return [registrations, self.proposed_identifiers(pending)]

    def write_pending_evidence(self, pendings):
        self.write_risk_listings(pendings)  # a new listing of a published monument is pending (build_risk_listing)

    def write_extra(self, pendings):
        new, changed = self.registrations_to_write(pendings)
        fields = ["number", "significance", "registered_on", "registered_precision"]
        self.write_objects(Registration, new, changed, fields, data=self.copies.get(Registration))
        self.record_versions(new + changed)
        self.write_identifiers(pendings)
        self.write_risk_listings(pendings)


class AssessmentImport(TableImport):
    model = ConditionAssessment
    key = "id"
    fields = ("observed_on", "observed_precision", "condition", "evidence_kind", "description", "assessed_by")
    partial_dates = {"observed_on": "observed_precision"}
    foreign_keys = {"monument": (Monument, "slug"), "source": (Source, "pk")}
    required = ("monument", "observed_on", "condition", "evidence_kind", "source", "assessed_by")
    chunk_size = 2000
    help = {
        "id": gettext_lazy("the assessment's number; leave blank for a new assessment"),
        "monument": gettext_lazy("the monument's slug"),
        "source": gettext_lazy("id of the source that reports this condition"),
        "assessed_by": gettext_lazy("who observed or states this condition"),
    }

    def build(self, raw, number):
        if self.cite_source is not None and not raw.get("source"):
            raw = {**raw, "source": str(self.cite_source.pk)}
        if raw.get("id") and self.find_existing(raw) is None:
            raise RowError([_("id: no assessment %(id)s. Leave id blank for a new assessment.") % {"id": raw["id"]}])
        old_monument = self.find_existing(raw).monument_id if raw.get("id") else None
        pending, changed = super().build(raw, number)
        if pending.is_new:
            # No id: the same monument, day, condition and source is the same assessment, not a new one.
            obj = pending.obj
            same = self.natural.get((obj.monument_id, obj.observed_on, obj.condition, obj.source_id))
            if same is not None:
                pending.obj, pending.is_new, changed = same, False, False
            else:
                self.natural[(obj.monument_id, obj.observed_on, obj.condition, obj.source_id)] = obj
        pending.extra["monuments"] = {pending.obj.monument_id, old_monument} - {None}
        self.apply_review(pending, changed, old_monument)
        return pending, changed

    def apply_review(self, pending, changed, old_monument):
        """The review rule (heritage.review) for one row: from an importer without the publish permission, a new
        assessment of a published monument is pending, and a change to a public one of a published monument is
        refused (all rows or none, as always)."""
        if self.may_decide:
            return
        obj = pending.obj
        if pending.is_new:
            review.submit(obj, self.user, obj.monument_id in self.published_monuments)
        elif changed:
            on_published = {obj.monument_id, old_monument} & self.published_monuments
            if message := review.change_refused(obj, self.user, bool(on_published)):
                raise RowError([message])
            review.submit(obj, self.user, bool(on_published))

    def update_fields(self):
        return [*super().update_fields(), "review_status", "submitted_by", "submitted_at"]

    def prepare(self, chunk):
        super().prepare(chunk)
        self.may_decide = self.user is None or review.can_decide(self.user, ConditionAssessment)
        if not self.may_decide:
            monuments = set(self.lookup_cache.get((Monument, "slug"), {}).values())
            monuments |= {obj.monument_id for obj in self.existing.values()}
            self.published_monuments = set(
                Monument.objects.published().filter(pk__in=monuments).values_list("pk", flat=True)
            )
        slugs = {raw.get("monument") for _n, raw in chunk if not raw.get("id") and raw.get("monument")}
        self.natural = {}
        monument_ids = [self.lookup_cache.get((Monument, "slug"), {}).get(s) for s in slugs]
        for obj in ConditionAssessment.objects.filter(monument_id__in=[m for m in monument_ids if m]):
            self.natural[(obj.monument_id, obj.observed_on, obj.condition, obj.source_id)] = obj

    def write_extra(self, pendings):
        refresh_current_conditions(set().union(*(p.extra["monuments"] for p in pendings)))
