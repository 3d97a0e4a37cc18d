"""The one bulk writer: new rows sent to PostgreSQL with ``COPY`` (through a staging table when they get their
search vector on the way), shared by imports (``copy_insert``, ``copy_data``, and ``copy_update`` for changed
rows), reversion's versions (``copy_rows``, ``copy_text``) and the sample generator (``copy_rows``). Other
databases: the functions return False and the caller writes the usual way.

COPY's format here is CSV with ``\\N`` as null (``NULL``); text that reads as the marker cannot be sent (the
functions say so rather than send it as a null).
"""

import csv
import io
import operator
from dataclasses import dataclass

from django.db import connections, models, router, transaction
from django.utils import timezone

NULL = "\\N"
COPY_FROM = "COPY {} FROM STDIN WITH (FORMAT csv, NULL '\\N')"  # the table and its columns go in the braces
# Field types whose attribute value goes to COPY as it is (``copy_data``); others go through Django's conversion.
PLAIN_FIELDS = {
    models.BigAutoField,
    models.AutoField,
    models.BigIntegerField,
    models.BooleanField,
    models.CharField,
    models.DateField,
    models.DecimalField,  # parse_field() has checked the digits; PostgreSQL reads str(Decimal) as it is
    models.ForeignKey,
    models.IntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SlugField,
    models.SmallIntegerField,
    models.TextField,
    models.URLField,
}


def csv_text(rows, search=None):
    """COPY's CSV text for value rows (None is null), each followed by its (A, B, C, D) ``search`` texts if given.
    None when a value reads as the null marker (it cannot be sent as text)."""
    if search is not None:
        rows = ([*row, *texts] for row, texts in zip(rows, search, strict=True))
    lines = []
    for row in rows:
        if NULL in row:
            return None
        lines.append([NULL if value is None else value for value in row] if None in row else row)
    buffer = io.StringIO()
    # Lines end in CRLF so that the csv module quotes a field holding a bare carriage return (it quotes the
    # characters of its line terminator): unquoted, COPY refuses it ("unquoted carriage return found in data").
    csv.writer(buffer, lineterminator="\r\n").writerows(lines)
    return buffer.getvalue()


def _send(connection, model, columns, text, search=False):
    """Send COPY's CSV ``text`` of ``columns`` to ``model``'s table. With ``search`` each line ends with the row's
    (A, B, C, D) search texts: the rows go through a temporary table and get their search vector as they are
    inserted (``heritage.search.STORED_VECTOR_SQL``, as ``save()`` and ``update_search_index()`` make it)."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    table = quote(model._meta.db_table)
    copy = COPY_FROM
    # copy_expert is psycopg2's own: wrapped, its errors are Django's, as every other query's.
    with connection.cursor() as cursor, connection.wrap_database_errors:
        if not search:
            cursor.cursor.copy_expert(copy.format(f"{table} ({names})"), io.StringIO(text))
            return
        from heritage.search import STORED_VECTOR_SQL

        # Copied as they are, then inserted with the vector computed by the database: one write of each row.
        stage = quote(f"import_stage_{model._meta.db_table}")
        cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {stage} (LIKE {table}) ON COMMIT DROP")
        cursor.execute(
            f"ALTER TABLE {stage} ADD COLUMN IF NOT EXISTS search_a text, "
            "ADD COLUMN IF NOT EXISTS search_b text, ADD COLUMN IF NOT EXISTS search_c text, "
            "ADD COLUMN IF NOT EXISTS search_d text"
        )
        cursor.execute(f"TRUNCATE {stage}")
        staged = f"{stage} ({names}, search_a, search_b, search_c, search_d)"
        cursor.cursor.copy_expert(copy.format(staged), io.StringIO(text))
        vector = STORED_VECTOR_SQL.format(a="search_a", b="search_b", c="search_c", d="search_d")
        cursor.execute(f"INSERT INTO {table} ({names}, search_vector) SELECT {names}, {vector} FROM {stage}")


def copy_rows(model, columns, rows, search=None):
    """COPY value tuples (in ``columns`` order, None for null) into ``model``'s table on PostgreSQL; ids as given
    or from the column's default. ``search``: each row's (A, B, C, D) texts for its search vector (see ``_send``).

    Returns False, having sent nothing, on other databases and when a value reads as the null marker: then the
    caller inserts the rows another way.
    """
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        return False
    text = csv_text(rows, search)
    if text is None:
        return False
    if search is None:
        copy_text(model, columns, text)
    else:
        _send(connection, model, columns, text, search=True)
    return True


def copy_text(model, columns, text):
    """Send CSV ``text`` (``NULL`` marks a null) to ``model``'s table with COPY (PostgreSQL)."""
    _send(connections[router.db_for_write(model)], model, columns, text)


@dataclass
class CopyData:
    """New rows of one model as COPY's CSV text, made before they are sent (``copy_data``, ``copy_insert``)."""

    model: type
    columns: list
    text: str
    search: bool  # the text ends with the (A, B, C, D) search texts of each row


