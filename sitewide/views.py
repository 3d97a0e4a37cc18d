"""Pages that span both halves: home, search, figures, sources, countries, robots.txt, the icon and the health check."""

import functools

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, OuterRef
from django.db.models.functions import ExtractYear
from django.http import Http404, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, TemplateView
from django_countries import countries

from heritage.charts import bar_chart, by_period
from heritage.listing import SEARCH_MAX_LENGTH, CappedPaginator, clean_text, filter_data
from heritage.models import Source
from heritage.name_filters import matching, suggestions_status
from heritage.pagecache import kept_until_change
from meetings.filters import MeetingFilterSet, participant_exists
from meetings.models import Event, Meeting, Organization, Outcome, Person
from meetings.views import counterparts, meetings_chart, network_url
from monuments.filters import MonumentFilterSet
from monuments.models import Condition, ConditionAssessment, Monument, ReportedFigure
from monuments.views import register_facets
from sitewide.forms import SearchForm

# Counts over the whole register are GROUP BYs that cost up to a second at a million rows: they are kept until the
# register next changes (heritage.pagecache.kept_until_change), so they are exact; this bounds how long a value
# lives when the cache missed a change (it could not be reached).
COUNTS_CACHE_SECONDS = 300
RELATED_LIMIT = 100


def capped_count(queryset):
    """How many rows, counting at most CappedPaginator.cap + 1: (count, whether there are more)."""
    paginator = CappedPaginator(queryset, 1)
    return paginator.count, paginator.true_count_exceeds_cap


def headline_counts():
    def compute():
        return {
            "monuments": Monument.objects.published().count(),
            "meetings": Meeting.objects.published().count(),
            "sources": Source.objects.cited().count(),  # those whose page a reader can open
        }

    return kept_until_change("headline-counts", compute, COUNTS_CACHE_SECONDS)


def register_counts():
    """What the register documents: published monuments by current condition, by type, by registration (the
    monument list's facet counts, monuments.views.register_facets), and its assessments by year observed."""
    by_year = kept_until_change(
        "assessments-by-year", lambda: assessments_by_year(dict(Condition.choices)), COUNTS_CACHE_SECONDS
    )
    return {**register_facets(), "assessments_by_year": by_year}


def assessments_by_year(labels):
    """The register's documented conditions by year of assessment: public assessments of published monuments,
    counted per year observed and condition (each one attributed to its source on its monument's page)."""
    rows = (
        ConditionAssessment.objects.public()
        .filter(monument__in=Monument.objects.published().order_by().values("pk"))
        .order_by()
        .values_list(ExtractYear("observed_on"), "condition")
        .annotate(n=Count("pk"))
    )
    counts = {}
    for year, condition, n in rows:
        counts.setdefault(year, {})[condition] = n
    conditions = [code for code in labels if any(code in of_year for of_year in counts.values())]
    return {
        "conditions": [{"code": code, "label": str(labels[code])} for code in conditions],
        "years": [
            {
                "year": year,
                "counts": [counts[year].get(code, 0) for code in conditions],
                "total": sum(counts[year].values()),
            }
            for year in sorted(counts)
        ],
    }


def figures_with_counts(limit):
    figures = list(ReportedFigure.objects.published().select_related("reported_by", "source", "monument_type")[:limit])
    for figure in figures:
        figure.documented = figure.documented_counts()
        figure.documented_url = reverse("monuments:monument_list") + "?" + urlencode(figure_filters(figure))
    return figures


def figure_filters(figure):
    """The monument list's parameters for a figure's scope, so a reader can open what the register documents."""
    params = {}
    if figure.condition:
        params["condition"] = figure.condition
    if figure.monument_type_id:
        params["type"] = figure.monument_type.slug
    if figure.country:
        params["country"] = figure.country.code
    return params


HOME_ASSESSMENTS = 5
HOME_CHART_YEARS = 10


def recent_meetings_by_year(years):
    """(year, published meetings) over the last ``years`` calendar years, kept until the register changes."""
    today = timezone.localdate()
    return kept_until_change(
        f"meetings-by-year:last-{years}:{today.year}",
        Meeting.objects.published().in_last_years(years, today).count_by_year,
        COUNTS_CACHE_SECONDS,
    )


