"""The sitemap: published records only, one section per kind, paged by Django at 50,000 URLs a file."""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from meetings.models import Event, Meeting, Organization, Person, Topic
from monuments.models import Monument


class LanguageAlternatesSitemap(Sitemap):
    """Each address with its alternates in every language (``/ru/…``, heritage.languages) and ``x-default``, the
    address without a prefix, which answers in the reader's language."""

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        for url in urls:
            scheme, _, rest = url["location"].partition("://")
            host, _, path = rest.partition("/")
            url["alternates"] = [
                {"lang_code": code, "location": f"{scheme}://{host}/{code}/{path}"} for code, _ in settings.LANGUAGES
            ] + [{"lang_code": "x-default", "location": url["location"]}]
        return urls


class PublishedSitemap(LanguageAlternatesSitemap):
    model = None

    def items(self):
        # Ordered by primary key: stable pages, and the (status) index narrows the rows.
        return self.model.objects.published().order_by("pk").only("slug", "updated_at")

    def lastmod(self, obj):
        return obj.updated_at

    def get_latest_lastmod(self):
        # The index's date per section. Django's default calls lastmod() on every item of the section (a million
        # rows per request for /sitemap.xml); one aggregate on an indexed column gives the same date.
        return self.model.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class MonumentSitemap(PublishedSitemap):
    model = Monument


class MeetingSitemap(PublishedSitemap):
    model = Meeting


class EventSitemap(PublishedSitemap):
    model = Event


class PersonSitemap(PublishedSitemap):
    model = Person


class OrganizationSitemap(PublishedSitemap):
    model = Organization


class TopicSitemap(LanguageAlternatesSitemap):
    def items(self):
        return Topic.objects.in_use().order_by("pk")


class PagesSitemap(LanguageAlternatesSitemap):
    def items(self):
        return [
            "heritage:home",
            "monuments:monument_list",
            "monuments:monument_map",
            "meetings:meeting_list",
            "heritage:figures",
        ]

    def location(self, item):
        return reverse(item)


SITEMAPS = {
    "pages": PagesSitemap,
    "monuments": MonumentSitemap,
    "meetings": MeetingSitemap,
    "events": EventSitemap,
    "people": PersonSitemap,
    "organizations": OrganizationSitemap,
    "topics": TopicSitemap,
}
