"""Atom feed of published meetings, honouring the meeting list's filters (``/feeds/meetings/?country=RS``)."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from heritage.listing import filter_data, filter_errors
from heritage.transfer.exports import invalid_filters_response
from meetings.filters import MeetingFilterSet
from meetings.models import Meeting

FEED_SIZE = 50


class MeetingFeed(Feed):
    feed_type = Atom1Feed
    title = _("Meetings — heritage register")
    subtitle = _("Published diplomatic and cultural-cooperation meetings, each attributed to its sources.")

    def __call__(self, request, *args, **kwargs):
        self.filterset = MeetingFilterSet(filter_data(request), queryset=Meeting.objects.published())
        if errors := filter_errors(self.filterset):
            return invalid_filters_response(errors)
        self.query = request.GET.urlencode()
        return super().__call__(request, *args, **kwargs)

    def link(self):
        return reverse("meetings:meeting_list") + (f"?{self.query}" if self.query else "")

    def items(self):
        return self.filterset.qs.select_related("event")[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # Atom sends the summary as type="html", which feed readers render: the text must arrive as escaped HTML.
        return escape(item.summary)

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.updated_at


def meeting_feed(request):
    # A fresh Feed per request: the instance holds this request's filters.
    return MeetingFeed()(request)
