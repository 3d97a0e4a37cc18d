"""Root URLs. The public URL contract is in the design document; these paths are a public interface."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from heritage import views

public = [
    path("", views.HomeView.as_view(), name="home"),
    path("sources/<int:pk>/", views.SourceDetailView.as_view(), name="source_detail"),
    path("countries/<str:code>/", views.CountryDetailView.as_view(), name="country_detail"),
    path("healthz", views.healthz, name="healthz"),
]

handler500 = "heritage.faults.server_error"

urlpatterns = [
    path("", include((public, "heritage"))),
    path("", include("meetings.urls")),
    path("monuments/", include("monuments.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]
