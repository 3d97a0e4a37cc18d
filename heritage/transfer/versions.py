"""History versions of imported records, made in bulk: one django-reversion revision per import, with a version
of each written record holding what reversion's own ``add_to_revision`` would store (the same serialised JSON).

reversion has no public way to read a model's registration (which fields it serialises, in which format):
``registration()`` is the one place its private ``_get_options`` is used, and
tests/heritage/test_versions.py fails when what it returns stops matching what reversion stores.
"""

import datetime
import json
import operator
from decimal import Decimal

import reversion
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, router
from django.utils import timezone
from django.utils.encoding import force_str, is_protected_type
from django_countries.fields import CountryField

from heritage.transfer import bulk
from heritage.transfer.bulk import PLAIN_FIELDS

VERSION_COLUMNS = ["revision_id", "content_type_id", "object_id", "db", "format", "serialized_data", "object_repr"]
# Field types whose column PostgreSQL's json_build_object writes as Django's serializer does.
VERSION_FIELDS = (PLAIN_FIELDS - {models.DecimalField, models.ForeignKey}) | {models.DateTimeField, CountryField}


def registration(model):
    """``model``'s django-reversion registration: ``fields`` (the names a version serialises) and ``format``.

    The project's one use of reversion's private API (``_get_options``): reversion offers no public reader of a
    registration. tests/heritage/test_versions.py checks it against the versions reversion itself stores.
    """
    from reversion.revisions import _get_options

    options = _get_options(model)
    return options.fields, options.format


def is_registered(model):
    return reversion.is_registered(model)


def new_revision(user, comment):
    """The revision an import's versions belong to (one per import)."""
    from reversion.models import Revision

    return Revision.objects.create(
        date_created=timezone.now(), user=user if user and user.pk else None, comment=comment
    )


def _relations(model, names):
    """The many-to-many fields among a registration's ``names``, and the other names."""
    many = [f for f in model._meta.local_many_to_many if f.name in names]
    return many, [name for name in names if name not in {f.name for f in many}]


def record_versions(revision, model, objects, ready=None):
    """Keep a version of each of ``objects`` (written ``model`` records) in ``revision``, as the admin would for a
    save. Built in bulk: reversion's own add_to_revision follows relations with queries per object. ``ready``:
    (pks, COPY lines) made by an import's checking thread (``version_lines``), all but the revision."""
    from reversion.models import Version

    if ready is not None:
        pks, lines = ready
        prefix = f"{revision.pk},"
        bulk.copy_text(Version, VERSION_COLUMNS, "".join(prefix + line for line in lines))
        objects = [obj for obj in objects if obj.pk not in pks]
        if not objects:
            return
    names, format = registration(model)
    content_type = ContentType.objects.get_for_model(model)
    db = router.db_for_write(model)
    many, plain = _relations(model, names)
    if format == "json" and versions_in_database(revision, model, objects, plain, many, content_type, db):
        return
    # The serializer would query each record's many-to-many relations one by one; read them per chunk.
    links = {}
    for relation in many:
        through = relation.remote_field.through
        source, target = relation.m2m_field_name() + "_id", relation.m2m_reverse_field_name() + "_id"
        linked = links[relation.name] = {}
        pks = [obj.pk for obj in objects]
        for pk, other in through._default_manager.filter(**{f"{source}__in": pks}).values_list(source, target):
            linked.setdefault(pk, []).append(other)
    values = [(revision.pk, *row) for row in version_values(model, objects, links)]
    if not bulk.copy_rows(Version, VERSION_COLUMNS, values):
        versions = [Version(**dict(zip(VERSION_COLUMNS, row, strict=True))) for row in values]
        Version.objects.bulk_create(versions, batch_size=1000)


def version_lines(model, objects, links):
    """COPY lines (CSV, without the leading revision) of the versions of new records whose relations are
    ``links`` (name -> {record: ids}); None if the model keeps no history or a value cannot be copied."""
    if not is_registered(model):
        return None
    linked = {name: {obj.pk: ids for obj, ids in zip(objects, lists, strict=True)} for name, lists in links.items()}
    # Every text quoted (a quoted \N is text, not null), with its quotes doubled, as the csv module would.
    return [
        f"{content_type},{pk},{quoted(db)},{quoted(format)},{quoted(data)},{quoted(text)}\n"
        for content_type, pk, db, format, data, text in version_values(model, objects, linked)
    ]


