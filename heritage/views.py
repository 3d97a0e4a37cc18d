"""Pages that span both halves: home, sources, countries, health check."""

from django.db import connection
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, TemplateView
from django_countries import countries

from heritage.models import Source
from meetings.models import Meeting
from monuments.models import Monument, ReportedFigure


class HomeView(TemplateView):
    template_name = "heritage/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["latest_meetings"] = Meeting.objects.published().with_related()[:5]
        context["recent_monuments"] = Monument.objects.published().with_related().order_by("-updated_at")[:5]
        context["figures"] = ReportedFigure.objects.published().select_related("reported_by", "source")[:5]
        return context


class SourceDetailView(DetailView):
    model = Source
    template_name = "heritage/source_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["meetings"] = self.object.meetings.published().with_related()
        context["monuments"] = self.object.monuments.published().with_related()
        return context


class CountryDetailView(TemplateView):
    template_name = "heritage/country_detail.html"

    def get_context_data(self, **kwargs):
        code = self.kwargs["code"].upper()
        if code not in countries:
            raise Http404(_("No such country code."))
        context = super().get_context_data(**kwargs)
        context["country_code"] = code
        context["country_name"] = countries.name(code)
        context["meetings"] = (
            Meeting.objects.published().filter(participants__represented_country=code).distinct().with_related()[:50]
        )
        context["monuments"] = Monument.objects.published().filter(place__country=code).with_related()[:50]
        return context


def healthz(request):
    """200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
