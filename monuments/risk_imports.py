"""Risk listings in the monument import: a file's ``risk_list``, ``risk_since`` and ``risk_until`` columns (one listing
per row), as a heritage list with a danger-list column has them once its columns are renamed.

A row's listing is the monument's listing on that list with the same start (or, when the row gives no start, its
only listing on that list); otherwise a new one. Cells given set the listing's values, blank ones leave them: a
re-import of the same file changes nothing. The import's cited source (``--source ID``, the admin form's "cite
this source") is a new listing's source. Listings are evidence (``Reviewed``): from an importer who may not publish
monuments, a new listing of a published monument waits for review, and a change to a public one is refused.
"""

from django.utils.translation import gettext as _

from heritage import review
from heritage.models import PublishStatus
from heritage.transfer.results import RowError
from heritage.transfer.values import format_partial_iso
from monuments.risk import RiskList, RiskListing

RISK_COLUMNS = ("risk_list", "risk_since", "risk_until")
LISTING_FIELDS = ("listed_from", "listed_from_precision", "listed_until", "listed_until_precision")


class RiskListingColumns:
    """``MonumentImport`` mixin: its risk listing columns, read, checked and written in bulk per chunk."""

    risk_prefetch = ("risk_listings__risk_list",)

    def export_risk_listing(self, obj):
        """The monument's latest listing (by start), as the import reads it back."""
        listings = sorted(obj.risk_listings.all(), key=lambda r: (r.listed_from is not None, r.listed_from, r.pk))
        if not listings:
            return ["", "", ""]
        last = listings[-1]
        return [
            last.risk_list.slug,
            format_partial_iso(last.listed_from, last.listed_from_precision),
            format_partial_iso(last.listed_until, last.listed_until_precision),
        ]

    def prepare_risk_listings(self, chunk, monuments):
        """Before the chunk is checked: the lists its rows name and its monuments' listings, in a few queries."""
        self.risk_listings = {}
        header = getattr(self, "header", set())
        if "risk_list" not in header:
            return
        wanted = {raw.get("risk_list", "").strip() for _n, raw in chunk} - {""}
        if wanted:
            self.cache_lookup(RiskList, "slug", wanted)
            self.names_of(RiskList)  # a small table: the checking thread matches names and lists known ones
        for listing in RiskListing.objects.filter(monument__in=list(monuments)).order_by("listed_from", "id"):
            self.risk_listings.setdefault(listing.monument_id, []).append(listing)
        self.may_decide_listings = self.user is None or review.can_decide(self.user, RiskListing)
        self.published_monuments = {pk for pk, m in monuments.items() if m.status == PublishStatus.PUBLISHED}

    def risk_dates(self, raw):
        values, errors = {}, []
        for column, field in (("risk_since", "listed_from"), ("risk_until", "listed_until")):
            text = raw.get(column, "").strip()
            if not text:
                continue
            try:
                values[field], values[f"{field}_precision"] = self.partial_date(
                    RiskListing, field, f"{field}_precision", text, column
                )
            except RowError as exc:
                errors += exc.messages
        if errors:
            raise RowError(errors)
        return values

    def build_risk_listing(self, raw, pending):
        """The row's listing, new or changed, in ``pending.extra["risk_listings"]``; returns whether there is one."""
        name = raw.get("risk_list", "").strip()
        if not name:
            if raw.get("risk_since", "").strip() or raw.get("risk_until", "").strip():
                raise RowError([_("risk_list: name the list of heritage at risk that risk_since and risk_until date.")])
            return False
        list_id = self.find_related("risk_list", RiskList, "slug", name)
        values = self.risk_dates(raw)
        since, until = values.get("listed_from"), values.get("listed_until")
        monument = pending.obj
        stored = self.risk_listings.get(monument.pk, ()) if monument.pk else ()
        on_list = [r for r in stored if r.risk_list_id == list_id]
        if "listed_from" in values:
            matches = [r for r in on_list if r.listed_from == since]
        else:
            matches = on_list if len(on_list) == 1 else []
        listing = matches[0] if matches else None
        start = since if listing is None or "listed_from" in values else listing.listed_from
        if start is not None and until is not None and until < start:
            raise RowError([_("risk_until: the end of a listing cannot be before its start.")])
        published = monument.pk in self.published_monuments
        if listing is None:
            listing = self.instantiate(RiskListing, risk_list_id=list_id, **values)
            if self.cite_source is not None:
                listing.source_id = self.cite_source.pk
            if self.user is not None:
                review.submit(listing, self.user, published)
            pending.extra["risk_listings"] = [listing]
            return True
        differs = {k: v for k, v in values.items() if getattr(listing, k) != v}
        if not differs:
            return False
        if not self.may_decide_listings and (message := review.change_refused(listing, self.user, published)):
            raise RowError([message])
        for name, value in differs.items():
            column = "risk_since" if name.startswith("listed_from") else "risk_until"
            self.noted_change(column, getattr(listing, name), value)
            setattr(listing, name, value)
        if self.user is not None:
            review.submit(listing, self.user, published)
        pending.extra["risk_listings"] = [listing]
        return True

    def write_risk_listings(self, pendings):
        new, changed = self.extra_to_write(pendings, "risk_listings", "monument_id")
        if not new and not changed:
            return
        review_fields = ["review_status", "submitted_by", "submitted_at", "reviewed_by", "reviewed_at", "review_reason"]
        self.write_objects(RiskListing, new, changed, [*LISTING_FIELDS, *review_fields])
        self.record_versions(new + changed)
