"""schema.org markup (JSON-LD) for the record pages, read by search engines and Wikidata's tools.

It says what the page says, no more: names and titles (each tagged with its language, ``@language``, where that
is known), dates at the precision recorded (ISO 8601 allows ``2022-09`` and ``2022``), places, the public point
only (a sensitive site's coarsened one), the register's identifiers, and the sources as ``citation``. A condition
or an outcome, which are someone's report, are not put in the register's voice here: readers find them,
attributed, on the page.
"""

from heritage.models import partial_iso
from heritage.names import json_ld_names

CONTEXT = "https://schema.org"


def compact(data):
    """``data`` without empty values (schema.org consumers read a missing property, not a null one)."""
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def tagged(text, language):
    """A text with its language (a JSON-LD language-tagged string) when the language is known, else the text."""
    return {"@value": text, "@language": language} if text and language else text


def name_of(record):
    """A record's ``name``, tagged with its ``name_language`` where the record has one (``heritage.names``)."""
    return tagged(getattr(record, "name", None), getattr(record, "name_language", ""))


def citations(request, sources):
    return [
        compact(
            {
                "@type": "CreativeWork",
                "name": tagged(source.title, source.language),
                "url": source.url or request.build_absolute_uri(source.get_absolute_url()),
                "publisher": source.publisher,
                "datePublished": partial_iso(source.published_on, source.published_precision),
            }
        )
        for source in sources
    ]


def place(record):
    if record is None:
        return None
    return compact(
        {
            "@type": "Place",
            "name": name_of(record),
            "address": {"@type": "PostalAddress", "addressCountry": record.country.code} if record.country else None,
        }
    )


def link(request, record, kind):
    """A short reference to another record: its type, name (tagged with its language when ``str()`` is the name
    alone) and page."""
    name = str(record)
    if name == getattr(record, "name", None):
        name = name_of(record)
    return {"@type": kind, "name": name, "url": request.build_absolute_uri(record.get_absolute_url())}


def thing(request, record, kind, **properties):
    """A record as ``kind``, with ``@id`` and ``url`` its page, its name and other names, its description, and
    ``properties`` (which may replace any of them)."""
    url = request.build_absolute_uri(record.get_absolute_url())
    return compact(
        {
            "@context": CONTEXT,
            "@type": kind,
            "@id": url,
            "url": url,
            "name": name_of(record),
            "alternateName": json_ld_names(record) if hasattr(record, "name_language") else [],
            "description": getattr(record, "description", ""),
            **properties,
        }
    )
