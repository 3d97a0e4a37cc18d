"""The API's meetings, read as rows, as the monuments are (``api.monument_rows``): a page is one ``values()`` query
of the meetings with their event and place, then one ``values_list`` query each for their topics, participants,
outcomes, the outcomes' parties, monuments and sources, and one for the sources cited (eight queries, whatever the
page size). No model instance is made: a page of 100 meetings cost about 50 ms from instances and prefetches at
250,000 meetings (bench/RESULTS.md, issue 18).

Published records only, as the model-backed resource read them: visible participants (``Participant.visible``), a
draft organization or event left unnamed, approved outcomes with their published parties, published monuments.
``tests/api`` pins the JSON.
"""

from api.base import (
    Resource,
    array,
    codes,
    date,
    datetime_,
    iso,
    named_json,
    obj,
    or_none,
    record_json,
    ref,
    text,
    uri,
)
from api.rows import PLACE_COLUMNS, by_record, cited_by_record, page_sources, place_from_row
from heritage.models import DatePrecision, PublishStatus
from meetings.models import FollowUp, Meeting, MeetingFormat, Outcome, OutcomeKind, Participant

MEETING_COLUMNS = (
    "id",
    "slug",
    "title",
    "title_language",
    "date",
    "end_date",
    "date_precision",
    "event__slug",
    "event__name",
    "event__name_language",
    "event__status",
    *PLACE_COLUMNS,
    "format",
    "summary",
    "account",
    "updated_at",
)


class MeetingResource(Resource):
    def queryset(self):
        return Meeting.objects.published()

    def for_page(self, queryset):
        return queryset.values(*MEETING_COLUMNS)

    def page_data(self, rows, links):
        ids = [row["id"] for row in rows]
        if not ids:
            return []
        topics = by_record(
            "meeting_id",
            Meeting.topics.through.objects.all(),
            ids,
            ("topic__name", "topic_id"),  # Topic.Meta.ordering
            "topic__slug",
            "topic__name",
            "topic__name_language",
        )
        participants = by_record(
            "meeting_id",
            Participant.objects.visible(),
            ids,
            ("order", "id"),
            "person__slug",
            "person__name",
            "person__name_language",
            "organization__slug",
            "organization__name",
            "organization__name_language",
            "organization__status",
            "description",
            "role",
            "represented_country",
        )
        outcomes = by_record(
            "meeting_id",
            Outcome.objects.public(),
            ids,
            ("id",),
            "id",
            "kind",
            "text",
            "follow_up",
            "follow_up_notes",
        )
        outcome_ids = [o[1] for group in outcomes.values() for o in group]
        parties = by_record(
            "outcome_id",
            Outcome.parties.through.objects.filter(organization__status=PublishStatus.PUBLISHED),
            outcome_ids,
            ("organization__name", "organization_id"),
            "organization__slug",
            "organization__name",
            "organization__name_language",
        )
        monuments = by_record(
            "meeting_id",
            Meeting.monuments.through.objects.filter(monument__status=PublishStatus.PUBLISHED),
            ids,
            ("monument__name", "monument_id"),
            "monument__slug",
            "monument__name",
            "monument__name_language",
        )
        cited = cited_by_record("meeting_id", Meeting.sources.through, ids)
        sources = page_sources((cited,), links)

        def organization(slug, name, name_language):
            return record_json(slug, name, name_language, links.url("api:organization_detail", slug))

        data = []
        for m in rows:
            pk = m["id"]
            event = None
            if m["event__status"] == PublishStatus.PUBLISHED:
                event = record_json(
                    m["event__slug"],
                    m["event__name"],
                    m["event__name_language"],
                    links.url("api:event_detail", m["event__slug"]),
                )
            place = place_from_row(m, links)
            data.append(
                {
                    "slug": m["slug"],
                    "api_url": links.url("api:meeting_detail", m["slug"]),
                    "html_url": links.url("meetings:meeting_detail", m["slug"]),
                    "title": m["title"],
                    "title_language": or_none(m["title_language"]),
                    "date": iso(m["date"]),
                    "end_date": iso(m["end_date"]),
                    "date_precision": m["date_precision"],
                    "event": event,
                    "place": place,
                    "format": or_none(m["format"]),
                    "summary": m["summary"],
                    "account": m["account"],
                    "topics": [named_json(t[1], t[2], t[3]) for t in topics.get(pk, ())],
                    "participants": [
                        {
                            "person": (
                                record_json(p[1], p[2], p[3], links.url("api:person_detail", p[1]))
                                if p[1] is not None
                                else None
                            ),
                            "organization": (
                                organization(p[4], p[5], p[6]) if p[7] == PublishStatus.PUBLISHED else None
                            ),
                            "description": p[8],
                            "role": p[9],
                            "represented_country": or_none(p[10]),
                        }
                        for p in participants.get(pk, ())
                    ],
                    "outcomes": [
                        {
                            "kind": o[2],
                            "text": o[3],
                            "parties": [organization(*party[1:]) for party in parties.get(o[1], ())],
                            "follow_up": o[4],
                            "follow_up_notes": o[5],
                        }
                        for o in outcomes.get(pk, ())
                    ],
                    "monuments": [
                        record_json(mon[1], mon[2], mon[3], links.url("api:monument_detail", mon[1]))
                        for mon in monuments.get(pk, ())
                    ],
                    "sources": [sources[s[1]] for s in cited.get(pk, ())],
                    "updated_at": iso(m["updated_at"]),
                }
            )
        return data

    def schema(self):
        return obj(
            {
                "slug": text(),
                "api_url": uri(),
                "html_url": uri(),
                "title": text(),
                "title_language": text(nullable=True),
                "date": date(),
                "end_date": date(nullable=True),
                "date_precision": codes(DatePrecision.choices),
                "event": ref("RecordRef", nullable=True),
                "place": ref("PlaceRef", nullable=True),
                "format": codes(MeetingFormat.choices, nullable=True),
                "summary": text(),
                "account": text(),
                "topics": array(ref("NamedRef")),
                "participants": array(
                    obj(
                        {
                            "person": ref("RecordRef", nullable=True),
                            "organization": ref("RecordRef", nullable=True),
                            "description": text(),
                            "role": text(),
                            "represented_country": text(nullable=True),
                        }
                    )
                ),
                "outcomes": array(
                    obj(
                        {
                            "kind": codes(OutcomeKind.choices),
                            "text": text(),
                            "parties": array(ref("RecordRef")),
                            "follow_up": codes(FollowUp.choices),
                            "follow_up_notes": text(),
                        }
                    )
                ),
                "monuments": array(ref("RecordRef")),
                "sources": array(ref("CitedSource")),
                "updated_at": datetime_(),
            }
        )
