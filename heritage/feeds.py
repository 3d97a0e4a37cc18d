"""What every Atom feed of the register shares: entries that name their sources, and the filters of a list."""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

from heritage.listing import filter_data, filter_errors
from heritage.transfer.exports import invalid_filters_response


class AttributedAtomFeed(Atom1Feed):
    """Atom whose entries name their sources: a ``<link rel="related">`` to each source's page, titled with it."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for href, title in item.get("sources", ()):
            handler.addQuickElement("link", "", {"rel": "related", "href": href, "title": title})


class FilteredFeed(Feed):
    """An Atom feed of a public list, honouring that list's filters (``filterset_class``, bound to the query string;
    a parameter not understood is a 400 naming it). Subclasses give ``base_queryset()``; ``self.filterset`` and
    ``self.query`` are this request's. Django's Feed writes the language of the request as ``xml:lang``."""

    feed_type = AttributedAtomFeed
    filterset_class = None

    def base_queryset(self):
        raise NotImplementedError

    def __call__(self, request, *args, **kwargs):
        self.filterset = self.filterset_class(filter_data(request), queryset=self.base_queryset())
        if errors := filter_errors(self.filterset):
            return invalid_filters_response(errors)
        self.query = request.GET.urlencode()
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def with_query(self, url):
        return url + (f"?{self.query}" if self.query else "")

    def item_sources(self, sources):
        """The ``sources`` extra of an entry: (absolute address of the source's page, its citation) for each."""
        return [(self.request.build_absolute_uri(source.get_absolute_url()), str(source)) for source in sources]
