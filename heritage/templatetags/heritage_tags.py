"""Template filters and tags for the public pages: dates at their precision, clean links within a list."""

from django import template

from heritage.listing import clean_link
from heritage.models import format_partial_date

register = template.Library()


@register.filter
def partial_date(value, precision):
    """``{{ date|partial_date:precision }}``: "5 October 2022", "September 2022" or "2022"."""
    return format_partial_date(value, precision)


@register.simple_tag(takes_context=True)
def clean_querystring(context, **changes):
    """``{% clean_querystring page=2 %}``: this page's address with ``changes`` made, in its clean form.

    As Django's ``{% querystring %}`` (a value of ``None`` removes the parameter), but blank parameters and
    ``page=1`` are left out (``?…``) and a link with nothing left is the bare path, so pagination and facet links are
    as clean as the address the filter form leads to (``heritage.listing.clean_query``).
    """
    request = context["request"]
    query = request.GET.copy()
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        elif isinstance(value, list | tuple):
            query.setlist(key, [str(v) for v in value])
        else:
            query[key] = str(value)
    return clean_link(request.path, query)
