"""Shared staff workflows: importing sources, finding likely duplicates by name, and merging two records."""

import difflib
import unicodedata

import reversion
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from heritage.models import Place, Source, split_names
from heritage.tabular import RowError, TableImport

# Import ---------------------------------------------------------------------------------------------------------


class SourceImport(TableImport):
    model = Source
    key = "id"
    fields = (
        "kind",
        "title",
        "publisher",
        "author",
        "published_on",
        "published_precision",
        "url",
        "archived_url",
        "language",
        "cites",
        "notes",
    )
    required = ("title",)
    help = {
        "id": _("the source's number; leave blank for a new source (an existing source with the same URL is reused)"),
        "published_on": _("YYYY-MM-DD; with precision month or year give the first day"),
        "language": _("language code, e.g. en, az, es"),
    }

    def prepare(self, chunk):
        super().prepare(chunk)
        urls = [raw["url"] for _n, raw in chunk if not raw.get("id") and raw.get("url")]
        self.by_url = {s.url: s for s in Source.objects.filter(url__in=urls)} if urls else {}

    def find_existing(self, raw):
        if raw.get("id"):
            found = super().find_existing(raw)
            if found is None:
                raise RowError([_("id: no source %(id)s. Leave id blank for a new source.") % {"id": raw["id"]}])
            return found
        # The same URL is the same source: never a second record for one article.
        return self.by_url.get(raw.get("url")) if raw.get("url") else None


# Likely duplicates -----------------------------------------------------------------------------------------------

