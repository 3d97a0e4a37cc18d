"""Root URLs. The public URL contract is in the design document; these paths are a public interface.

The site-wide pages keep the URL namespace ``heritage`` (sitewide/urls.py); meetings and monuments have their own.
"""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

handler500 = "heritage.faults.server_error"

urlpatterns = [
    path("", include("sitewide.urls")),
    path("", include("meetings.urls")),
    path("monuments/", include("monuments.urls")),
    path("api/v1/", include("api.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]
