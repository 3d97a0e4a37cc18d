"""Public URLs for the monument register. Fixed paths come before ``<slug>`` (no monument may be called "map")."""

from django.urls import path

from monuments import exports, feeds, views

app_name = "monuments"

urlpatterns = [
    path("", views.MonumentListView.as_view(), name="monument_list"),
    path("map/", views.MonumentMapView.as_view(), name="monument_map"),
    path("map/data.json", views.map_data, name="map_data"),
    path("export.csv", exports.export_csv, name="export_csv"),
    path("export.json", exports.export_json, name="export_json"),
    path("export.geojson", exports.export_geojson, name="export_geojson"),
    path("conditions.atom", feeds.condition_feed, name="condition_feed"),
    path("<slug:slug>/", views.MonumentDetailView.as_view(), name="monument_detail"),
]
