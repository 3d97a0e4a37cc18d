"""Sample data at registry scale for the benchmark: realistic, clearly marked, and removable in one call.

Everything created carries the slug prefix ``sample-`` (or cites the source titled ``SAMPLE_SOURCE_TITLE``),
so ``delete_sample()`` removes exactly it. On PostgreSQL rows go in with ``COPY`` through the project's one bulk
writer, ``heritage.transfer.bulk.copy_rows`` (whose staging table also computes the search vectors with
``heritage.search.VECTOR_SQL``), one transaction per batch;
on SQLite (tests) with plain multi-row inserts.
"""

import datetime
import os
import random
import sys
import threading
import time
from contextlib import contextmanager

from django.db import connection, transaction
from django.utils import timezone
from django.utils.functional import cached_property

from heritage.models import Place, PlaceKind, PublishStatus, Source, SourceKind
from heritage.pagecache import invalidate as invalidate_cached_pages
from heritage.progress import Progress
from heritage.search import KEY_MARK, keys_column, normalize, update_search_index
from heritage.transfer.bulk import copy_rows
from heritage.transliteration import phonetic_keys
from meetings.models import Event, Meeting, Organization, Outcome, Participant, Person, Topic
from monuments.models import Condition, ConditionAssessment, MapCell, Monument, MonumentType, Registration

PREFIX = "sample-"
SAMPLE_SOURCE_TITLE = "Generated sample data (not a real source)"
REGISTRY = "Sample state register"

COUNTRIES = ["AZ", "RS", "MX", "TR", "ES", "GE", "IT", "FR"]
TYPES = ["Mosque", "Church", "Mausoleum", "Bridge", "Fortress", "Cemetery", "Archaeological site", "Caravanserai"]
SYLLABLES = [
    "ağ", "şə", "ki", "gən", "cə", "lar", "bəy", "xan", "qa", "ra", "ba", "ğ", "dov", "ić", "že", "ča", "mir",
    "no", "va", "sa", "ñe", "ro", "le", "ön", "gül", "çay", "ış", "tə", "pe", "đur", "an", "ko", "sol", "mar",
]  # fmt: skip
WORDS = (
    "old stone brick dome minaret arch portal wall tower gate courtyard tomb inscription fresco carved built "
    "restored damaged century khan merchant village river hill road market bath spring garden ruins medieval"
).split()
CONDITIONS = [c for c in Condition.values if c != Condition.UNKNOWN]
RELIGIONS = ["islam", "christianity", "judaism", "other", "none", ""]
EVIDENCE = ["site_visit", "satellite_imagery", "media_report", "report"]
SIGNIFICANCE = ["world", "national", "local", "local"]
# Distinct monument descriptions drawn on PostgreSQL (each row picks one): enough variety for search and snippets.
DESCRIPTIONS = 4096


def marked_keys(text):
    """The D text of a vector: ``text``'s phonetic keys as ``heritage.search`` stores them."""
    return " ".join(KEY_MARK + key for key in phonetic_keys(text))


