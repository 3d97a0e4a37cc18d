"""The spreadsheet importers of the core's records: sources (``SourceImport``) and places (``PlaceImport``). The
importers of monuments and meetings are in their apps' ``importers.py``."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from heritage.models import Place, PlaceIdentifier, Source
from heritage.names import NAME_COLUMN_HELP, NAME_COLUMNS
from heritage.transfer.identifiers import IdentifierMatching
from heritage.transfer.importer import TableImport
from heritage.transfer.results import RowError


class SourceImport(TableImport):
    model = Source
    key = "id"
    fields = (
        "kind",
        "title",
        "publisher",
        "author",
        "published_on",
        "published_precision",
        "url",
        "archived_url",
        "language",
        "cites",
        "notes",
    )
    required = ("title",)
    partial_dates = {"published_on": "published_precision"}
    help = {
        "id": gettext_lazy(
            "the source's number; leave blank for a new source (an existing source with the same URL is reused)"
        ),
        "published_on": gettext_lazy("YYYY-MM-DD, or YYYY-MM or YYYY when only the month or year is known"),
        "language": gettext_lazy("language code, e.g. en, az, es"),
    }

    def prepare(self, chunk):
        super().prepare(chunk)
        urls = [raw["url"] for _n, raw in chunk if not raw.get("id") and raw.get("url")]
        self.by_url = {s.url: s for s in Source.objects.filter(url__in=urls)} if urls else {}

    def find_existing(self, raw):
        if raw.get("id"):
            found = super().find_existing(raw)
            if found is None:
                raise RowError([_("id: no source %(id)s. Leave id blank for a new source.") % {"id": raw["id"]}])
            return found
        # The same URL is the same source: never a second record for one article.
        return self.by_url.get(raw.get("url")) if raw.get("url") else None


class PlaceImport(IdentifierMatching, TableImport):
    """Places with their parents: a row may name as parent a place of an earlier row (a country, then its
    regions), so rows are checked and written one at a time; a place without a country is one in no single
    country (a site across borders)."""

    model = Place
    identifier_model = PlaceIdentifier
    key = "slug"
    fields = ("name", "alternative_names", "kind", "country", "latitude", "longitude", *NAME_COLUMNS)
    foreign_keys = {"parent": (Place, "slug")}
    required = ("name",)
    chunk_size = 1
    help = {
        "slug": gettext_lazy("the place's identifier; leave blank for a new place to derive it from the name"),
        "alternative_names": gettext_lazy("other names, one per line"),
        **NAME_COLUMN_HELP,
        "country": gettext_lazy(
            "ISO 3166 code or English name (AZ, Azerbaijan); blank for a place in no single country"
        ),
        "parent": gettext_lazy(
            "the place it lies in: slug or name, given in an earlier row or already in the register"
        ),
    }

    def write(self, pendings, search=None):
        super().write(pendings, search=None)
        # Each place's stored path ("/3/17/") follows its parent's: Place.save() keeps it (and moves what lies
        # inside a moved place); files of places are small, so one save per written place.
        for pending in pendings:
            pending.obj.save(update_fields=["path"])
