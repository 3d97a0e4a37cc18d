"""Search helpers both apps share: name normalisation, the stored search data and how it is kept current.

Every searchable model (``Searchable``) stores four columns, filled from ``search_document()``:

- ``search_names``: its names and alternative spellings, normalised (lower case, no diacritics, Cyrillic
  transliterated). PostgreSQL's trigram fallback matches typos here (GIN ``gin_trgm_ops`` index).
- ``search_text``: on SQLite, everything searchable, normalised; ``search()`` matches each word inside it.
  Empty on PostgreSQL, where the vector below replaces it.
- ``search_vector``: on PostgreSQL, a ``tsvector`` of the normalised text with weights A (names), B (type,
  place, event, people) and C (descriptions, accounts), under the ``simple`` configuration: the register is
  multilingual, so words are matched as written (after normalisation), never stemmed for one language.
  NULL on SQLite. It also holds, with weight D, the phonetic keys of the names and of the B texts
  (``heritage.transliteration.phonetic_keys``), each written ``0<key>`` so that no word of a text equals one.
- ``search_keys``: on SQLite, those keys, space-separated with a space at each end (`` xuxa ganca ``), so that a
  key is matched as a whole word. Empty on PostgreSQL, where the vector holds them.

A query word matches a record when its folded form does (as before) or one of its keys does: ``Shusha`` finds
Şuşa (both ``xuxa``), ``Ganja`` finds Gəncə. Records whose every word matched in its folded form come first.

``save()`` keeps a record's columns current. Bulk paths (``load_demo``, ``generate_sample``, importers) call
``update_search_index(queryset)`` once after writing; ``manage.py rebuild_search`` calls it for everything.
"""

import re
import secrets
import unicodedata

from django.contrib.postgres.search import SearchQuery
from django.db import connections, transaction
from django.db.models import F, Func, TextField, Value
from django.db.models.functions import Concat
from django.utils.html import escape
from django.utils.safestring import mark_safe

from heritage.transliteration import fold, phonetic_keys, word_keys

# Search compares names as ``fold`` spells them, from the one table slugs are made from too.
normalize = fold


# The longest query read: the search box, the name filters and /search/ (a name or a query is never longer, and
# the SQL a query makes stays bounded on both databases).
SEARCH_MAX_LENGTH = 200


def clean_text(value):
    """Control characters (NUL, escapes, line breaks…) become spaces; what people type is kept."""
    return " ".join("".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in (value or "")).split())


def words(text):
    """The normalised words of ``text``: what the SQLite search requires each match to contain."""
    return re.findall(r"\w+", normalize(text))


# The texts' part of the stored vector (parameters: the normalised A, B and C texts), as migration 0004 of
# heritage made it.
VECTOR_SQL = (
    "setweight(to_tsvector('simple'::regconfig, {a}), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, {b}), 'B') || "
    "setweight(to_tsvector('simple'::regconfig, {c}), 'C')"
)
# One definition of the stored vector, used by save(), update_search_index(), the bulk writer and generate_sample:
# the texts and the marked phonetic keys ({d}, weight D).
STORED_VECTOR_SQL = VECTOR_SQL + " || setweight(to_tsvector('simple'::regconfig, {d}), 'D')"
KEY_MARK = "0"
# websearch syntax: a phrase, a word excluded, "or". Such queries match keys only as a whole query (see tsquery).
WEBSEARCH_SYNTAX = re.compile(r'"|(^|\s)-\w|\sor\s', re.IGNORECASE)


def is_postgresql(using=None):
    return connections[using or "default"].vendor == "postgresql"


def query_terms(query):
    """Each word of ``query`` as ``(folded word, its phonetic keys)``: a record matches the word when it contains
    either. A word whose folding gives several words (rare: "l'Orient" stays one word here) gives several terms."""
    terms = []
    for word in WORD.findall(unicodedata.normalize("NFC", query or "")):
        folded = words(word)
        keys = word_keys(word) if len(folded) == 1 else ()
        terms += [(f, keys) for f in folded]
    return terms


def keys_column(keys):
    """``search_keys`` for ``keys``: space-separated, a space at each end."""
    return f" {' '.join(keys)} " if keys else ""


def tsquery(query, *, prefix=False):
    """The PostgreSQL query for the folded words of what a reader typed: websearch syntax, or every word as a
    prefix. What ``search()`` calls an exact match."""
    if prefix:
        return SearchQuery(" & ".join(f"{w}:*" for w in words(query)), search_type="raw", config="simple")
    return SearchQuery(normalize(query), search_type="websearch", config="simple")