def place_name(rng):
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def sentence(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


class Writer:
    """Writes rows of one model at a time: ``COPY`` on PostgreSQL, multi-row INSERT elsewhere."""

    def __init__(self):
        self.postgres = connection.vendor == "postgresql"
        self.now = timezone.now()

    def columns(self, model):
        return [f for f in model._meta.concrete_fields if f.column != "search_vector"]

    def defaults(self, model):
        values = {}
        for field in self.columns(model):
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                values[field.attname] = self.now
            elif field.has_default():
                values[field.attname] = field.get_default()
            elif field.null:
                values[field.attname] = None
            else:
                values[field.attname] = ""
        return values

    def write(self, model, rows, search=None):
        """Insert ``rows`` (dicts by attname, with ``id``). ``search``: (A, B, C) texts per row, normalised; the
        phonetic keys are those of the normalised A and B texts (the sample's names are ASCII but for a few
        letters, whose folding the keys hardly notice)."""
        if not rows:
            return
        fields = self.columns(model)
        base = self.defaults(model)
        table = connection.ops.quote_name(model._meta.db_table)
        names = [f.column for f in fields]
        tuples, texts = [], []
        for i, row in enumerate(rows):
            values = {**base, **row}
            if search is not None:
                a, b, c = search[i]
                keys = phonetic_keys(f"{a}\n{b}")
                values["search_names"] = a
                values["search_text"] = "" if self.postgres else f"{a}\n{b}\n{c}"
                values["search_keys"] = "" if self.postgres else keys_column(keys)
                texts.append((a, b, c, " ".join(KEY_MARK + key for key in keys)))
            tuples.append([values[f.attname] for f in fields])
        if self.postgres:
            # The one bulk writer (COPY; with search texts through its staging table, where PostgreSQL computes
            # the vectors the same way save() and update_search_index() do).
            if not copy_rows(model, names, tuples, search=texts if search is not None else None):
                raise ValueError(f"{model._meta.label}: a sample value reads as COPY's null marker")
            return
        placeholders = "(" + ", ".join(["%s"] * len(names)) + ")"
        quoted = ", ".join(connection.ops.quote_name(n) for n in names)
        with connection.cursor() as cursor:
            for start in range(0, len(tuples), 50):
                chunk = tuples[start : start + 50]
                cursor.execute(
                    f"INSERT INTO {table} ({quoted}) VALUES {', '.join([placeholders] * len(chunk))}",
                    [v for t in chunk for v in t],
                )

    @cached_property
    def superuser(self):
        if not self.postgres:
            return False
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            row = cursor.fetchone()
        return bool(row and row[0])

    @contextmanager
    def batch(self):
        """One batch's transaction: committed without waiting for the disk, and without foreign-key checks.

        Sample data can be generated again, so losing the last batches in a crash costs nothing, while waiting
        for every commit's flush does. Every reference the generator writes points at a row it wrote before,
        so checking each one (eight trigger calls per monument, a third of the load's time) proves nothing;
        like ``pg_restore --disable-triggers`` this needs a superuser, and without one the checks just run.
        Both settings are put back at the end, also when the caller's transaction goes on (tests).
        """
        with transaction.atomic():
            if not self.postgres:
                yield
                return
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
                if self.superuser:
                    cursor.execute("SET LOCAL session_replication_role = replica")
                yield
                cursor.execute("SET LOCAL session_replication_role = DEFAULT")
                cursor.execute("SET LOCAL synchronous_commit = DEFAULT")

    def drop_indexes(self, models):
        """Drop the secondary indexes of ``models`` for a large load (PostgreSQL); return their definitions.

        Building an index once over a million rows is several times faster than updating it row by row.
        """
        if not self.postgres:
            return []
        tables = [m._meta.db_table for m in models]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
                [tables],
            )
            definitions = cursor.fetchall()
            for name, _definition in definitions:
                cursor.execute(f'DROP INDEX "{name}"')
        return [d for _n, d in definitions]

    def create_indexes(self, definitions, out):
        """Build the dropped indexes again, on one connection per core, the slow GIN builds first."""
        if not definitions:
            return
        out.write(f"rebuilding {len(definitions)} indexes…\n")
        pending = sorted(definitions, key=lambda d: " USING gin " not in d)
        lock = threading.Lock()
        errors = []

        def build():
            try:
                while True:
                    with lock:
                        if not pending:
                            return
                        definition = pending.pop(0)
                    # GIN builds slow down sharply once their sort spills to disk; this is a one-off, large load.
                    # SET LOCAL, in the build's own transaction: behind a pooler in transaction mode a session's
                    # SET would land on whichever server connection it got, and stay there for other clients.
                    with transaction.atomic(), connection.cursor() as cursor:
                        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
                        cursor.execute(definition)
            except Exception as error:  # re-raised below, in the caller's thread
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=build) for _ in range(max(1, min(os.cpu_count() or 1, 4)))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            raise errors[0]

    def next_id(self, model):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {connection.ops.quote_name(model._meta.db_table)}")
            return cursor.fetchone()[0]

    def reset_sequences(self, models):
        if not self.postgres:
            return
        from django.core.management.color import no_style

        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)


