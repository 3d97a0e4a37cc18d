"""The site-wide public URLs, in the URL namespace ``heritage`` (``heritage:home``, ``heritage:search``, ...): these
paths and names are part of the public URL contract and stay as they are."""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from sitewide import views
from sitewide.sitemaps import SITEMAPS

app_name = "heritage"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("figures/", views.FiguresView.as_view(), name="figures"),
    path("sources/<int:pk>/", views.SourceDetailView.as_view(), name="source_detail"),
    path("countries/<str:code>/", views.CountryDetailView.as_view(), name="country_detail"),
    path("suggest/<slug:kind>/", views.suggest, name="suggest"),
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
