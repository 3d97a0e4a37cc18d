"""Atom feed of published meetings, honouring the meeting list's filters (``/feeds/meetings/?country=RS``)."""

from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from heritage.feeds import FilteredFeed
from meetings.filters import MeetingFilterSet
from meetings.models import Meeting

FEED_SIZE = 50


class MeetingFeed(FilteredFeed):
    filterset_class = MeetingFilterSet
    title = _("Meetings — heritage register")
    subtitle = _("Published diplomatic and cultural-cooperation meetings, each attributed to its sources.")

    def base_queryset(self):
        return Meeting.objects.published()

    def link(self):
        return self.with_query(reverse("meetings:meeting_list"))

    def items(self):
        return self.filterset.qs.select_related("event").prefetch_related("sources")[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # Atom sends the summary as type="html", which feed readers render: the text must arrive as escaped HTML.
        # The summary is the register's own sentence, and says so; the sources follow, as on the record page.
        parts = [f"<p>{escape(gettext('Date'))}: {escape(item.date_display)}</p>"]
        if item.summary:
            parts.append(
                f"<p><em>{escape(gettext('Summary in the register’s own words:'))}</em> {escape(item.summary)}</p>"
            )
        sources = item.sources.all()
        if sources:
            names = "; ".join(self.source_html(source) for source in sources)
            parts.append(f"<p>{escape(gettext('Sources'))}: {names}</p>")
        else:
            parts.append(f"<p>{escape(gettext('No source recorded.'))}</p>")
        return "".join(parts)

    def item_extra_kwargs(self, item):
        return {
            "sources": self.item_sources(item.sources.all()),
            "title_language": self.title_language(item.title_language),
        }

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.updated_at


def meeting_feed(request):
    # A fresh Feed per request: the instance holds this request's filters.
    return MeetingFeed()(request)