class SqlBuilder:
    """Builds sample rows inside PostgreSQL (``generate_series`` + ``INSERT … SELECT``), one statement per batch.

    Python draws the small vocabularies (settlements, types, a pool of descriptions) into temporary tables,
    with their search vectors computed once; each batch then creates monuments, their assessments and
    registrations in one statement whose random choices come from ``random()`` under ``setseed``. A row's
    vector is the concatenation of its name's vector (A) with the stored vectors of its type and place (B) and
    its description (C): the same lexemes and weights ``VECTOR_SQL`` gives for the joined texts.
    """

    def __init__(self, writer, seed):
        self.w, self.seed = writer, seed

    def execute(self, sql, params=()):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    def temp_table(self, name, columns, rows):
        self.execute(f"DROP TABLE IF EXISTS {name}")
        self.execute(f"CREATE TEMP TABLE {name} ({columns})")
        width = len(rows[0])
        with connection.cursor() as cursor:
            for start in range(0, len(rows), 500):
                chunk = rows[start : start + 500]
                values = ", ".join(["(" + ", ".join(["%s"] * width) + ")"] * len(chunk))
                cursor.execute(f"INSERT INTO {name} VALUES {values}", [v for row in chunk for v in row])
        self.execute(f"ANALYZE {name}")

    def insert_select(self, model, expressions):
        """``INSERT INTO model (columns) SELECT …``: the model's columns from ``expressions`` (SQL, or SQL and
        its parameters), or their defaults.

        Columns not named take the model's default as a parameter (an ``id`` not named comes from the
        sequence), so a column added to the model later needs no change here.
        """
        defaults = self.w.defaults(model)
        columns, selects, params = [], [], []
        for field in model._meta.concrete_fields:
            if field.column in expressions:
                expression = expressions[field.column]
                sql, values = expression if isinstance(expression, tuple) else (expression, [])
                columns.append(field.column)
                selects.append(sql)
                params += values
            elif field.primary_key or field.column == "search_vector":
                continue
            else:
                columns.append(field.column)
                selects.append("%s")
                params.append(defaults[field.attname])
        table = connection.ops.quote_name(model._meta.db_table)
        quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
        return f"INSERT INTO {table} ({quoted}) SELECT {', '.join(selects)}", params

    def batch(self, sql, params, number):
        """One transaction per batch, with the seed moved on so every batch draws different values."""
        with self.w.batch(), connection.cursor() as cursor:
            cursor.execute("SELECT setseed(%s)", [((self.seed * 7919 + number) % 1999) / 1000 - 0.999])
            cursor.execute(sql, params)

    def monuments(self, first_id, count, batch_size, settlements, types, source_id, rng, progress):
        vector = "setweight(to_tsvector('simple'::regconfig, {}), '{}')"
        self.temp_table(
            "sample_settlement",
            "idx int PRIMARY KEY, id bigint, name text, norm text, lat float8, lon float8, b tsvector",
            [(i, pid, name, normalize(name), lat, lon, None)
             for i, (pid, _kind, name, _country, _words, lat, lon) in enumerate(settlements)],
        )  # fmt: skip
        words = {pid: place_words for pid, _k, _n, _c, place_words, *_rest in settlements}
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE sample_settlement SET b = {vector.format('%s', 'B')} || {vector.format('%s', 'D')} "
                "WHERE id = %s",
                [(text, marked_keys(text), pid) for pid, text in words.items()],
            )
        self.temp_table(
            "sample_type",
            "idx int PRIMARY KEY, id bigint, lower_name text, norm text, b tsvector",
            [(i, pk, TYPES[i].lower(), normalize(TYPES[i]), None) for i, pk in enumerate(types)],
        )
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE sample_type SET b = {vector.format('norm', 'B')} || {vector.format('%s', 'D')} WHERE id = %s",
                [(marked_keys(TYPES[i]), pk) for i, pk in enumerate(types)],
            )
        self.temp_table(
            "sample_text",
            "idx int PRIMARY KEY, body text, c tsvector",
            [(i, sentence(rng, rng.randint(8, 25)), None) for i in range(DESCRIPTIONS)],
        )
        # Sample descriptions are plain lower-case ASCII words: lower() is their normalised form.
        self.execute(f"UPDATE sample_text SET c = {vector.format('lower(body)', 'C')}")

        pick = "(%s::text[])[1 + floor(random() * {})::int]"
        draws = f"""
            SELECT i AS id,
                floor(random() * {len(settlements)})::int AS si,
                floor(random() * {len(types)})::int AS ti,
                floor(random() * {DESCRIPTIONS})::int AS di,
                random() < 0.3 AS alt,
                {pick.format(len(RELIGIONS))} AS religion,
                random() * 0.4 - 0.2 AS dlat, random() * 0.4 - 0.2 AS dlon,
                900 + floor(random() * 1051)::int AS built, floor(random() * 81)::int AS span,
                random() < 0.5 AS approx,
                {pick.format(len(CONDITIONS))} AS condition,
                random() < 0.9 AS published,
                random() * INTERVAL '1826 days' AS age,
                DATE '2010-01-01' + floor(random() * 5113)::int AS observed,
                {pick.format(len(EVIDENCE))} AS evidence,
                random() < 0.5 AS registered,
                {pick.format(len(SIGNIFICANCE))} AS significance
            FROM generate_series(%s::bigint, %s::bigint) AS i
        """
        name = "s.name || ' ' || t.lower_name || ' ' || g.id"
        norm = "s.norm || ' ' || t.norm || ' ' || g.id"
        monument_sql, monument_params = self.insert_select(
            Monument,
            {
                "id": "g.id",
                "name": name,
                "alternative_names": f"CASE WHEN g.alt THEN initcap({name}) ELSE '' END",
                "slug": f"'{PREFIX}m' || g.id",
                "monument_type_id": "t.id",
                "religious_affiliation": "g.religion",
                "place_id": "s.id",
                "latitude": "round((s.lat + g.dlat)::numeric, 6)",
                "longitude": "round((s.lon + g.dlon)::numeric, 6)",
                "built_from_year": "g.built",
                "built_to_year": "g.built + g.span",
                "built_approximate": "g.approx",
                "description": "d.body",
                "current_condition": "g.condition",
                # Spread over five years, as a real register's edits are (the "recently updated" order).
                "updated_at": "now() - g.age",
                "created_at": "now() - g.age",
                "status": f"CASE WHEN g.published THEN '{PublishStatus.PUBLISHED}' ELSE '{PublishStatus.DRAFT}' END",
                "search_names": f"CASE WHEN g.alt THEN {norm} || E'\\n' || {norm} ELSE {norm} END",
                "search_text": "''",
                "search_vector": f"{vector.format(norm, 'A')} || CASE WHEN g.alt THEN {vector.format(norm, 'A')} "
                "ELSE ''::tsvector END || t.b || s.b || d.c",
            },
        )
        assessment_sql, assessment_params = self.insert_select(
            ConditionAssessment,
            {
                "monument_id": "g.id",
                "observed_on": "g.observed",
                "observed_precision": "'day'",
                "condition": "g.condition",
                "evidence_kind": "g.evidence",
                "source_id": str(int(source_id)),
                "assessed_by": "'Sample field team'",
            },
        )
        registration_sql, registration_params = self.insert_select(
            Registration,
            {
                "monument_id": "g.id",
                "registry": ("%s", [REGISTRY]),
                "number": "'S-' || g.id",
                "significance": "g.significance",
                "source_id": str(int(source_id)),
            },
        )
        sql = f"""
            WITH g AS MATERIALIZED ({draws}),
            m AS ({monument_sql} FROM g JOIN sample_settlement s ON s.idx = g.si JOIN sample_type t ON t.idx = g.ti
                  JOIN sample_text d ON d.idx = g.di),
            a AS ({assessment_sql} FROM g)
            {registration_sql} FROM g WHERE g.registered
        """
        choices = [RELIGIONS, CONDITIONS, EVIDENCE, SIGNIFICANCE]
        number = 0
        while progress.done < count:
            n = min(batch_size, count - progress.done)
            start = first_id + progress.done
            params = [*choices, start, start + n - 1, *monument_params, *assessment_params]
            params += registration_params
            self.batch(sql, params, number)
            number += 1
            progress.step(n)
        for table in ("sample_settlement", "sample_type", "sample_text"):
            self.execute(f"DROP TABLE {table}")