def phonetic_tsquery(query, *, prefix=False):
    """``tsquery(query)`` widened by the words' phonetic keys: each word matches its folded form or a key.

    With websearch syntax (a phrase, ``-without``, ``or``), the keys are matched as the same websearch query with
    every word replaced by its first key, or'ed with the folded query."""
    suffix = ":*" if prefix else ""
    if prefix or not WEBSEARCH_SYNTAX.search(query):
        operands = [
            "(" + " | ".join([f"{folded}{suffix}", *(f"{KEY_MARK}{key}{suffix}" for key in keys)]) + ")"
            for folded, keys in query_terms(query)
        ]
        return SearchQuery(" & ".join(operands), search_type="raw", config="simple")

    def first_key(match):
        keys = word_keys(match.group())
        return f"{KEY_MARK}{keys[0]}" if keys else normalize(match.group())

    keyed = WORD.sub(first_key, unicodedata.normalize("NFC", query))
    return tsquery(query) | SearchQuery(keyed, search_type="websearch", config="simple")


def headline_query(query):
    """What ``ts_headline`` marks: the words as typed or normalised, so both "Nuñez" and "Nunez" light up."""
    return SearchQuery(query, search_type="websearch", config="simple") | tsquery(query)


# Random per process, so no stored text can contain them and forge markup.
MARK_START = f"\x02{secrets.token_hex(6)}\x02"
MARK_STOP = f"\x03{secrets.token_hex(6)}\x03"
WORD = re.compile(r"\w+")


def mark_words(text, terms):
    """Escape ``text`` and wrap each word whose normalised form is one of ``terms`` in ``<mark>``."""
    out, last = [], 0
    for match in WORD.finditer(text):
        if normalize(match.group()) in terms:
            out += [escape(text[last : match.start()]), "<mark>", escape(match.group()), "</mark>"]
            last = match.end()
    out.append(escape(text[last:]))
    return "".join(out)


def marked_html(text, terms):
    """Database text → safe HTML: our markers become ``<mark>``, words matching ``terms`` are marked too.

    ``ts_headline`` marks only words spelled like the query ("Gəncə" for "Gəncə"); the second pass marks
    the same word typed without diacritics or in another script. Everything else is escaped: the
    database's text is never trusted as HTML.
    """
    if text is None:
        return None
    html, rest, inside = [], text, False
    while rest:
        marker = MARK_STOP if inside else MARK_START
        part, found, rest = rest.partition(marker)
        html.append(f"<mark>{escape(part)}</mark>" if inside else mark_words(part, terms))
        inside = not inside if found else inside
    return mark_safe("".join(html))


