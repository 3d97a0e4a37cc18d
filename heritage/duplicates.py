"""Likely duplicates found by name (folded, transliterated, trigram-similar on PostgreSQL) and two records merged
into one, keeping history: the staff workflow of the admin's duplicate check and merge pages."""

import difflib

import reversion
from django.core.exceptions import ValidationError
from django.db import connections, models, transaction
from django.utils.translation import gettext as _

from heritage.models import Place, split_names
from heritage.search import is_postgresql, normalize, words

# Spellings that transliterations disagree on, folded after search's ``normalize()`` ("Shusha"/"Şuşa" → "susa",
# "Khankandi"/"Xankəndi" → "xankandi", "Djordjevic"/"Đorđević" → "dordevic").
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
SIMILAR_ENOUGH = 0.85
TRIGRAM_LIKELY = 0.6
# Trigram word similarity that makes a record a candidate worth scoring in Python. Lower than search's default
# (0.6): "Madaniyyat Nazirliyi" and the stored "medeniyyet nazirliyi" score 0.5, "Yukhari Govhar Agha Mascidi"
# and "yuxari govher aga mescidi" 0.39.
TRIGRAM_CANDIDATE = 0.3

# The expression of the folded-name indexes that migration heritage 0003 created and 0005 drops; kept only so
# those migrations stay importable. Duplicate detection uses ``heritage.search.normalize`` and ``search_names``.
FOLD_FROM = "əàáâãäåāăąçćčĉċèéêëēĕėęěğĝġģıìíîïĩīĭįòóôõöøōŏőùúûüũūŭůűųşśŝšșžźżñńňņýÿđďłřťţț"
FOLD_TO = "aaaaaaaaaaccccceeeeeeeeeggggiiiiiiiiiooooooooouuuuuuuuuussssszzznnnnyyddlrttt"


def normalise_name(text):
    """A comparison key for names: search's ``normalize()``, then transliteration variants made equal.

    ``normalize()`` spells Azerbaijani ə as "e", while English transliterations write "a" as often as "e"
    (Kərimov: Karimov, Kerimov), so the key does not tell "e" from "a"; digraphs fold as in ``DIGRAPHS``.
    "Anar Kərimov", "Anar Karimov" and "Anar Kerimov" all give "anar karimov".
    """
    text = "".join(c if c.isalnum() else " " for c in normalize(text))
    for digraph, letter in DIGRAPHS:
        text = text.replace(digraph, letter)
    return " ".join(text.replace("e", "a").split())


def name_similarity(a, b):
    a, b = normalise_name(a), normalise_name(b)
    if not a or not b:
        return 0.0
    return 1.0 if a == b else difflib.SequenceMatcher(None, a, b).ratio()


def _query_texts(name):
    """What to look for in ``search_names``: the name as search normalises it, and with digraphs folded."""
    text = " ".join(words(name))
    folded = text
    for digraph, letter in DIGRAPHS:
        folded = folded.replace(digraph, letter)
    return list(dict.fromkeys([text, folded]))


def _candidates(model, name, limit):
    """A bounded set of records worth comparing, read from the stored, normalised ``search_names``.

    PostgreSQL: trigram word similarity on the GIN-indexed column (the index search uses). SQLite: names
    sharing a word's first two normalised letters (fine for small registers).
    """
    manager = model._default_manager
    texts = [t for t in _query_texts(name) if t]
    if not texts:
        return []
    if is_postgresql(manager.db):
        from django.contrib.postgres.search import TrigramWordSimilarity
        from django.db.models.functions import Greatest

        condition = models.Q()
        for text in texts:
            condition |= models.Q(search_names__trigram_word_similar=text)
        scores = [TrigramWordSimilarity(text, "search_names") for text in texts]
        queryset = (
            manager.filter(condition)
            .annotate(similarity=Greatest(*scores) if len(scores) > 1 else scores[0])
            .order_by("-similarity", "pk")
        )
        with transaction.atomic(using=manager.db), connections[manager.db].cursor() as cursor:
            # `%>` compares with this setting; local to the transaction, and put back before leaving it.
            cursor.execute("SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)", [str(TRIGRAM_CANDIDATE)])
            found = list(queryset[: limit * 3])
            cursor.execute("SET LOCAL pg_trgm.word_similarity_threshold TO DEFAULT")
        return found
    # Two letters: the third is often where spellings part ("Yuxarı"/"Yukhari", "Məscid"/"Mascid").
    starts = {w[:2] for text in texts for w in text.split() if len(w) >= 2}
    if not starts:
        return list(manager.filter(search_names__contains=texts[0])[:limit])
    condition = models.Q()
    for start in starts:
        condition |= models.Q(search_names__contains=start)
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
