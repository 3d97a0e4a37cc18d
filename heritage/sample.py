"""Sample data at registry scale for the benchmark: realistic, clearly marked, and removable in one call.

Everything created carries the slug prefix ``sample-`` (or cites the source titled ``SAMPLE_SOURCE_TITLE``),
so ``delete_sample()`` removes exactly it. On PostgreSQL rows go in with ``COPY`` through a temporary staging
table (which also computes the search vectors with ``heritage.search.VECTOR_SQL``), one transaction per batch;
on SQLite (tests) with plain multi-row inserts.
"""

import datetime
import io
import random
import sys
import time

from django.db import connection, transaction
from django.utils import timezone

from heritage.models import Place, PlaceKind, PublishStatus, Source, SourceKind
from heritage.search import VECTOR_SQL, normalize
from meetings.models import Event, Meeting, Organization, Outcome, Participant, Person, Topic
from monuments.models import Condition, ConditionAssessment, Monument, MonumentType, Registration

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


def place_name(rng):
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def sentence(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


class Writer:
    """Writes rows of one model at a time: ``COPY`` on PostgreSQL, multi-row INSERT elsewhere."""

    def __init__(self):
        self.postgres = connection.vendor == "postgresql"
        self.now = timezone.now()

    @staticmethod
    def copy_text(value):
        if value is None:
            return "\\N"
        if value is True or value is False:
            return "t" if value else "f"
        text = value.isoformat() if hasattr(value, "isoformat") else str(value)
        return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")

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
        """Insert ``rows`` (dicts by attname, with ``id``). ``search``: (A, B, C) texts per row, normalised."""
        if not rows:
            return
        fields = self.columns(model)
        base = self.defaults(model)
        table = connection.ops.quote_name(model._meta.db_table)
        names = [f.column for f in fields]
        tuples = []
        for i, row in enumerate(rows):
            values = {**base, **row}
            if search is not None:
                a, b, c = search[i]
                values["search_names"] = a
                values["search_text"] = "" if self.postgres else f"{a}\n{b}\n{c}"
            tuples.append([values[f.attname] for f in fields] + (list(search[i]) if search and self.postgres else []))
        with connection.cursor() as cursor:
            if not self.postgres:
                placeholders = "(" + ", ".join(["%s"] * len(names)) + ")"
                quoted = ", ".join(connection.ops.quote_name(n) for n in names)
                for start in range(0, len(tuples), 50):
                    chunk = tuples[start : start + 50]
                    cursor.execute(
                        f"INSERT INTO {table} ({quoted}) VALUES {', '.join([placeholders] * len(chunk))}",
                        [v for t in chunk for v in t],
                    )
                return
            buffer = io.StringIO()
            for t in tuples:
                buffer.write("\t".join(self.copy_text(v) for v in t))
                buffer.write("\n")
            buffer.seek(0)
            quoted = ", ".join(f'"{n}"' for n in names)
            if search is None:
                cursor.copy_expert(f"COPY {table} ({quoted}) FROM STDIN", buffer)
                return
            # Vectors are computed by the database, the same way save() and update_search_index() do.
            cursor.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS sample_stage (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DROP"
            )
            cursor.execute("ALTER TABLE sample_stage ADD COLUMN IF NOT EXISTS sa text")
            cursor.execute("ALTER TABLE sample_stage ADD COLUMN IF NOT EXISTS sb text")
            cursor.execute("ALTER TABLE sample_stage ADD COLUMN IF NOT EXISTS sc text")
            cursor.copy_expert(f"COPY sample_stage ({quoted}, sa, sb, sc) FROM STDIN", buffer)
            vector = VECTOR_SQL.format(a="sa", b="sb", c="sc")
            cursor.execute(f"INSERT INTO {table} ({quoted}, search_vector) SELECT {quoted}, {vector} FROM sample_stage")
            cursor.execute("DROP TABLE sample_stage")

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
        if not definitions:
            return
        out.write(f"rebuilding {len(definitions)} indexes…\n")
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '256MB'")
            for definition in definitions:
                cursor.execute(definition)

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


class Progress:
    def __init__(self, label, total, out):
        self.label, self.total, self.out, self.start, self.done = label, total, out, time.monotonic(), 0

    def step(self, n):
        self.done += n
        elapsed = max(time.monotonic() - self.start, 1e-6)
        width = 30
        filled = int(width * self.done / max(self.total, 1))
        self.out.write(
            f"\r{self.label:<10} [{'#' * filled}{'.' * (width - filled)}] {self.done:>9,}/{self.total:,} "
            f"{self.done / elapsed:>9,.0f}/s"
        )
        if self.done >= self.total:
            self.out.write("\n")
        self.out.flush()

    @property
    def rate(self):
        return self.done / max(time.monotonic() - self.start, 1e-6)


def generate_sample(monuments=1000, meetings=250, batch_size=10_000, seed=1, out=None):
    """Create sample records; return ``{"monuments": rate per second, ...}`` for the report."""
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

    type_words = [normalize(t) for t in TYPES]
    result = {}
    progress = Progress("monuments", monuments, out)
    dropped = w.drop_indexes([Monument, ConditionAssessment, Registration]) if monuments >= 50_000 else []
    monument_id = w.next_id(Monument)
    first_monument = monument_id
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
                    "evidence_kind": rng.choice(["site_visit", "satellite_imagery", "media_report", "report"]),
                    "source_id": source.pk,
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
                        "significance": rng.choice(["world", "national", "local", "local"]),
                        "source_id": source.pk,
                    }
                )
                registration_id += 1
            monument_id += 1
        with transaction.atomic():
            w.write(Monument, rows, search)
            w.write(ConditionAssessment, assessments)
            w.write(Registration, registrations)
        progress.step(n)
    w.create_indexes(dropped, out)
    result["monuments_per_second"] = monuments / max(time.monotonic() - progress.start, 1e-6)

    progress = Progress("meetings", meetings, out)
    meeting_id = w.next_id(Meeting)
    participant_id, outcome_id = w.next_id(Participant), w.next_id(Outcome)
    topic_link = Meeting.topics.through
    monument_link = Meeting.monuments.through
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
        with transaction.atomic():
            w.write(Meeting, rows, search)
            w.write(Participant, participants)
            w.write(Outcome, outcomes)
            w.write(topic_link, number(topic_link, w, topic_rows))
            w.write(monument_link, number(monument_link, w, monument_rows))
        progress.step(n)
    result["meetings_per_second"] = progress.rate
    w.reset_sequences([Monument, ConditionAssessment, Registration, Meeting, Participant, Outcome, topic_link,
                       monument_link, Place, Person, Organization, Event, Topic])  # fmt: skip
    if w.postgres:
        with connection.cursor() as cursor:
            for model in (Monument, Meeting, ConditionAssessment, Registration, Participant, Place):
                cursor.execute(f"ANALYZE {model._meta.db_table}")
    return result


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
    return removed
