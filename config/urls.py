"""Root URLs. The public URL contract is in the design document; these paths are a public interface."""

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from heritage import views
from heritage.sitemaps import SITEMAPS

public = [
    path("", views.HomeView.as_view(), name="home"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("figures/", views.FiguresView.as_view(), name="figures"),
    path("sources/<int:pk>/", views.SourceDetailView.as_view(), name="source_detail"),
    path("countries/<str:code>/", views.CountryDetailView.as_view(), name="country_detail"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("favicon.ico", views.favicon, name="favicon"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "heritage:sitemap_section"},
        name="sitemap",
    ),
    path("sitemap-<section>.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS}, name="sitemap_section"),
    path("healthz", views.healthz, name="healthz"),
]

handler500 = "heritage.faults.server_error"

urlpatterns = [
    path("", include((public, "heritage"))),
    path("", include("meetings.urls")),
    path("monuments/", include("monuments.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]
