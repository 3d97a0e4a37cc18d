"""Names in several languages: a record's name in each language of the site besides its original, and alternative
names tagged with their language (``hy: Շուշի``), as the communities that use them write them.

Storage: one column per language on the record's own table (``name_az``, ``name_en``, ``name_ru``, ``name_es``)
and ``name_language``, the language of ``name`` (docs/decisions.md says why columns, not a translation table).
Display: ``{% record_name record %}`` (heritage_tags) gives the reader's language's name with the original beside
it where they differ, each in a ``<span lang>`` when its language is not the page's. Search: ``all_names()`` feeds
every name, without the tags, to the record's search document.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# The languages a record's name can be given in besides its original, in the order of the columns.
NAME_LANGUAGES = ("az", "en", "ru", "es")
NAME_FIELDS = tuple(f"name_{code}" for code in NAME_LANGUAGES)
# Import and export columns: the names, then the language of the original.
NAME_COLUMNS = (*NAME_FIELDS, "name_language")
NAME_COLUMN_HELP = {
    "name_az": _("the name in Azerbaijani, when the name above is in another language"),
    "name_en": _("the name in English, when the name above is in another language"),
    "name_ru": _("the name in Russian, when the name above is in another language"),
    "name_es": _("the name in Spanish, when the name above is in another language"),
    "name_language": _("the language the name is written in: az, en, ru, es, hy…; blank when unknown"),
}

# A BCP 47 tag as the register uses them: an ISO 639 language (two or three letters), optionally a script and a
# region: "az", "hy", "az-Cyrl", "sr-Latn", "ru-RU".
LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(-[A-Z][a-z]{3})?(-(?:[A-Z]{2}|\d{3}))?")
# A line "tag: name". What stands before the colon is read as a tag when it is one word of at most 12 letters,
# digits or hyphens; a name with a colon inside ("Church of St Mary: the crypt") is not mistaken for one.
TAGGED_LINE = re.compile(r"([A-Za-z0-9-]{1,12}):\s*(\S.*)")
TAG_EXAMPLE = "hy: Շուշի"


def is_language_tag(tag):
    return bool(LANGUAGE_TAG.fullmatch(tag or ""))


def validate_language_tag(value):
    if value and not is_language_tag(value):
        raise ValidationError(
            _("“%(tag)s” is not a language code: write a two- or three-letter ISO 639 code such as az, ru or hy."),
            code="invalid_language",
            params={"tag": value},
        )


@dataclass(frozen=True)
class TaggedName:
    name: str
    language: str = ""


def tagged_names(text):
    """The alternative names of a text field, one a line, each with its language when the line carries one."""
    names = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        match = TAGGED_LINE.fullmatch(line)
        if match and is_language_tag(match[1]):
            names.append(TaggedName(match[2].strip(), match[1]))
        else:
            names.append(TaggedName(line))
    return names


def validate_tagged_names(text):
    """Alternative names: a line that starts with a tag ("hy: Շուշի") must carry a valid one."""
    bad = [
        match[1]
        for line in (text or "").splitlines()
        if (match := TAGGED_LINE.fullmatch(line.strip())) and not is_language_tag(match[1])
    ]
    if bad:
        raise ValidationError(
            _(
                "“%(tag)s” is not a language code. Give a name in another language as a line “code: name”, the code "
                "in two or three letters (ISO 639), e.g. “%(example)s”; or the name alone, without a colon."
            ),
            code="invalid_language",
            params={"tag": bad[0], "example": TAG_EXAMPLE},
        )


def name_field(verbose_name):
    return models.CharField(verbose_name, max_length=300, blank=True)


def language_field(verbose_name, help_text):
    """The language a text of the record is written in: a BCP 47 tag (``LANGUAGE_TAG``), blank when not recorded."""
    return models.CharField(
        verbose_name, max_length=12, blank=True, validators=[validate_language_tag], help_text=help_text
    )


def names_by_language(name, name_language, column):
    """``{"az": …, "en": …, "ru": …, "es": …}``, None for a language without a name: ``name`` in its own language
    ``name_language``, else the value ``column(field)`` gives for that language's column (``name_az``…). One rule for
    a model (``MultilingualName.names``) and a ``values()`` row (``api.monument_rows``)."""
    return {
        code: (name if code == name_language else column(field)) or None
        for code, field in zip(NAME_LANGUAGES, NAME_FIELDS, strict=True)
    }


class MultilingualName(models.Model):
    """A record's name in each language of the site, beside its original ``name`` (which the model defines)."""

    name_language = language_field(
        _("language of the name"),
        _("The language the name above is written in: az, en, ru, es, hy, ka… Blank when unknown."),
    )
    name_az = name_field(_("name in Azerbaijani"))
    name_en = name_field(_("name in English"))
    name_ru = name_field(_("name in Russian"))
    name_es = name_field(_("name in Spanish"))

    class Meta:
        abstract = True

    def name_in(self, language):
        """The name in ``language``: its own column, or the original when it is in that language."""
        if language == self.name_language:
            return self.name
        return getattr(self, f"name_{language}", "") if language in NAME_LANGUAGES else ""

    @property
    def names(self):
        """``{"az": …, "en": …, "ru": …, "es": …}`` (None for a language without a name), for the API."""
        return names_by_language(self.name, self.name_language, lambda column: getattr(self, column))

    def all_names(self):
        """Every name of the record, without language tags: the original, the translations, the alternatives."""
        names = [self.name, *(getattr(self, field) for field in NAME_FIELDS)]
        names += [n.name for n in tagged_names(getattr(self, "alternative_names", ""))]
        return list(dict.fromkeys(n for n in names if n))

    @property
    def alternative_names_tagged(self):
        return tagged_names(getattr(self, "alternative_names", ""))


