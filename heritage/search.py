"""Search helpers both apps share: name normalisation, the stored search data and how it is kept current.

Every searchable model (``Searchable``) stores three columns, filled from ``search_document()``:

- ``search_names``: its names and alternative spellings, normalised (lower case, no diacritics, Cyrillic
  transliterated). PostgreSQL's trigram fallback matches typos here (GIN ``gin_trgm_ops`` index).
- ``search_text``: on SQLite, everything searchable, normalised; ``search()`` matches each word inside it.
  Empty on PostgreSQL, where the vector below replaces it.
- ``search_vector``: on PostgreSQL, a ``tsvector`` of the normalised text with weights A (names), B (type,
  place, event, people) and C (descriptions, accounts), under the ``simple`` configuration: the register is
  multilingual, so words are matched as written (after normalisation), never stemmed for one language.
  NULL on SQLite.

``save()`` keeps a record's columns current. Bulk paths (``load_demo``, ``generate_sample``, importers) call
``update_search_index(queryset)`` once after writing; ``manage.py rebuild_search`` calls it for everything.
"""

import re
import secrets

from django.contrib.postgres.search import SearchQuery
from django.db import connections, transaction
from django.db.models import F, Func, TextField, Value
from django.db.models.functions import Concat
from django.utils.html import escape
from django.utils.safestring import mark_safe

from heritage.transliteration import fold

# Search compares names as ``fold`` spells them, from the one table slugs are made from too.
normalize = fold


def words(text):
    """The normalised words of ``text``: what the SQLite search requires each match to contain."""
    return re.findall(r"\w+", normalize(text))


# One definition of the stored vector, used by save(), update_search_index() and generate_sample.
# Parameters: the normalised A, B and C texts.
VECTOR_SQL = (
    "setweight(to_tsvector('simple'::regconfig, {a}), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, {b}), 'B') || "
    "setweight(to_tsvector('simple'::regconfig, {c}), 'C')"
)


def is_postgresql(using=None):
    return connections[using or "default"].vendor == "postgresql"


def tsquery(query, *, prefix=False):
    """The PostgreSQL query for what a reader typed: websearch syntax, or every word as a prefix."""
    if prefix:
        return SearchQuery(" & ".join(f"{w}:*" for w in words(query)), search_type="raw", config="simple")
    return SearchQuery(normalize(query), search_type="websearch", config="simple")


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
    """``{"search_names", "search_text", "a", "b", "c"}`` from a model's ``search_document()``."""
    a, b, c = (normalize(join(document.get(weight, ()))) for weight in "ABC")
    return {"search_names": a, "a": a, "b": b, "c": c, "search_text": join([a, b, c])}


def search_document_for_save(instance):
    """Column values for one instance, ready for ``save()``; search_text stays empty on PostgreSQL."""
    columns = search_columns(instance.search_document())
    if is_postgresql(instance._state.db):
        columns["search_text"] = ""
    return columns


def write_vector(instance, columns):
    """Set one row's ``search_vector`` on PostgreSQL (one UPDATE); nothing on SQLite."""
    if not is_postgresql(instance._state.db):
        return
    from django.db.models.expressions import RawSQL

    vector = RawSQL(VECTOR_SQL.format(a="%s", b="%s", c="%s"), (columns["a"], columns["b"], columns["c"]))
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
                values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows))
                params = [p for pk, col in rows for p in (pk, col["search_names"], col["a"], col["b"], col["c"])]
                vector = VECTOR_SQL.format(a="v.a", b="v.b", c="v.c")
                sql = (
                    f"UPDATE {table} AS t SET search_names = v.n, search_text = '', search_vector = {vector} "
                    f"FROM (VALUES {values}) AS v(id, n, a, b, c) WHERE t.id = v.id"
                )
                with connections[using].cursor() as cursor:
                    cursor.execute(sql, params)
            else:
                for obj, (_pk, col) in zip(batch, rows, strict=True):
                    obj.search_names, obj.search_text = col["search_names"], col["search_text"]
                model._base_manager.using(using).bulk_update(batch, ["search_names", "search_text"])
        written += len(batch)
        if progress is not None:
            progress(len(batch))