def versions_in_database(revision, model, objects, names, many, content_type, db):
    """PostgreSQL writes the versions itself, serialising the rows just written with ``json_build_object``.

    The same JSON as Django's serializer gives, field for field (decimals as text, dates and times in ISO
    8601), made in one statement per chunk instead of in Python. The search vector, derived data that
    ``save()`` recomputes, is kept as null. Returns False, having done nothing, for other databases and for
    fields it does not know how to write.
    """
    connection = connections[db]
    if connection.vendor != "postgresql":
        return False
    quote = connection.ops.quote_name
    pairs, params = [], []
    for name in names:
        model_field = model._meta.get_field(name)
        if not model_field.serialize:
            continue
        column = f"t.{quote(model_field.column)}"
        if isinstance(model_field, SearchVectorField):
            value = "NULL"
        elif isinstance(model_field, models.DecimalField):
            value = f"{column}::text"
        elif isinstance(model_field, models.DateTimeField):
            value = f"date_trunc('milliseconds', {column})"  # DjangoJSONEncoder keeps milliseconds
        elif model_field.remote_field is not None or type(model_field) in VERSION_FIELDS:
            value = column
        else:
            return False
        pairs.append(f"%s, {value}")
        params.append(name)
    for relation in many:
        through = relation.remote_field.through
        source, target = relation.m2m_field_name() + "_id", relation.m2m_reverse_field_name() + "_id"
        pairs.append(
            f"%s, coalesce((SELECT json_agg(m.{quote(target)} ORDER BY m.{quote(target)}) "
            f"FROM {quote(through._meta.db_table)} m WHERE m.{quote(source)} = t.{quote(model._meta.pk.column)}), "
            "'[]'::json)"
        )
        params.append(relation.name)
    if len(pairs) > 50:  # json_build_object takes at most 100 arguments
        return False
    table, pk = quote(model._meta.db_table), f"t.{quote(model._meta.pk.column)}"
    fields = ", ".join(pairs)
    sql = (
        "INSERT INTO reversion_version "
        "(revision_id, content_type_id, object_id, db, format, serialized_data, object_repr) "
        f"SELECT %s, %s, {pk}::text, %s, 'json', "
        f"json_build_array(json_build_object('model', %s, 'pk', {pk}, 'fields', json_build_object({fields})))"
        "::text, "
        f"u.repr FROM unnest(%s::bigint[], %s::text[]) AS u(id, repr) JOIN {table} t ON {pk} = u.id"
    )
    ids = [obj.pk for obj in objects]
    reprs = [force_str(obj)[:191] for obj in objects]
    with connection.cursor() as cursor:
        cursor.execute(sql, [revision.pk, content_type.pk, db, model._meta.label_lower, *params, ids, reprs])
    return True


def quoted(text):
    """A CSV field that is always text."""
    return '"' + text.replace('"', '""') + '"'


def version_values(model, objects, links):
    """reversion's version columns after ``revision_id`` for each object, serialised in Python as reversion does;
    ``links``: many-to-many name -> {pk: related ids}."""
    names, format = registration(model)
    content_type = ContentType.objects.get_for_model(model)
    db = router.db_for_write(model)
    many, plain = _relations(model, names)
    data = serialize(model, objects, plain)
    for relation in many:
        linked = links.get(relation.name, {})
        for obj, item in zip(objects, data, strict=True):
            item["fields"][relation.name] = sorted(linked.get(obj.pk, []))
    return [
        (content_type.pk, force_str(obj.pk), db, format, json.dumps([item]), force_str(obj)[:191])
        for obj, item in zip(objects, data, strict=True)
    ]


def serialize(model, objects, names):
    """What Django's "python" serializer gives for reversion's versions, without its per-object overhead."""
    fields = [model._meta.get_field(name) for name in names]
    fields = [f for f in fields if f.serialize and not f.many_to_many]
    label = model._meta.label_lower
    # Dates, times and decimals as DjangoJSONEncoder writes them, once per distinct value, so that json.dumps()
    # gets only plain values and stays in its fast path.
    encoder, encoded = DjangoJSONEncoder(), {}

    def encode(value):
        if isinstance(value, Decimal):
            return str(value)
        key = (value, getattr(value, "tzinfo", None))  # the same instant in two zones is written twice
        text = encoded.get(key)
        if text is None:
            text = encoded[key] = encoder.default(value)
        return text

    # Plain fields are read straight from the instance; others (countries…) through the field, as the serializer.
    plain = [f.remote_field is not None or type(f) in PLAIN_FIELDS for f in fields]
    other = [(i, f) for i, f in enumerate(fields) if not plain[i]]
    # Columns whose values are dates, times or decimals: the only ones that need encoding.
    encoded_types = (models.DecimalField, models.DateField, models.TimeField)
    typed = [i for i, f in enumerate(fields) if isinstance(f, encoded_types) or not plain[i]]
    keys = [f.name for f in fields]
    values_of = operator.itemgetter(*[f.attname for f in fields])
    data = []
    for obj in objects:
        values = list(values_of(obj.__dict__)) if len(fields) > 1 else [values_of(obj.__dict__)]
        for i, model_field in other:
            value = model_field.value_from_object(obj)
            values[i] = value if is_protected_type(value) else model_field.value_to_string(obj)
        for i in typed:
            value = values[i]
            if value is not None and isinstance(value, Decimal | datetime.date | datetime.time):
                values[i] = encode(value)
        data.append({"model": label, "pk": obj.pk, "fields": dict(zip(keys, values, strict=True))})
    return data
