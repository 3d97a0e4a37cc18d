"""The reader's language: from the address when it carries one (``/ru/…``, ``/az/…``, ``/es/…``, ``/en/…``), else
from the browser's preference; the same pages under every prefix.

Today's addresses (``/monuments/…``, no prefix) are the public contract and keep working: they answer in the
language the browser prefers (``Vary: Accept-Language``). An address with a prefix answers in its language
whatever the browser prefers, so a shared link opens in the language it was shared in. The language switcher
and the ``hreflang`` alternates link to the prefixed addresses (``language_links``).

How: the prefix is taken off the path before URL resolution and made the script prefix for the request, as if the
site were mounted at ``/ru/``; every ``reverse()`` and ``{% url %}`` then writes ``/ru/…`` links by itself, and
the page cache keys on the full path. Static and media addresses are absolute (``/static/``), so they are shared.
The staff area, the API and ``/healthz`` are not prefixed (they answer in the browser's language, the API in
English codes anyway); a prefixed address to them is the same page.
"""

from django.conf import settings
from django.urls import get_script_prefix, set_script_prefix
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.text import capfirst

PREFIXED = {code for code, _name in settings.LANGUAGES}


def split_prefix(path):
    """(language, rest of the path) for ``/ru/monuments/`` → ("ru", "/monuments/"); (None, path) without one."""
    first, _, rest = path.lstrip("/").partition("/")
    if first in PREFIXED and (rest or path.rstrip("/") == f"/{first}"):
        return first, "/" + rest
    return None, path


class LanguageMiddleware:
    """In place of Django's LocaleMiddleware: the language from the address's prefix, or negotiated."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language, rest = split_prefix(request.path_info)
        request.language_prefixed = language is not None
        mounted_at = get_script_prefix()
        if language:
            request.path_info = rest
            set_script_prefix(mounted_at + language + "/")
        else:
            language = translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            set_script_prefix(mounted_at)  # the next request on this thread starts from the site's own prefix
        if not request.language_prefixed:
            patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", language)
        return response


def language_links(request):
    """For the switcher and ``hreflang``: (code, name in its own language, address of this page in it), and the
    address without a prefix (``x-default``: the browser's language)."""
    path = request.path_info
    query = request.META.get("QUERY_STRING", "")
    suffix = f"?{query}" if query else ""
    links = [
        (code, capfirst(translation.get_language_info(code)["name_local"]), f"/{code}{path}{suffix}")
        for code, _name in settings.LANGUAGES
    ]
    return links, f"{path}{suffix}"


def language_context(request):
    """Context processor: ``language_links`` and ``language_default_link`` for base.html."""
    links, default = language_links(request)
    return {"language_links": links, "language_default_link": default}