# Letters that Unicode decomposition leaves alone, and simple Cyrillic transliteration.
LETTERS = str.maketrans(
    {
        "ə": "a",
        "ı": "i",
        "đ": "d",
        "ø": "o",
        "ł": "l",
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "þ": "th",
        **dict(
            zip(
                "абвгдезийклмнопрстуфхцыэ",
                ["a", "b", "v", "g", "d", "e", "z", "i", "i", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u", "f"]
                + ["h", "c", "y", "e"],
                strict=True,
            )
        ),
        "ё": "e",
        "ж": "z",
        "ч": "c",
        "ш": "s",
        "щ": "s",
        "ю": "u",
        "я": "a",
        "ь": "",
        "ъ": "",
        "ә": "a",
        "ғ": "g",
        "ү": "u",
        "ө": "o",
        "ј": "j",
        "ђ": "d",
        "ћ": "c",
        "џ": "dz",
        "љ": "lj",
        "њ": "nj",
    }
)
# Latin spellings of the same sound that transliterations disagree on ("Shusha"/"Şuşa", "Djordje"/"Đorđe").
DIGRAPHS = (
    ("sh", "s"),
    ("ch", "c"),
    ("zh", "z"),
    ("kh", "x"),
    ("gh", "g"),
    ("dj", "d"),
    ("ts", "c"),
    ("yu", "u"),
    ("ya", "a"),
)
# Single-letter foldings the database applies too, with translate(), so trigram indexes see folded names.
FOLD = {
    **{c: "a" for c in "əàáâãäåāăą"},
    **{c: "c" for c in "çćčĉċ"},
    **{c: "e" for c in "èéêëēĕėęě"},
    **{c: "g" for c in "ğĝġģ"},
    **{c: "i" for c in "ıìíîïĩīĭį"},
    **{c: "o" for c in "òóôõöøōŏő"},
    **{c: "u" for c in "ùúûüũūŭůűų"},
    **{c: "s" for c in "şśŝšș"},
    **{c: "z" for c in "žźż"},
    **{c: "n" for c in "ñńňņ"},
    **{c: "y" for c in "ýÿ"},
    "đ": "d",
    "ď": "d",
    "ł": "l",
    "ř": "r",
    "ť": "t",
    "ţ": "t",
    "ț": "t",
}
FOLD_FROM, FOLD_TO = "".join(FOLD), "".join(FOLD.values())
SIMILAR_ENOUGH = 0.85
TRIGRAM_LIKELY = 0.6


def fold(text):
    return (text or "").lower().translate(str.maketrans(FOLD_FROM, FOLD_TO))


class Folded(models.Func):
    """translate(lower(name), …): the database side of ``fold()``, for trigram indexes and lookups."""

    output_field = models.TextField()

    def __init__(self, expression):
        super().__init__(Lower(expression), models.Value(FOLD_FROM), models.Value(FOLD_TO), function="translate")


def normalise_name(text):
    """A comparison key for a name: lower case, no diacritics, one transliteration, words sorted not.

    "Anar Kərimov" and "Anar Karimov" both give "anar karimov"; "Blagojević" gives "blagojevic".
    """
    text = unicodedata.normalize("NFKC", text or "").casefold().translate(LETTERS)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = "".join(c if c.isalnum() else " " for c in text)
    for digraph, letter in DIGRAPHS:
        text = text.replace(digraph, letter)
    return " ".join(text.split())


def name_similarity(a, b):
    a, b = normalise_name(a), normalise_name(b)
    if not a or not b:
        return 0.0
    return 1.0 if a == b else difflib.SequenceMatcher(None, a, b).ratio()


def _candidates(model, name, limit):
    """A bounded set of records worth comparing: trigram-similar on PostgreSQL, sharing a word start elsewhere."""
    manager = model._default_manager
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity
        from django.db.models.functions import Greatest

        folded = fold(name)
        queryset = manager.annotate(folded_name=Folded("name"), folded_alternatives=Folded("alternative_names"))
        # `%` and `%>` use the trigram indexes on the folded expressions (migration heritage 0002).
        return list(
            queryset.filter(
                models.Q(folded_name__trigram_similar=folded)
                | models.Q(folded_alternatives__trigram_word_similar=folded)
            )
            .annotate(
                similarity=Greatest(
                    TrigramSimilarity("folded_name", folded), TrigramWordSimilarity(folded, "folded_alternatives")
                )
            )
            .order_by("-similarity")[:limit]
        )
    # Two letters: the third is often where spellings part ("Yuxarı"/"Yukhari", "Məscid"/"Mascid").
    words = [w for w in name.split() if len(w) >= 2]
    if not words:
        return list(manager.filter(name__iexact=name)[:limit])
    condition = models.Q()
    for word in words:
        condition |= models.Q(name__icontains=word[:2]) | models.Q(alternative_names__icontains=word[:2])
    return list(manager.filter(condition)[: limit * 10])


def find_likely_duplicates(model, name, exclude_pk=None, limit=10):
    """Existing records of ``model`` whose name or an alternative name is close to ``name``, closest first."""
    if not (name or "").strip():
        return []
    scored = []
    for candidate in _candidates(model, name.strip(), limit):
        if candidate.pk == exclude_pk:
            continue
        names = [candidate.name, *split_names(getattr(candidate, "alternative_names", ""))]
        best = max(name_similarity(name, n) for n in names)
        trigram = getattr(candidate, "similarity", 0) or 0
        if best >= SIMILAR_ENOUGH or trigram >= TRIGRAM_LIKELY:
            scored.append((max(best, trigram), candidate))
    scored.sort(key=lambda pair: -pair[0])
    return [candidate for _score, candidate in scored[:limit]]


# Merge ----------------------------------------------------------------------------------------------------------


class MergeError(ValidationError):
    pass


def _add_names(keep, merged):
    if not hasattr(keep, "alternative_names"):
        return
    names = split_names(keep.alternative_names)
    for name in [merged.name, *split_names(getattr(merged, "alternative_names", ""))]:
        if name != keep.name and name not in names:
            names.append(name)
    keep.alternative_names = "\n".join(names)


def merge_records(keep, merged, user=None):
    """Move every relation of ``merged`` to ``keep``, keep its names as alternative names, then delete it.

    One revision records the merge: the kept record and every moved record as they are afterwards, and the
    merged record as it was (so "Recover deleted" can bring it back). All or nothing.
    """
    model = type(keep)
    if type(merged) is not model or keep.pk == merged.pk:
        raise MergeError(_("Choose two different records of the same kind."))
    if isinstance(keep, Place) and keep.path.startswith(merged.path):
        raise MergeError(_("A place cannot be merged into a place inside it."))
    with transaction.atomic():
        # Its own revision first: reversion drops versions of records gone by the end of a revision.
        with reversion.create_revision():
            reversion.set_user(user)
            reversion.set_comment(_("Before merging into “%(keep)s” (#%(pk)s).") % {"keep": keep, "pk": keep.pk})
            reversion.add_to_revision(merged)
        _merge_inside(keep, merged, user)
    if hasattr(keep, "refresh_current_condition"):
        keep.refresh_current_condition()
    return keep


def _merge_inside(keep, merged, user):
    model = type(keep)
    with reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(
            _("Merged “%(merged)s” (#%(pk)s) into this record.") % {"merged": merged, "pk": merged.pk}
        )
        moved = []
        for relation in model._meta.get_fields(include_hidden=True):
            if relation.auto_created and not relation.concrete and (relation.one_to_many or relation.one_to_one):
                if relation.related_model._meta.auto_created:
                    continue  # a many-to-many table: handled below through its relation
                # A foreign key elsewhere pointing at the merged record.
                related = relation.related_model
                name = relation.field.name
                rows = list(related._base_manager.filter(**{name: merged}))
                for row in rows:
                    setattr(row, name, keep)
                    # save(), not update(): Place paths and other save() logic must follow the move.
                    row.save(update_fields=[relation.field.attname]) if not isinstance(row, Place) else row.save()
                moved += rows
            elif relation.many_to_many:
                if relation.concrete:  # the merged record's own many-to-many, e.g. its sources
                    getattr(keep, relation.name).add(*getattr(merged, relation.name).all())
                    continue
                # Another model's many-to-many naming the merged record, e.g. meetings concerning a monument.
                field = relation.field
                through = field.remote_field.through
                own, other = field.m2m_reverse_field_name(), field.m2m_field_name()
                links = through._base_manager.filter(**{own: merged})
                others = [getattr(link, f"{other}_id") for link in links]
                through._base_manager.bulk_create(
                    [through(**{f"{own}_id": keep.pk, f"{other}_id": pk}) for pk in others], ignore_conflicts=True
                )
                links.delete()
                moved += list(field.model._base_manager.filter(pk__in=others))
        _add_names(keep, merged)
        if hasattr(keep, "updated_by_id") and user is not None:
            keep.updated_by = user
        keep.save()
        for row in moved:
            if reversion.is_registered(type(row)):
                reversion.add_to_revision(row)
        merged.delete()