def python_snippet(text, terms, words_around=15):
    """A snippet made in Python (SQLite): the words around the first match, matches marked."""
    if not text:
        return None
    tokens = list(WORD.finditer(text))
    first = next((i for i, m in enumerate(tokens) if normalize(m.group()) in terms), None)
    if first is None:
        return None
    start = tokens[max(first - words_around // 3, 0)].start()
    end = tokens[min(first + words_around, len(tokens) - 1)].end()
    prefix, suffix = ("… " if start else ""), (" …" if end < len(text) else "")
    return mark_safe(prefix + mark_words(text[start:end], terms) + suffix)


SNIPPET_SEPARATOR = f"\x04{secrets.token_hex(6)}\x04"


class Snippet(Func):
    """A marked, escaped snippet of ``field`` as safe HTML, made from ``headline`` where it found the words.

    On PostgreSQL ``headline`` is a ``SearchHeadline`` with our markers; it selects the extract around the
    words as typed. Where it marked nothing (the text spells the word with diacritics the query lacks, or in
    another script), Python cuts the extract from the full text instead, which comes in the same column.
    """

    template = "%(expressions)s"
    output_field = TextField()

    def __init__(self, field, *, terms, headline=None):
        if headline is None:
            expression = F(field)
        else:
            expression = Concat(headline, Value(SNIPPET_SEPARATOR), F(field), output_field=TextField())
        super().__init__(expression)
        self.terms = frozenset(terms)

    def get_db_converters(self, connection):
        return [*super().get_db_converters(connection), self.to_html]

    def to_html(self, value, expression, connection):
        if value is None:
            return None
        headline, separated, text = value.partition(SNIPPET_SEPARATOR)
        if separated and MARK_START in headline:
            return marked_html(headline, self.terms)
        return python_snippet(text if separated else headline, self.terms)


def join(parts):
    return "\n".join(p for p in parts if p)


def search_columns(document):
    """``{"search_names", "search_text", "search_keys", "a", "b", "c", "d"}`` from a model's ``search_document()``:
    the stored columns as SQLite keeps them, and the texts of the PostgreSQL vector (``vector_texts``)."""
    a, b, c = (normalize(join(document.get(weight, ()))) for weight in "ABC")
    keys = phonetic_keys(join([*document.get("A", ()), *document.get("B", ())]))
    return {
        "search_names": a,
        "a": a,
        "b": b,
        "c": c,
        "d": " ".join(KEY_MARK + key for key in keys),
        "search_text": join([a, b, c]),
        "search_keys": keys_column(keys),
    }


def vector_texts(columns):
    """The (A, B, C, D) texts ``STORED_VECTOR_SQL`` makes the vector of, from ``search_columns()``."""
    return columns["a"], columns["b"], columns["c"], columns["d"]


def search_document_for_save(instance):
    """Column values for one instance, ready for ``save()``; search_text and search_keys stay empty on PostgreSQL."""
    columns = search_columns(instance.search_document())
    if is_postgresql(instance._state.db):
        columns["search_text"] = columns["search_keys"] = ""
    return columns


def write_vector(instance, columns):
    """Set one row's ``search_vector`` on PostgreSQL (one UPDATE); nothing on SQLite."""
    if not is_postgresql(instance._state.db):
        return
    from django.db.models.expressions import RawSQL

    vector = RawSQL(STORED_VECTOR_SQL.format(a="%s", b="%s", c="%s", d="%s"), vector_texts(columns))
    type(instance)._base_manager.using(instance._state.db).filter(pk=instance.pk).update(search_vector=vector)


def update_search_index(queryset, batch_size=2000, progress=None):
    """Recompute the search columns of every row in ``queryset``; return how many rows were written.

    The one function for bulk paths: call it after ``bulk_create``, imports or data migrations, with a
    queryset of the rows written (or ``Model.objects.all()``). It reads rows in batches with the related
    records ``search_document()`` needs (``Model.search_prefetch``) and writes each batch with one statement.
    ``progress(n)``, when given, is called after each batch with the number of rows it wrote.
    """
    model = queryset.model
    using = queryset.db
    postgres = is_postgresql(using)
    table = connections[using].ops.quote_name(model._meta.db_table)
    base = queryset.order_by("pk").select_related(*model.search_select_related)
    if model.search_prefetch:
        base = base.prefetch_related(*model.search_prefetch)
    written, last_pk = 0, None
    while True:
        batch_qs = base if last_pk is None else base.filter(pk__gt=last_pk)
        batch = list(batch_qs[:batch_size])
        if not batch:
            return written
        last_pk = batch[-1].pk
        rows = [(obj.pk, search_columns(obj.search_document())) for obj in batch]
        with transaction.atomic(using=using):
            if postgres:
                values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(rows))
                params = [p for pk, col in rows for p in (pk, col["search_names"], *vector_texts(col))]
                vector = STORED_VECTOR_SQL.format(a="v.a", b="v.b", c="v.c", d="v.d")
                sql = (
                    f"UPDATE {table} AS t SET search_names = v.n, search_text = '', search_keys = '', "
                    f"search_vector = {vector} FROM (VALUES {values}) AS v(id, n, a, b, c, d) WHERE t.id = v.id"
                )
                with connections[using].cursor() as cursor:
                    cursor.execute(sql, params)
            else:
                for obj, (_pk, col) in zip(batch, rows, strict=True):
                    obj.search_names, obj.search_text = col["search_names"], col["search_text"]
                    obj.search_keys = col["search_keys"]
                model._base_manager.using(using).bulk_update(batch, ["search_names", "search_text", "search_keys"])
        written += len(batch)
        if progress is not None:
            progress(len(batch))


def _models_read(model):
    """The model and those its ``search_document()`` reads through ``search_select_related``/``search_prefetch``."""
    models = [model]
    for path in (*model.search_select_related, *model.search_prefetch):
        current = model
        for name in path.split("__"):
            current = current._meta.get_field(name).related_model
            models.append(current)
    return models


def _has_rows(connection, model):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(model._meta.db_table)} LIMIT 1")
        return cursor.fetchone() is not None


def _table_is_current(connection, model):
    with connection.cursor() as cursor:
        table = connection.introspection.get_table_description(cursor, model._meta.db_table)
    return {f.column for f in model._meta.concrete_fields} <= {column.name for column in table}


def backfill(app_label):
    """A migration's data step: recompute the search data of ``app_label``'s searchable records (all their
    columns, as ``rebuild_search`` does), for a migration that adds to what is stored.

    It runs today's ``search_document()``, so it needs the tables as today's models see them. When a later
    migration has changed them (an upgrade across several releases), it writes nothing and says to run
    ``manage.py rebuild_search`` once the migrations are done.
    """

    def run(apps, schema_editor):
        from django.apps import apps as current_apps

        from heritage.models import searchable_models

        connection = schema_editor.connection
        for model in searchable_models():
            if model._meta.app_label != app_label:
                continue
            if not _has_rows(connection, model):
                continue  # a new database: nothing to compute
            if not all(_table_is_current(connection, m) for m in _models_read(model)):
                print(f"\n  {model._meta.label}: run `manage.py rebuild_search {model._meta.label}` after migrating.")
                continue
            current_apps.get_model(model._meta.label)  # the registry is ready
            update_search_index(model._base_manager.using(connection.alias).all())

    return run