def copy_data(model, objects, search=None):
    """The CSV text ``copy_insert`` sends for ``objects``, which have their primary keys. None when a value
    cannot go through COPY (text that reads as its NULL marker): then INSERT must write them.

    Pure Python (``connection`` only converts values), so an import's checking thread can make it.
    """
    connection = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.concrete_fields if not f.generated]
    if search is not None:
        fields = [f for f in fields if f.column != "search_vector"]
    # Plain values go to the file as they are; automatic dates are the same moment for every row (as one
    # bulk_create would nearly give); other fields (countries…) go through Django's conversion.
    now = timezone.now()
    stamped = [f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    converted = [(i, f) for i, f in enumerate(fields) if type(f) not in PLAIN_FIELDS and f.attname not in stamped]
    values_of = operator.itemgetter(*[f.attname for f in fields])
    rows = []
    for obj in objects:
        values = obj.__dict__
        for attname in stamped:
            values[attname] = now
        row = list(values_of(values)) if len(fields) > 1 else [values_of(values)]
        for i, model_field in converted:
            row[i] = model_field.get_db_prep_save(model_field.pre_save(obj, True), connection=connection)
        rows.append(row)
    text = csv_text(rows, search)
    if text is None:
        return None
    return CopyData(model, [f.column for f in fields], text, search is not None)


def copy_update(model, objects, field_names, search=None):
    """Write ``field_names`` of saved ``objects`` on PostgreSQL: their values go to a temporary table with COPY,
    then one ``UPDATE … FROM`` it. Django's ``bulk_update`` builds a ``CASE WHEN id = … THEN …`` per field and
    row, whose compiling took an import of 5,000 changed monuments 35 seconds of Python (issue 14).

    Values are the objects' attributes as ``bulk_update`` takes them (no ``pre_save``). ``search``: each
    object's (A, B, C, D) texts (``heritage.search.vector_texts``); its search columns are then written in the
    same statement (``search_names`` from the object, the vector made by the database as ``_send`` makes it),
    rather than by a second update of every row after it. Returns False, having written nothing, on other
    databases and when a value reads as COPY's null marker: then the caller uses ``bulk_update``.
    """
    alias = router.db_for_write(model)
    connection = connections[alias]
    if connection.vendor != "postgresql" or not objects:
        return False
    names = list(field_names)
    if search is not None:
        names += [name for name in ("search_names", "search_text", "search_keys") if name not in names]
    fields = [model._meta.pk, *(model._meta.get_field(name) for name in names)]
    converted = [(i, f) for i, f in enumerate(fields) if type(f) not in PLAIN_FIELDS]
    values_of = operator.attrgetter(*[f.attname for f in fields])
    rows = []
    for obj in objects:
        row = list(values_of(obj))
        for i, model_field in converted:
            row[i] = model_field.get_db_prep_save(row[i], connection=connection)
        rows.append(row)
    text = csv_text(rows, search)
    if text is None:
        return False
    quote = connection.ops.quote_name
    table, stage = quote(model._meta.db_table), quote(f"update_stage_{model._meta.db_table}")
    columns = [quote(f.column) for f in fields]
    assignments = [f"{column} = s.{column}" for column in columns[1:]]
    staged = list(columns)
    if search is not None:
        from heritage.search import STORED_VECTOR_SQL

        staged += ["search_a", "search_b", "search_c", "search_d"]
        vector = STORED_VECTOR_SQL.format(a="s.search_a", b="s.search_b", c="s.search_c", d="s.search_d")
        assignments.append(f"search_vector = {vector}")
    with transaction.atomic(using=alias), connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.execute(f"DROP TABLE IF EXISTS {stage}")  # its columns are this call's
        cursor.execute(
            f"CREATE TEMP TABLE {stage} ON COMMIT DROP AS SELECT {', '.join(columns)} FROM {table} WITH NO DATA"
        )
        if search is not None:
            cursor.execute(
                f"ALTER TABLE {stage} ADD COLUMN search_a text, ADD COLUMN search_b text, "
                "ADD COLUMN search_c text, ADD COLUMN search_d text"
            )
        cursor.cursor.copy_expert(COPY_FROM.format(f"{stage} ({', '.join(staged)})"), io.StringIO(text))
        cursor.execute(
            f"UPDATE {table} AS t SET {', '.join(assignments)} FROM {stage} AS s WHERE t.{columns[0]} = s.{columns[0]}"
        )
    return True


def reserve_ids(model, count):
    """``count`` new primary keys from ``model``'s own sequence (PostgreSQL)."""
    if count <= 0:
        return []
    with connections[router.db_for_write(model)].cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return [pk for (pk,) in cursor.fetchall()]


def copy_insert(model, objects, search=None, data=None):
    """Insert new rows with PostgreSQL's COPY, several times faster than INSERT for big imports.

    Ids come from the table's own sequence first, so the objects have their primary keys afterwards as with
    ``bulk_create``. Returns False (nothing done) on other databases, where the caller uses ``bulk_create``.
    Like ``bulk_create`` it sends no signals and calls no ``save()``. With ``search`` ((A, B, C, D) texts
    per object, ``heritage.search.vector_texts``) the rows get their search vector as they are inserted
    (``_send``). ``data``: the rows' text made beforehand by ``copy_data()`` (the objects have their keys).
    """
    alias = router.db_for_write(model)
    connection = connections[alias]
    if connection.vendor != "postgresql" or not objects:
        return False
    if data is None:
        for obj, pk in zip(objects, reserve_ids(model, len(objects)), strict=True):
            obj.pk = pk
        data = copy_data(model, objects, search)
        if data is None:
            return False
    _send(connection, model, data.columns, data.text, search=data.search)
    for obj in objects:
        obj._state.adding, obj._state.db = False, alias
    return True