def generate_sample(monuments=1000, meetings=250, batch_size=10_000, seed=1, out=None):
    """Create sample records; return rates per second for the report.

    ``monuments_per_second`` counts everything from the first row to the last index built again;
    ``monuments_loaded_per_second`` the writing of the rows alone.
    """
    out = out or sys.stderr
    rng = random.Random(seed)
    w = Writer()
    if Monument.objects.filter(slug__startswith=PREFIX).exists():
        raise ValueError("Sample data already exists: remove it first (generate_sample --delete).")

    with transaction.atomic():
        source = Source.objects.create(
            kind=SourceKind.REPORT, title=SAMPLE_SOURCE_TITLE, publisher="heritage benchmark", notes="Generated."
        )
        types = [MonumentType.objects.get_or_create(name=name)[0].pk for name in TYPES]
        places = make_places(w, rng)
        settlements = [p for p in places if p[1] == PlaceKind.SETTLEMENT]
        people, orgs, events, topics = make_meeting_vocabulary(w, rng, settlements)

    result = {}
    progress = Progress("monuments", monuments, out)
    dropped = w.drop_indexes([Monument, ConditionAssessment, Registration]) if monuments >= 50_000 else []
    monument_id = w.next_id(Monument)
    first_monument = monument_id
    # Whatever happens, the dropped indexes are built again.
    try:
        if w.postgres:
            builder = SqlBuilder(w, seed)
            builder.monuments(first_monument, monuments, batch_size, settlements, types, source.pk, rng, progress)
        else:
            python_monuments(w, rng, monuments, batch_size, first_monument, settlements, types, source.pk, progress)
        # Rows written per second before the indexes are built, and everything included.
        result["monuments_loaded_per_second"] = progress.rate
    finally:
        w.create_indexes(dropped, out)
    result["monuments_per_second"] = monuments / max(time.monotonic() - progress.start, 1e-6)

    progress = Progress("meetings", meetings, out)
    topic_link = Meeting.topics.through
    monument_link = Meeting.monuments.through
    meeting_tables = [Meeting, Participant, Outcome, topic_link, monument_link]
    dropped = w.drop_indexes(meeting_tables) if meetings >= 50_000 else []
    meeting_id = w.next_id(Meeting)
    participant_id, outcome_id = w.next_id(Participant), w.next_id(Outcome)
    try:
        while progress.done < meetings:
            n = min(batch_size, meetings - progress.done)
            rows, search, participants, outcomes, topic_rows, monument_rows = [], [], [], [], [], []
            for _ in range(n):
                event_id, event_name = rng.choice(events) if rng.random() < 0.6 else (None, "")
                pid, _kind, pname, *_rest = rng.choice(settlements)
                who = rng.sample(people, 2)
                org = rng.choice(orgs)
                chosen_topics = rng.sample(topics, rng.randint(1, 3))
                title = f"{who[0][1]} meets {who[1][1]} in {pname}"
                summary = sentence(rng, rng.randint(10, 30))
                rows.append(
                    {
                        "id": meeting_id,
                        "title": title,
                        "slug": f"{PREFIX}g{meeting_id}",
                        "date": datetime.date(2000 + rng.randrange(25), rng.randint(1, 12), rng.randint(1, 28)),
                        "date_precision": rng.choice(["day", "day", "month", "year"]),
                        "event_id": event_id,
                        "place_id": pid,
                        "format": rng.choice(["bilateral", "multilateral", "briefing", "visit"]),
                        "summary": summary,
                        "account": "According to the sample source, " + sentence(rng, 20),
                        "status": PublishStatus.PUBLISHED if rng.random() < 0.9 else PublishStatus.DRAFT,
                    }
                )
                search.append(
                    (
                        normalize(title),
                        normalize(
                            "\n".join([event_name, pname, who[0][1], who[1][1], org[1], *[t[1] for t in chosen_topics]])
                        ),
                        normalize(summary),
                    )
                )
                for order, (person_id, _name, country) in enumerate(who):
                    participants.append(
                        {
                            "id": participant_id,
                            "meeting_id": meeting_id,
                            "person_id": person_id,
                            "organization_id": org[0] if order == 0 else None,
                            "role": "Minister" if order == 0 else "Ambassador",
                            "represented_country": country,
                            "order": order,
                        }
                    )
                    participant_id += 1
                if rng.random() < 0.4:
                    outcomes.append(
                        {"id": outcome_id, "meeting_id": meeting_id, "kind": "agreement", "text": sentence(rng, 12)}
                    )
                    outcome_id += 1
                topic_rows += [{"meeting_id": meeting_id, "topic_id": t[0]} for t in chosen_topics]
                if monuments and rng.random() < 0.2:
                    monument_rows.append(
                        {"meeting_id": meeting_id, "monument_id": first_monument + rng.randrange(monuments)}
                    )
                meeting_id += 1
            with w.batch():
                w.write(Meeting, rows, search)
                w.write(Participant, participants)
                w.write(Outcome, outcomes)
                w.write(topic_link, number(topic_link, w, topic_rows))
                w.write(monument_link, number(monument_link, w, monument_rows))
            progress.step(n)
    finally:
        w.create_indexes(dropped, out)
    result["meetings_per_second"] = meetings / max(time.monotonic() - progress.start, 1e-6)
    w.reset_sequences([Monument, ConditionAssessment, Registration, Meeting, Participant, Outcome, topic_link,
                       monument_link, Place, Person, Organization, Event, Topic])  # fmt: skip
    if w.postgres:
        with connection.cursor() as cursor:
            # Every table written: a stale estimate on a link table (meeting topics) made the meeting list's
            # topic prefetch walk 500,000 rows at 1M monuments.
            for model in (Monument, Meeting, ConditionAssessment, Registration, Participant, Place, Outcome,
                          topic_link, monument_link, Person, Organization, Event, Topic):  # fmt: skip
                # VACUUM as well when it can run (not inside a transaction, as in tests): it marks the pages
                # all-visible, which index-only scans need; autovacuum would do it later on a live site.
                vacuum = "" if connection.in_atomic_block else "VACUUM "
                cursor.execute(f"{vacuum}ANALYZE {model._meta.db_table}")
    MapCell.objects.rebuild()  # raw SQL sends no signals
    invalidate_cached_pages()
    return result


