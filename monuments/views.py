"""Public pages of the monument register."""

from django.views.generic import DetailView, ListView

from monuments.models import Monument


class MonumentListView(ListView):
    template_name = "monuments/monument_list.html"
    paginate_by = 50

    def get_queryset(self):
        return Monument.objects.published().with_related()


class MonumentDetailView(DetailView):
    template_name = "monuments/monument_detail.html"

    def get_queryset(self):
        return (
            Monument.objects.published()
            .with_related()
            .prefetch_related("registrations", "assessments__source", "restorations", "images", "sources")
        )
