"""The site-wide app: pages and tools over monuments and meetings together. It has no models."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SitewideConfig(AppConfig):
    name = "sitewide"
    verbose_name = _("Site-wide pages")
