"""Template filters and tags for the public pages: dates at their precision, clean links within a list."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import _json_script_escapes
from django.utils.safestring import mark_safe

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


@register.filter
def json_ld_script(data):
    """``{{ json_ld|json_ld_script }}``: schema.org markup as ``<script type="application/ld+json">``, escaped as
    Django's ``json_script`` escapes (``<``, ``>`` and ``&`` as ``\\u…``), so no text in it can close the element.
    A data block, not a script: the Content-Security-Policy does not apply to it and no browser runs it."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_json_script_escapes)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308 (escaped above)
