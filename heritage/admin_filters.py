"""Admin list filters any app's changelist can use (the editorial dashboard links to them)."""

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _


class YesNoFilter(admin.SimpleListFilter):
    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def condition(self, model):
        raise NotImplementedError

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(self.condition(queryset.model))
        if self.value() == "no":
            return queryset.exclude(self.condition(queryset.model))
        return queryset


class HasSourceFilter(YesNoFilter):
    title = _("cites a source")
    parameter_name = "has_source"

    def condition(self, model):
        through = model.sources.through
        return Exists(through.objects.filter(**{f"{model._meta.model_name}_id": OuterRef("pk")}))
