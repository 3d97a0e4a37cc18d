"""What every Atom feed of the register shares: entries that name their sources, and the filters of a list.

Language: the feed's ``xml:lang`` is the reader's (Django's Feed writes the request's language): the register's
own texts are in it. A record's name in an entry is the reader's language's where it has one (as on the pages);
a text known to be in another language (a source's citation, a name in its original) is marked in the entry's
HTML with its own ``lang``; vocabularies (a condition in ``<category term>``) are codes in every language."""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from heritage.listing import filter_data, filter_errors
from heritage.names import differs_from_page, in_language
from heritage.transfer.exports import invalid_filters_response


class _TitleInLanguage:
    """The XML writer, giving an entry's ``<title>`` its own ``xml:lang``: Atom1Feed writes the title itself."""

    def __init__(self, handler, language):
        self.handler, self.language = handler, language

    def addQuickElement(self, name, contents=None, attrs=None):  # noqa: N802 (the writer's own name)
        if name == "title":
            attrs = {**(attrs or {}), "xml:lang": self.language}
        self.handler.addQuickElement(name, contents, attrs)

    def __getattr__(self, name):
        return getattr(self.handler, name)


class AttributedAtomFeed(Atom1Feed):
    """Atom whose entries name their sources: a ``<link rel="related">`` to each source's page, titled with it;
    an entry whose title is in another language than the feed's says so (``title_language``: ``xml:lang``)."""

    def add_item_elements(self, handler, item):
        if language := item.get("title_language"):
            handler = _TitleInLanguage(handler, language)
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

    @staticmethod
    def source_html(source):
        """A source's citation for an entry's HTML (as ``str(source)``), its title in a ``<span lang>`` when the
        source is in another language (the date is written in the reader's)."""
        parts = [escape(source.publisher), escape(source.published_display), in_language(source.title, source.language)]
        return " — ".join(p for p in parts if p)

    @staticmethod
    def title_language(language):
        """The ``title_language`` extra of an entry: the title's language when it is known and not the feed's."""
        return language if differs_from_page(language) else None

    def item_sources(self, sources):
        """The ``sources`` extra of an entry: (absolute address of the source's page, its citation) for each."""
        return [(self.request.build_absolute_uri(source.get_absolute_url()), str(source)) for source in sources]