def page_language():
    return (get_language() or "en").split("-")[0]


def displayed_names(record, language=None):
    """``[(reader's name, its language), (original, its language)]``, or only the original when the reader's
    language has no name of its own or it is the same text."""
    language = language or page_language()
    original = (str(record.name), getattr(record, "name_language", "") or "")
    own = record.name_in(language) if hasattr(record, "name_in") else ""
    if own and own != original[0]:
        return [(own, language), original]
    return [original]


def differs_from_page(language, page=None):
    """Whether a text in ``language`` needs its own ``lang`` on a page in ``page`` (the reader's language)."""
    return bool(language) and language.split("-")[0] != (page or page_language())


def lang_attribute(language, page=None):
    """`` lang="ru"`` for an element whose text is in ``language`` when that is not the page's, else nothing."""
    return format_html(' lang="{}"', language) if differs_from_page(language, page) else ""


def in_language(text, language, page=None):
    """``text`` escaped, in a ``<span lang>`` when its language is known and not the page's."""
    if differs_from_page(language, page):
        return format_html('<span lang="{}">{}</span>', language, text)
    return conditional_escape(text)


def _own_name_html(record, page):
    names = displayed_names(record, page)
    first = in_language(*names[0], page=page)
    if len(names) == 1:
        return first
    return format_html('{} <span class="name-original">({})</span>', first, in_language(*names[1], page=page))


def name_html(record, language=None):
    """The record's name for a heading or a link: the reader's, the original beside it (``{% record_name %}``).
    A place is followed by the place it lies in where ``str(place)`` names it ("Шуша (Şuşa), Карабах (Qarabağ)"),
    each of the two in the reader's language."""
    page = language or page_language()
    html = _own_name_html(record, page)
    if (parent := getattr(record, "shown_parent", None)) is not None:
        return format_html("{}, {}", html, _own_name_html(parent, page))
    return html


def reader_name(record, language=None):
    """The name as text, in the reader's language when it has one (a page title, an attribute); a place with the
    place it lies in, as ``name_html``."""
    text = displayed_names(record, language)[0][0]
    if (parent := getattr(record, "shown_parent", None)) is not None:
        return f"{text}, {displayed_names(parent, language)[0][0]}"
    return text


def reader_name_and_language(record, language=None):
    """(the name in the reader's language or the original, the language it is written in; "" when unknown): for
    a feed or a calendar, which carries one text and its language (Atom ``xml:lang``, iCalendar ``LANGUAGE``)."""
    return displayed_names(record, language)[0]


def alternative_names_html(record, language=None):
    """The alternative names side by side, separated by commas, each in its language's ``<span lang>``."""
    page = language or page_language()
    return format_html_join(
        mark_safe(", "),
        "{}",
        ((in_language(n.name, n.language, page=page),) for n in tagged_names(record.alternative_names)),
    )


def alternative_names_field(verbose_name=None, help_text=None):
    """``alternative_names``: one name a line, a name in another language as ``code: name``."""
    return models.TextField(
        verbose_name or _("alternative names"),
        blank=True,
        validators=[validate_tagged_names],
        help_text=help_text or _("One name per line; a name in another language as “code: name”, e.g. “hy: Շուշի”."),
    )


def other_names(record):
    """The names besides ``name``: the translations, then the alternatives, as ``TaggedName``s (for linked data)."""
    names = [TaggedName(getattr(record, f"name_{code}"), code) for code in NAME_LANGUAGES]
    names += tagged_names(getattr(record, "alternative_names", ""))
    return [n for n in names if n.name and n.name != record.name]


def json_ld_names(record):
    """``alternateName`` values for schema.org: a language-tagged value where the language is known."""
    return [{"@value": n.name, "@language": n.language} if n.language else n.name for n in other_names(record)]