def python_monuments(w, rng, monuments, batch_size, monument_id, settlements, types, source_id, progress):
    """Monuments with their assessment and half a registration each, built in Python (SQLite, small sizes)."""
    type_words = [normalize(t) for t in TYPES]
    assessment_id, registration_id = w.next_id(ConditionAssessment), w.next_id(Registration)
    while progress.done < monuments:
        n = min(batch_size, monuments - progress.done)
        rows, search, assessments, registrations = [], [], [], []
        for _ in range(n):
            pid, _kind, pname, country, place_words, lat, lon = rng.choice(settlements)
            type_index = rng.randrange(len(types))
            name = f"{pname} {TYPES[type_index].lower()} {monument_id}"
            alt = name.title() if rng.random() < 0.3 else ""
            description = sentence(rng, rng.randint(8, 25))
            built = rng.randint(900, 1950)
            condition = rng.choice(CONDITIONS)
            rows.append(
                {
                    "id": monument_id,
                    "name": name,
                    "alternative_names": alt,
                    "slug": f"{PREFIX}m{monument_id}",
                    "monument_type_id": types[type_index],
                    "religious_affiliation": rng.choice(RELIGIONS),
                    "place_id": pid,
                    "latitude": round(lat + rng.uniform(-0.2, 0.2), 6),
                    "longitude": round(lon + rng.uniform(-0.2, 0.2), 6),
                    "built_from_year": built,
                    "built_to_year": built + rng.randint(0, 80),
                    "built_approximate": rng.random() < 0.5,
                    "description": description,
                    "current_condition": condition,
                    "status": PublishStatus.PUBLISHED if rng.random() < 0.9 else PublishStatus.DRAFT,
                }
            )
            # Sample descriptions are plain lower-case ASCII words: normalised already.
            a = normalize(name)
            search.append((f"{a}\n{a}" if alt else a, f"{type_words[type_index]}\n{place_words}", description.lower()))
            observed = datetime.date(2010 + rng.randrange(14), rng.randint(1, 12), rng.randint(1, 28))
            assessments.append(
                {
                    "id": assessment_id,
                    "monument_id": monument_id,
                    "observed_on": observed,
                    "observed_precision": "day",
                    "condition": condition,
                    "evidence_kind": rng.choice(EVIDENCE),
                    "source_id": source_id,
                    "assessed_by": "Sample field team",
                }
            )
            assessment_id += 1
            if rng.random() < 0.5:
                registrations.append(
                    {
                        "id": registration_id,
                        "monument_id": monument_id,
                        "registry": REGISTRY,
                        "number": f"S-{monument_id}",
                        "significance": rng.choice(SIGNIFICANCE),
                        "source_id": source_id,
                    }
                )
                registration_id += 1
            monument_id += 1
        with w.batch():
            w.write(Monument, rows, search)
            w.write(ConditionAssessment, assessments)
            w.write(Registration, registrations)
        progress.step(n)


