"""Template filters for the public pages: dates at their precision."""

from django import template

from heritage.models import format_partial_date

register = template.Library()


@register.filter
def partial_date(value, precision):
    """``{{ date|partial_date:precision }}``: "5 October 2022", "September 2022" or "2022"."""
    return format_partial_date(value, precision)
