"""The API's URLs (namespace ``api``), versioned in the path: /api/v1/<resource>/ and /api/v1/<resource>/<key>/.
A change that would break a client gets /api/v2/ beside this one; these stay as they are."""

from django.urls import path

from api import views
from api.resources import RESOURCES

app_name = "api"

urlpatterns = [
    path("", views.docs_view, name="docs"),
    path("openapi.json", views.openapi_view, name="openapi"),
    path("deleted/", views.deleted_view, name="deleted"),
]
for _resource in RESOURCES:
    _name = _resource.schema_name.lower()
    urlpatterns += [
        path(f"{_resource.name}/", views.list_view, {"resource": _resource}, name=f"{_name}_list"),
        path(f"{_resource.name}/<str:key>/", views.record_view, {"resource": _resource}, name=f"{_name}_detail"),
    ]
# Anything else under /api/v1/ is a 404 in JSON, as a program expects, not the site's HTML page.
urlpatterns.append(path("<path:rest>", views.no_such_path))