def number(model, w, rows):
    start = w.next_id(model)
    return [{"id": start + i, **row} for i, row in enumerate(rows)]


def make_places(w, rng):
    """Countries → regions → districts → settlements; returns (id, kind, name, country, parent name, lat, lon)."""
    place_id = w.next_id(Place)
    rows, out = [], []
    for country in COUNTRIES:
        lat0, lon0 = rng.uniform(30, 50), rng.uniform(-10, 50)
        country_id = place_id
        rows.append(dict(id=place_id, name=f"Sample {country}", slug=f"{PREFIX}p{place_id}", kind="country",
                         country=country, path=f"/{place_id}/"))  # fmt: skip
        place_id += 1
        for _r in range(6):
            region_id, region_name = place_id, place_name(rng)
            rows.append(dict(id=place_id, name=region_name, slug=f"{PREFIX}p{place_id}", kind="region",
                             country=country, parent_id=country_id, path=f"/{country_id}/{region_id}/"))  # fmt: skip
            place_id += 1
            for _s in range(40):
                lat, lon = lat0 + rng.uniform(-3, 3), lon0 + rng.uniform(-3, 3)
                name = place_name(rng)
                rows.append(dict(id=place_id, name=name, slug=f"{PREFIX}p{place_id}", kind=PlaceKind.SETTLEMENT,
                                 country=country, parent_id=region_id, path=f"/{country_id}/{region_id}/{place_id}/",
                                 latitude=round(lat, 6), longitude=round(lon, 6)))  # fmt: skip
                out.append(
                    (place_id, PlaceKind.SETTLEMENT, name, country, normalize(f"{name}\n{region_name}"), lat, lon)
                )
                place_id += 1
    w.write(Place, rows)
    # About two thousand places: the documented bulk path is cheap here, and keeps them findable and deduplicable.
    update_search_index(Place.objects.filter(id__in=[row["id"] for row in rows]))
    return out


