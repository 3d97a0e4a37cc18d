"""Template filters and tags for the public pages: dates at their precision, clean links within a list."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import formats
from django.utils.html import _json_script_escapes
from django.utils.safestring import mark_safe

from heritage import names
from heritage.listing import clean_link
from heritage.models import format_partial_date

register = template.Library()


@register.simple_tag
def record_name(record):
    """``{% record_name monument %}``: the name in the reader's language, the original beside it where they differ,
    each in a ``<span lang>`` when its language is not the page's (``heritage.names``)."""
    return names.name_html(record) if record else ""


@register.simple_tag
def in_language(text, language):
    """``{% in_language source.title source.language %}``: the text, in a ``<span lang>`` when its language is
    known and not the page's (``heritage.names.in_language``)."""
    return names.in_language(text, language)


@register.simple_tag
def lang_attribute(language):
    """``<h1{% lang_attribute meeting.title_language %}>``: `` lang="ru"`` when the element's text is in a known
    language that is not the page's, else nothing (``heritage.names.lang_attribute``)."""
    return names.lang_attribute(language)


@register.filter
def reader_name(record):
    """``{{ monument|reader_name }}``: the name in the reader's language as text (a page title)."""
    return names.reader_name(record) if record else ""


@register.filter
def alternative_names(record):
    """``{{ monument|alternative_names }}``: the alternative names side by side, each with its ``lang``."""
    return names.alternative_names_html(record)


@register.filter
def coordinates(point):
    """``{{ point|coordinates }}``: "40.3667, 49.8352" in English; "40,3667; 49,8352" where the language's decimal
    mark is a comma, so the pair stays readable. For text only: attributes, addresses and JSON take the plain
    numbers (``|stringformat:'s'``)."""
    latitude, longitude = (formats.number_format(value) for value in point)
    separator = "; " if formats.get_format("DECIMAL_SEPARATOR") == "," else ", "
    return f"{latitude}{separator}{longitude}"


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