class HomeView(TemplateView):
    template_name = "sitewide/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["counts"] = headline_counts()
        context["latest_meetings"] = Meeting.objects.published().with_related().order_by("-date", "title")[:5]
        context["recent_monuments"] = Monument.objects.published().as_items().order_by("-updated_at")[:5]
        context["figures"] = figures_with_counts(limit=3)
        context["register"] = register_facets()
        context["latest_assessments"] = ConditionAssessment.objects.latest_reports(Monument.objects.published())[
            :HOME_ASSESSMENTS
        ]
        context["chart_years"] = HOME_CHART_YEARS
        context["meetings_chart"] = meetings_chart(recent_meetings_by_year(HOME_CHART_YEARS))
        return context


SEARCH_GROUP_SIZE = 10


class SearchView(TemplateView):
    """One search over monuments, meetings, people, organizations and events, grouped by kind.

    Each group calls the model's ``search()`` and keeps its order; monuments and meetings link to their full
    filtered lists.
    """

    template_name = "sitewide/search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = SearchForm(filter_data(self.request))
        context["form"] = form
        query = form.cleaned_data["q"] if form.is_valid() else ""
        context["query"] = query
        if not query:
            return context
        groups = []
        for key, title, queryset, list_url in [
            ("monuments", _("Monuments"), Monument.objects.published().as_items(), "monuments:monument_list"),
            ("meetings", _("Meetings"), Meeting.objects.published().with_related(), "meetings:meeting_list"),
            ("people", _("People"), Person.objects.published(), None),
            ("organizations", _("Organizations"), Organization.objects.published(), None),
            ("events", _("Events"), Event.objects.published(), None),
        ]:
            results = queryset.search(query)
            if hasattr(results, "highlight"):
                results = results.highlight(query)
            rows = list(results[: SEARCH_GROUP_SIZE + 1])
            groups.append(
                {
                    "key": key,
                    "title": title,
                    "results": rows[:SEARCH_GROUP_SIZE],
                    "more": len(rows) > SEARCH_GROUP_SIZE,
                    "list_url": reverse(list_url) + "?" + urlencode({"q": query}) if list_url else None,
                }
            )
        context["groups"] = groups
        context["total_found"] = sum(len(g["results"]) for g in groups)
        return context


class FiguresView(TemplateView):
    template_name = "sitewide/figures.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["figures"] = figures_with_counts(limit=50)
        context["register"] = register_counts()
        years = context["register"]["assessments_by_year"]["years"]
        context["assessments_chart"] = bar_chart(
            by_period([(row["year"], row["total"]) for row in years]), _("Condition assessments per year observed")
        )
        return context


class SourceDetailView(DetailView):
    """Everything published that cites a source. A source that nothing published cites is a 404."""

    queryset = Source.objects.cited()
    template_name = "sitewide/source_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        source = self.object
        # A meeting cites the source itself or through one of its public outcomes: the ids of both, as one UNION,
        # so the planner starts from the source's few citations instead of walking every meeting by date.
        direct = Meeting.sources.through.objects.filter(source=source).order_by().values("meeting_id")
        by_outcome = Outcome.objects.public().filter(sources=source).order_by().values("meeting_id")
        context["meetings"] = list(
            Meeting.objects.published()
            .filter(pk__in=direct.union(by_outcome))
            .with_related()
            .order_by("-date")[:RELATED_LIMIT]
        )
        context["monuments"] = list(
            Monument.objects.published().filter(sources=source).as_items().order_by("-updated_at")[:RELATED_LIMIT]
        )
        context["assessed_monuments"] = list(
            # EXISTS, not a join with DISTINCT: a source behind a million assessments would otherwise sort them all.
            Monument.objects.published()
            .filter(Exists(ConditionAssessment.objects.public().filter(monument=OuterRef("pk"), source=source)))
            .as_items()
            .order_by("-updated_at")[:RELATED_LIMIT]
        )
        context["events"] = list(Event.objects.published().filter(sources=source)[:RELATED_LIMIT])
        context["figures"] = list(
            ReportedFigure.objects.published().filter(source=source).select_related("reported_by")[:RELATED_LIMIT]
        )
        return context