def make_meeting_vocabulary(w, rng, settlements):
    people, orgs, events, topics = [], [], [], []
    first = ["Anar", "Stanko", "Marina", "Leyla", "Ivan", "Elif", "Jovana", "Carlos", "Aysel", "Nikola", "Sofía"]
    last = ["Kərimov", "Blagojević", "Núñez", "Əliyeva", "Petrović", "Yılmaz", "García", "Hüseynov", "Đorđević"]
    rows, search = [], []
    start = w.next_id(Person)
    for i in range(2000):
        name = f"{rng.choice(first)} {rng.choice(last)} {i}"
        rows.append({"id": start + i, "name": name, "slug": f"{PREFIX}h{start + i}", "status": "published"})
        search.append((normalize(name), "", ""))
        people.append((start + i, name, rng.choice(COUNTRIES)))
    w.write(Person, rows, search)
    rows, search = [], []
    start = w.next_id(Organization)
    for i in range(300):
        name = f"Sample ministry of {place_name(rng)} {i}"
        rows.append({"id": start + i, "name": name, "slug": f"{PREFIX}o{start + i}", "kind": "ministry",
                     "country": rng.choice(COUNTRIES), "status": "published"})  # fmt: skip
        search.append((normalize(name), "", ""))
        orgs.append((start + i, name))
    w.write(Organization, rows, search)
    rows, search = [], []
    start = w.next_id(Event)
    for i in range(200):
        name = f"Sample forum {place_name(rng)} {2000 + i % 25}"
        pid = rng.choice(settlements)[0]
        day = datetime.date(2000 + i % 25, rng.randint(1, 12), rng.randint(1, 27))
        rows.append({"id": start + i, "name": name, "slug": f"{PREFIX}e{start + i}", "kind": "forum",
                     "start_date": day, "end_date": day + datetime.timedelta(days=1), "place_id": pid,
                     "status": "published"})  # fmt: skip
        search.append((normalize(name), "", ""))
        events.append((start + i, name))
    w.write(Event, rows, search)
    rows = []
    start = w.next_id(Topic)
    for i in range(60):
        name = f"Sample topic {' '.join(rng.sample(WORDS, 2))} {i}"
        rows.append({"id": start + i, "name": name, "slug": f"{PREFIX}t{start + i}"})
        topics.append((start + i, name))
    w.write(Topic, rows)
    return people, orgs, events, topics


