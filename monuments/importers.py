"""Workflows on the register: importing monuments and assessments from spreadsheets, recomputing conditions."""

from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from heritage import review
from heritage.models import Place, Source
from heritage.pagecache import invalidate as invalidate_cached_pages
from heritage.transfer.importer import TableImport
from heritage.transfer.results import RowError
from heritage.transfer.values import format_partial_iso, parse_partial_date
from monuments.models import (
    Condition,
    ConditionAssessment,
    MapCellTracker,
    Monument,
    MonumentType,
    Registration,
)

REGISTRATION_COLUMNS = ("registry", "registration_number", "significance", "registered_on")
REGISTRATION_COLUMN_OF = {"number": "registration_number", "registered_precision": "registered_on"}


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


class MonumentTypeImport(TableImport):
    """The vocabulary of monument types, for a file of monuments that names types the register lacks."""

    model = MonumentType
    key = "slug"
    fields = ("name", "description")
    required = ("name",)
    help = {"slug": _("the type's identifier; leave blank for a new type to derive it from the name")}


class MonumentImport(TableImport):
    model = Monument
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
    )
    foreign_keys = {"monument_type": (MonumentType, "slug"), "place": (Place, "slug")}
    many_to_many = {"sources": (Source, "pk")}
    readonly = ("current_condition",)
    required = ("name", "monument_type")
    chunk_size = 2000
    pipelined = True  # prepare() loads all that build() reads; a row never refers to a monument of the file
    help = {
        "slug": _("the monument's identifier in addresses; leave blank for a new monument to derive it from the name"),
        "alternative_names": _("other names, one per line"),
        "sources": _("ids of the sources that document the monument"),
        "registry": _("the register the monument is entered in, e.g. “State register of immovable monuments”"),
        "registration_number": _("the number in that register"),
        "significance": _("world, national or local"),
        "registered_on": _("date of registration: YYYY-MM-DD, or YYYY-MM or YYYY when only the month or year is known"),
        "current_condition": _("the latest condition assessment's condition"),
    }

    @classmethod
    def extra_columns(cls):
        return list(REGISTRATION_COLUMNS)

    def export_queryset(self, queryset):
        return super().export_queryset(queryset).prefetch_related("registrations")

    def export_extra(self, obj):
        registrations = list(obj.registrations.all())
        first = registrations[0] if registrations else None
        values = (
            [
                first.registry,
                first.number,
                first.significance,
                format_partial_iso(first.registered_on, first.registered_precision),
            ]
            if first
            else ["", "", "", ""]
        )
        return [*values, obj.current_condition]

    def write(self, pendings, search=None):
        # Bulk writes send no signals: the map's counts move by what this chunk changed, in three queries.
        tracker = MapCellTracker([p.obj.pk for p in pendings if not p.is_new], lock=True).begin()
        super().write(pendings, search=search)
        tracker.end(p.obj.pk for p in pendings)

    def prepare(self, chunk):
        super().prepare(chunk)
        if self.copy_ahead:
            self.reserve(Registration, len(chunk))
        self.registrations = {}
        for registration in Registration.objects.filter(monument__in=list(self.existing.values())):
            self.registrations.setdefault(registration.monument_id, {})[registration.registry] = registration
        # By registry and number, the order of the unique index: a look-up by number alone would scan the table.
        numbers = {}
        for _n, raw in chunk:
            if raw.get("registry") and raw.get("registration_number"):
                numbers.setdefault(raw["registry"], set()).add(raw["registration_number"])
        condition = Q()
        for registry, wanted in numbers.items():
            condition |= Q(registry=registry, number__in=wanted)
        self.numbers_taken = {}
        if numbers:
            found = Registration.objects.filter(condition).values_list("registry", "number", "monument_id")
            self.numbers_taken = {(registry, number): monument_id for registry, number, monument_id in found}
        self.numbers_in_file = getattr(self, "numbers_in_file", {})

    def build_extra(self, raw, pending):
        registry, number = raw.get("registry", ""), raw.get("registration_number", "")
        if not registry and not number:
            return False
        if not (registry and number):
            raise RowError([_("registry and registration_number: give both or neither.")])
        monument = pending.obj
        registration = self.registrations.get(monument.pk, {}).get(registry) if monument.pk else None
        holder = self.numbers_taken.get((registry, number))
        if holder is not None and holder != monument.pk or (registry, number) in self.numbers_in_file:
            raise RowError([_("registration_number: %(number)s is already used in %(registry)s.") % locals()])
        self.numbers_in_file[(registry, number)] = True
        changed = registration is None
        if registration is None:
            registration = self.instantiate(Registration, registry=registry)
        values, errors = {"number": number}, []
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
        for name, value in values.items():
            old = getattr(registration, name)
            if old != value:
                if not registration._state.adding:
                    self.noted_change(REGISTRATION_COLUMN_OF.get(name, name), old, value)
                setattr(registration, name, value)
                changed = True
        if not registration.significance:
            raise RowError([_("significance: required with a registration (world, national or local).")])
        pending.extra["registration"] = registration
        return changed

    def registration_date(self, text):
        """``(date, precision)`` of a registration date cell: "1998" is the year 1998, not its 1 January."""
        partial = parse_partial_date(text)
        if partial is not None:
            return partial
        value = self.parse(Registration._meta.get_field("registered_on"), text, "registered_on")
        return value, "day" if value is not None else Registration._meta.get_field("registered_precision").default

    def copy_new_extra(self, checked):
        new = self.registrations_to_write(checked.pendings)[0]
        if all(registration.monument_id for registration in new):  # their monuments have their keys
            self.copy_new(checked, Registration, new)

    def registrations_to_write(self, pendings):
        new, changed = [], []
        for pending in pendings:
            registration = pending.extra.get("registration")
            if registration is None:
                continue
            if registration._state.adding:
                registration.monument_id = pending.obj.pk
                new.append(registration)
            else:
                changed.append(registration)
        return new, changed

    def write_extra(self, pendings):
        new, changed = self.registrations_to_write(pendings)
        fields = ["number", "significance", "registered_on", "registered_precision"]
        self.write_objects(Registration, new, changed, fields, data=self.copies.get(Registration))
        self.record_versions(new + changed)


class AssessmentImport(TableImport):
    model = ConditionAssessment
    key = "id"
    fields = ("observed_on", "observed_precision", "condition", "evidence_kind", "description", "assessed_by")
    partial_dates = {"observed_on": "observed_precision"}
    foreign_keys = {"monument": (Monument, "slug"), "source": (Source, "pk")}
    required = ("monument", "observed_on", "condition", "evidence_kind", "source", "assessed_by")
    chunk_size = 2000
    help = {
        "id": _("the assessment's number; leave blank for a new assessment"),
        "monument": _("the monument's slug"),
        "source": _("id of the source that reports this condition"),
        "assessed_by": _("who observed or states this condition"),
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