class CountryDetailView(TemplateView):
    template_name = "sitewide/country_detail.html"

    def get_context_data(self, **kwargs):
        code = self.kwargs["code"].upper()
        if code not in countries:
            raise Http404(_("No such country code."))
        context = super().get_context_data(**kwargs)
        context["country_code"] = code
        context["country_name"] = countries.name(code)
        represented = participant_exists(represented_country=code)
        meetings = list(
            Meeting.objects.published().filter(represented).with_related().order_by("-date")[: RELATED_LIMIT + 1]
        )
        monuments = list(
            Monument.objects.published()
            .filter(place__country=code)
            .as_items()
            .order_by("-updated_at")[: RELATED_LIMIT + 1]
        )
        context["meetings"], context["more_meetings"] = meetings[:RELATED_LIMIT], len(meetings) > RELATED_LIMIT
        context["by_year"] = meetings_chart(Meeting.objects.published().filter(represented).count_by_year())
        context["counterparts"] = counterparts(
            "represented_country", Meeting.objects.published().filter(represented), code
        )
        context["network_url"] = network_url("country", code)
        context["monuments"], context["more_monuments"] = monuments[:RELATED_LIMIT], len(monuments) > RELATED_LIMIT
        context["meetings_url"] = reverse("meetings:meeting_list") + "?" + urlencode({"country": code})
        context["monuments_url"] = reverse("monuments:monument_list") + "?" + urlencode({"country": code})
        return context


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        # Exports and map data are for people who ask for them, not for crawlers.
        "Disallow: /monuments/export.",
        "Disallow: /meetings/export.",
        "Disallow: /monuments/map/data.json",
        f"Disallow: {reverse('admin:index')}",
        f"Sitemap: {request.build_absolute_uri(reverse('heritage:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


# /favicon.ico has no fingerprint, so a browser that kept it a year could show an old icon that long; pages
# declare the fingerprinted static files (templates/base.html), which change name with the icon.
FAVICON_MAX_AGE = 365 * 24 * 3600


@functools.cache
def _favicon_bytes():
    return (settings.BASE_DIR / "static" / "favicon.ico").read_bytes()


@require_GET
@cache_control(public=True, max_age=FAVICON_MAX_AGE)
def favicon(request):
    """The site's icon where browsers and feed readers look for it without reading a page (sitewide.favicon)."""
    return HttpResponse(_favicon_bytes(), content_type="image/vnd.microsoft.icon")


def healthz(request):
    """200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


# What each name filter offers, from the filter itself: the suggestions are exactly what it accepts (published
# records only, topics in use).
SUGGESTED_FILTERS = {
    "person": (MeetingFilterSet, "person"),
    "organization": (MeetingFilterSet, "organization"),
    "event": (MeetingFilterSet, "event"),
    "topic": (MeetingFilterSet, "topic"),
    "place": (MonumentFilterSet, "place"),
}


@require_GET
def suggest(request, kind):
    """``/suggest/<kind>/?q=``: at most ten records of a name filter whose names fit ``q`` as the search reads it,
    as JSON ``{"results": [{"value": slug, "label": name}], "status": text}`` for ``static/js/combobox.js``, which
    reads ``status`` out in its live region (in the page's language: the address carries its prefix). A public
    page: the page cache keeps it until the register changes, and it answers conditional requests."""
    if kind not in SUGGESTED_FILTERS:
        raise Http404
    filterset_class, name = SUGGESTED_FILTERS[kind]
    text = clean_text(request.GET.get("q", ""))[:SEARCH_MAX_LENGTH]
    records = matching(filterset_class.base_filters[name].queryset.all(), text)
    results = [{"value": record.slug, "label": str(record)} for record in records]
    status = suggestions_status(records, text) if text.strip() else ""
    return JsonResponse({"results": results, "status": status})
