"""Slugs for imported records: a name's slugs (``slugs_for_name``, to find a record a file names) and the
allocation of new records' slugs, unique within the table and the import (``SlugAllocation``)."""

import functools
import operator
from collections import Counter

from django.db.models import Q
from django.utils.translation import gettext as _

from heritage.transfer.results import RowError
from heritage.transfer.values import parse_field
from heritage.transliteration import legacy_slugify, slugify


@functools.lru_cache(maxsize=20_000)
def cached_slugify(text):
    """Each new record's name is slugified twice per import (the chunk's slug query, then the slug itself)."""
    return slugify(text)


@functools.lru_cache(maxsize=20_000)
def slugs_for_name(text):
    """The slugs a record a file names by ``text`` may have: its transliterated slug, and the slug made before
    transliteration, which records created then keep ("İçərişəhər": "icherisheher", "icrishr")."""
    return tuple(dict.fromkeys([cached_slugify(text), legacy_slugify(text)]))


class SlugAllocation:
    """``TableImport``'s slugs: which a chunk's new rows would take (``prefetch_slugs``, in ``prepare()``), a slug
    a file gives (``claim_slug``) and a new one made from the name (``allocate_slug``). Uses the importer's
    ``model``, ``pipelined``, ``slugs_taken`` (given in this import), ``slugs_in_use`` (in the table) and
    ``names_existing`` (a row that is an existing record needs no slug)."""

    @staticmethod
    def base_slug(text, fallback):
        return (cached_slugify(text) or fallback)[:190].strip("-")

    def prefetch_slugs(self, chunk):
        """Which slugs this chunk's new rows would take are in use already: one query, not one per row."""
        if not hasattr(self.model, "slug"):
            return
        source = getattr(self.model, "slug_source", "name")
        fallback = self.model._meta.model_name  # as allocate_slug() makes them
        bases = Counter(
            self.base_slug(raw.get(source, ""), fallback)
            for _n, raw in chunk
            if not raw.get("slug") and not self.names_existing(raw)
        )
        manager = self.model._default_manager
        self.slugs_in_use = set(manager.filter(slug__in=bases).values_list("slug", flat=True))
        if self.pipelined:
            # allocate_slug() numbers a base that is taken ("name-2"…) in the checking thread, which cannot ask the
            # database: load the numbered slugs of every base that may need a number.
            numbered = sorted(b for b, n in bases.items() if n > 1 or b in self.slugs_in_use or b in self.slugs_taken)
            for start in range(0, len(numbered), 100):
                prefixes = (Q(slug__startswith=f"{base}-") for base in numbered[start : start + 100])
                found = manager.filter(functools.reduce(operator.or_, prefixes)).values_list("slug", flat=True)
                self.slugs_in_use.update(found)

    def claim_slug(self, slug):
        """A new record named by its slug in the file keeps that slug, so other files can refer to it."""
        value = parse_field(self.model._meta.get_field("slug"), slug, "slug")
        if value in self.slugs_taken:
            raise RowError([_("slug: “%(slug)s” is already given to an earlier row.") % {"slug": slug}])
        self.slugs_taken.add(value)
        return value

    def allocate_slug(self, text):
        base = self.base_slug(text, self.model._meta.model_name)
        manager = self.model._default_manager
        candidate, n = base, 2
        while (
            candidate in self.slugs_taken
            or candidate in self.slugs_in_use
            or (candidate != base and not self.pipelined and manager.filter(slug=candidate).exists())
        ):
            candidate = f"{base}-{n}"
            n += 1
        self.slugs_taken.add(candidate)
        return candidate
