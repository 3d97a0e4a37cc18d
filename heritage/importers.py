"""The spreadsheet importer of the core's records: sources (``SourceImport``). The importers of monuments and
meetings are in their apps' ``importers.py``."""

from django.utils.translation import gettext as _

from heritage.models import Source
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
        "id": _("the source's number; leave blank for a new source (an existing source with the same URL is reused)"),
        "published_on": _("YYYY-MM-DD, or YYYY-MM or YYYY when only the month or year is known"),
        "language": _("language code, e.g. en, az, es"),
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
