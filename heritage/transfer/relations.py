"""Related records named in a file: by slug, by a name's slugs, or by the name itself (case and diacritics aside,
``heritage.transliteration.fold``), and the message when none is found, naming the value given and the valid ones.

``RelationLookup`` is mixed into ``TableImport``; its caches live in the importer's ``lookup_cache``. A related
table's names are read once per import (``names_of``), in ``prepare()`` for the checking thread of a pipelined
import, which may not query.
"""

import difflib

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from heritage.transfer.results import RowError
from heritage.transliteration import fold

# A related table with more records than this is not read whole for names: a name is then looked up by a query
# (case aside), and an unknown value's message points to the admin list instead of listing values.
NAME_INDEX_LIMIT = 20_000
# Up to this many known values, a message lists them all; beyond, the closest few and how many there are.
LISTED_VALUES = 15
CLOSEST_VALUES = 5


def label_field(model):
    """The field that names a record of ``model``: ``name``, or ``title`` (meetings, sources)."""
    names = {f.name for f in model._meta.concrete_fields}
    return "name" if "name" in names else "title" if "title" in names else None


class NameIndex:
    """The records of a small table by folded name and alternative names, and their labels for messages."""

    def __init__(self, model):
        self.model = model
        label = label_field(model)
        fields = {f.name for f in model._meta.concrete_fields}
        columns = [
            "pk",
            label,
            *(["slug"] if "slug" in fields else []),
            *(["alternative_names"] * ("alternative_names" in fields)),
        ]
        self.by_name = {}
        self.labels = []  # (label, slug) sorted by label
        self.slugs = {}  # pk -> slug (or pk), to name the records an ambiguous name fits
        for row in model._default_manager.values_list(*columns):
            pk, name = row[0], row[1]
            slug = row[2] if "slug" in fields else ""
            self.labels.append((name, slug))
            self.slugs[pk] = slug or str(pk)
            names = [name]
            if "alternative_names" in fields:
                names += [line for line in (row[-1] or "").splitlines() if line.strip()]
            for text in names:
                self.by_name.setdefault(fold(text.strip()), set()).add(pk)
        self.labels.sort(key=lambda pair: fold(pair[0]))
        self.folded_labels = {}
        for name, slug in self.labels:
            self.folded_labels.setdefault(fold(name), (name, slug))

    def find(self, text):
        """The pks named ``text``: one, several (ambiguous) or none."""
        return self.by_name.get(fold(text.strip()), set())

    def known(self, text):
        """The valid values to list for an unknown ``text``: all when few, else the closest ones and a count."""

        def shown(pairs):
            return ", ".join(f"{name} ({slug})" if slug and slug != name else name for name, slug in pairs)

        if len(self.labels) <= LISTED_VALUES:
            return shown(self.labels) or _("none yet")
        closest = difflib.get_close_matches(fold(text), list(self.folded_labels), n=CLOSEST_VALUES, cutoff=0.5)
        pairs = [self.folded_labels[c] for c in closest] or self.labels[:CLOSEST_VALUES]
        more = len(self.labels) - len(pairs)
        return shown(pairs) + ngettext(" … and %(count)s more", " … and %(count)s more", more) % {"count": more}


class RelationLookup:
    """``TableImport``'s look-up of related records by name (see the module docstring)."""

    def names_of(self, model):
        """The ``NameIndex`` of ``model``, read once per import; None for a large table (or, in the checking
        thread, one ``prepare()`` did not read)."""
        key = ("names", model)
        if key not in self.lookup_cache:
            if self.offline or label_field(model) is None:
                return None
            small = model._default_manager.count() <= NAME_INDEX_LIMIT
            self.lookup_cache[key] = NameIndex(model) if small else None
        return self.lookup_cache[key]

    def match_name(self, column, model, text):
        """The pk of the one ``model`` record named ``text`` (its name or an alternative name, case and diacritics
        aside), None when there is none; a name that several records bear is an error naming them."""
        index = self.names_of(model)
        if index is not None:
            pks = index.find(text)
        elif not self.offline and (label := label_field(model)):
            pks = set(model._default_manager.filter(**{f"{label}__iexact": text.strip()}).values_list("pk", flat=True))
        else:
            pks = set()
        if len(pks) > 1:
            if index is not None:
                slugs = ", ".join(sorted(index.slugs[pk] for pk in pks))
            else:
                slugs = ", ".join(
                    sorted(getattr(r, "slug", str(r.pk)) for r in model._default_manager.filter(pk__in=pks))
                )
            raise RowError(
                [
                    _("%(column)s: “%(value)s” names several %(models)s (%(slugs)s); give the slug of one.")
                    % {"column": column, "value": text, "models": model._meta.verbose_name_plural, "slugs": slugs}
                ]
            )
        return next(iter(pks), None)

    def unknown_message(self, column, model, lookup, text):
        """“monument_type: unknown monument type “Pyramid”; known: Church (church), Mosque (mosque).”"""
        key = ("unknown", model, lookup, text)
        message = self.lookup_cache.get(key)
        if message is not None:
            return message.replace("\x00", column)
        if lookup == "pk":
            message = _("%(column)s: no %(model)s number “%(value)s”; give the number of an existing %(model)s.")
        else:
            index = self.names_of(model)
            if index is not None:
                message = _("%(column)s: unknown %(model)s “%(value)s”; known: %(known)s.").replace(
                    "%(known)s", index.known(text).replace("%", "%%")
                )
            else:
                message = _(
                    "%(column)s: unknown %(model)s “%(value)s” (neither a slug nor a name); the admin list of "
                    "%(models)s shows the valid ones."
                )
        message = message % {
            "column": "\x00",
            "model": model._meta.verbose_name,
            "models": model._meta.verbose_name_plural,
            "value": text,
        }
        self.lookup_cache[key] = message
        return message.replace("\x00", column)