def delete_sample(out=None):
    """Remove everything ``generate_sample`` created (and nothing else); return the number of rows removed."""
    monuments = "SELECT id FROM monuments_monument WHERE slug LIKE 'sample-%%'"
    meetings = "SELECT id FROM meetings_meeting WHERE slug LIKE 'sample-%%'"
    statements = [
        f"DELETE FROM meetings_meeting_monuments WHERE meeting_id IN ({meetings}) OR monument_id IN ({monuments})",
        f"DELETE FROM meetings_meeting_topics WHERE meeting_id IN ({meetings})",
        f"DELETE FROM meetings_outcome_parties WHERE outcome_id IN "
        f"(SELECT id FROM meetings_outcome WHERE meeting_id IN ({meetings}))",
        f"DELETE FROM meetings_outcome WHERE meeting_id IN ({meetings})",
        f"DELETE FROM meetings_participant WHERE meeting_id IN ({meetings})",
        f"DELETE FROM meetings_meeting_sources WHERE meeting_id IN ({meetings})",
        "DELETE FROM meetings_meeting WHERE slug LIKE 'sample-%%'",
        f"DELETE FROM monuments_conditionassessment WHERE monument_id IN ({monuments})",
        f"DELETE FROM monuments_registration WHERE monument_id IN ({monuments})",
        f"DELETE FROM monuments_monument_sources WHERE monument_id IN ({monuments})",
        "DELETE FROM monuments_monument WHERE slug LIKE 'sample-%%'",
        "DELETE FROM meetings_event WHERE slug LIKE 'sample-%%'",
        "DELETE FROM meetings_person WHERE slug LIKE 'sample-%%'",
        "DELETE FROM meetings_organization WHERE slug LIKE 'sample-%%'",
        "DELETE FROM meetings_topic WHERE slug LIKE 'sample-%%'",
        "DELETE FROM heritage_place WHERE slug LIKE 'sample-%%' AND kind = 'settlement'",
        "DELETE FROM heritage_place WHERE slug LIKE 'sample-%%' AND kind = 'region'",
        "DELETE FROM heritage_place WHERE slug LIKE 'sample-%%'",
    ]
    removed = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql, [])
            removed += max(cursor.rowcount, 0)
        removed += Source.objects.filter(title=SAMPLE_SOURCE_TITLE).delete()[0]
        MapCell.objects.rebuild()  # raw SQL sends no signals
        invalidate_cached_pages()
    return removed
