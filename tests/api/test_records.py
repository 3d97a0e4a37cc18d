"""The API's records and lists: published records only, with their sources, sensitive points coarsened as on the
pages, the lists' own filters, and every answer matching the OpenAPI description."""

import datetime
import json
from decimal import Decimal

import pytest

from heritage.models import PublishStatus
from meetings.models import Participant
from monuments.geo import public_point
from tests.api.helpers import assert_matches
from tests.factories import (
    ConditionAssessmentFactory,
    EventFactory,
    MeetingFactory,
    MonumentFactory,
    MonumentTypeFactory,
    OrganizationFactory,
    OutcomeFactory,
    ParticipantFactory,
    PersonFactory,
    PlaceFactory,
    RegistrationFactory,
    ReportedFigureFactory,
    RiskListFactory,
    RiskListingFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def exported_json(client, url):
    return json.loads(b"".join(client.get(url).streaming_content))


@pytest.fixture
def mosque():
    place = PlaceFactory(name="Aghdam", country="AZ")
    monument = MonumentFactory(
        name="Aghdam Juma Mosque",
        slug="aghdam-juma-mosque",
        place=place,
        latitude=Decimal("39.993371"),
        longitude=Decimal("46.930481"),
        built_from_year=1868,
        alternative_names="Ağdam Cümə məscidi\nАгдамская мечеть",
    )
    cited = SourceFactory(title="Field report", url="https://example.org/report")
    monument.sources.add(cited)
    RegistrationFactory(monument=monument, registry="State register", number="4711", source=cited)
    ConditionAssessmentFactory(monument=monument, condition="damaged", observed_on=datetime.date(2021, 6, 1))
    ConditionAssessmentFactory(monument=monument, condition="restored", observed_on=datetime.date(2023, 6, 1))
    return monument


def test_a_monument_record_carries_its_registrations_assessments_and_sources(client, mosque):
    response = client.get("/api/v1/monuments/aghdam-juma-mosque/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert_matches(client, "Monument", data)
    assert data["name"] == "Aghdam Juma Mosque"
    assert data["alternative_names"] == ["Ağdam Cümə məscidi", "Агдамская мечеть"]
    assert data["html_url"] == "http://testserver/monuments/aghdam-juma-mosque/"
    assert data["current_condition"] == "restored"
    assert [a["condition"] for a in data["assessments"]] == ["restored", "damaged"]
    assert all(a["source"]["title"].startswith("Report number") for a in data["assessments"])
    assert data["registrations"][0]["number"] == "4711"
    assert data["registrations"][0]["source"]["title"] == "Field report"
    assert [s["url"] for s in data["sources"]] == ["https://example.org/report"]
    assert (data["latitude"], data["longitude"]) == (39.993371, 46.930481)
    assert data["coordinates_approximate"] is False
    assert data["place"]["slug"] == mosque.place.slug and data["country"] == "AZ"


def test_a_sensitive_location_is_coarsened_exactly_as_on_the_pages_and_exports(client, mosque):
    mosque.location_sensitive = True
    mosque.save()
    data = client.get("/api/v1/monuments/aghdam-juma-mosque/").json()
    assert (data["latitude"], data["longitude"]) == public_point(mosque) == (39.95, 46.95)
    assert data["coordinates_approximate"] is True
    listed = client.get("/api/v1/monuments/").json()["results"][0]
    exported = exported_json(client, "/monuments/export.json")["results"][0]
    assert (listed["latitude"], listed["longitude"]) == (exported["latitude"], exported["longitude"]) == (39.95, 46.95)
    assert b"39.993371" not in client.get("/api/v1/monuments/?limit=5").content


def test_drafts_are_neither_listed_nor_found(client, mosque):
    MonumentFactory(name="Hidden draft", slug="hidden-draft", status=PublishStatus.DRAFT)
    assert [m["slug"] for m in client.get("/api/v1/monuments/").json()["results"]] == ["aghdam-juma-mosque"]
    response = client.get("/api/v1/monuments/hidden-draft/")
    assert response.status_code == 404
    assert "hidden-draft" in response.json()["detail"]
    assert client.get("/api/v1/people/" + PersonFactory(status=PublishStatus.REVIEW).slug + "/").status_code == 404


def test_a_meeting_shows_only_its_published_relations(client):
    draft_org = OrganizationFactory(name="Secret agency", status=PublishStatus.DRAFT)
    party = OrganizationFactory(name="Ministry of Culture")
    event = EventFactory(name="Draft event", status=PublishStatus.DRAFT)
    meeting = MeetingFactory(title="Talks", slug="talks", event=event)
    ParticipantFactory(meeting=meeting, person=PersonFactory(name="Anar Karimov"), organization=draft_org, order=1)
    ParticipantFactory(meeting=meeting, person=PersonFactory(name="Draft person", status=PublishStatus.DRAFT), order=2)
    Participant.objects.create(meeting=meeting, description="Representatives of media", order=3)
    outcome = OutcomeFactory(meeting=meeting, text="An agreement.")
    outcome.parties.add(party, draft_org)
    meeting.monuments.add(MonumentFactory(name="Shown"), MonumentFactory(name="Not shown", status=PublishStatus.DRAFT))
    meeting.sources.add(SourceFactory(title="The article"))
    response = client.get("/api/v1/meetings/talks/")
    data = response.json()
    assert_matches(client, "Meeting", data)
    assert data["event"] is None
    participants = [
        (p["person"] and p["person"]["name"], p["organization"], p["description"]) for p in data["participants"]
    ]
    assert participants == [
        ("Anar Karimov", None, ""),
        (None, None, "Representatives of media"),
    ]
    assert [p["name"] for p in data["outcomes"][0]["parties"]] == ["Ministry of Culture"]
    assert [m["name"] for m in data["monuments"]] == ["Shown"]
    assert [s["title"] for s in data["sources"]] == ["The article"]
    assert b"Secret agency" not in response.content and b"Draft person" not in response.content


def test_every_resource_lists_and_finds_its_records_as_described(client):
    organization = OrganizationFactory(name="Ministry", slug="ministry")
    event = EventFactory(slug="forum", organizer=organization, place=PlaceFactory(slug="baku", name="Baku"))
    event.sources.add(SourceFactory())
    person = PersonFactory(slug="anar", alternative_names="Anar Kərimov")
    figure = ReportedFigureFactory(reported_by=organization, monument_type=MonumentTypeFactory(name="Church"))
    cases = {
        "people": ("Person", person.slug),
        "organizations": ("Organization", organization.slug),
        "events": ("Event", event.slug),
        "places": ("Place", "baku"),
        "sources": ("Source", figure.source.pk),
        "figures": ("Figure", figure.pk),
    }
    for resource, (schema, key) in cases.items():
        listed = client.get(f"/api/v1/{resource}/")
        assert listed.status_code == 200, resource
        assert_matches(client, f"{schema}Page", listed.json())
        record = client.get(f"/api/v1/{resource}/{key}/")
        assert record.status_code == 200, resource
        assert_matches(client, schema, record.json())
        assert record.json() in listed.json()["results"]


def test_a_source_only_a_draft_cites_is_not_public(client):
    MonumentFactory(status=PublishStatus.DRAFT).sources.add(source := SourceFactory(title="Private notes"))
    assert client.get(f"/api/v1/sources/{source.pk}/").status_code == 404
    assert client.get("/api/v1/sources/").json()["results"] == []
    assert client.get("/api/v1/sources/not-a-number/").status_code == 404


def test_the_lists_filter_with_the_public_lists_own_parameters(client):
    church = MonumentTypeFactory(name="Church")
    az, rs = PlaceFactory(country="AZ"), PlaceFactory(country="RS")
    MonumentFactory(name="A", place=az, built_from_year=1200)
    b = MonumentFactory(name="B", place=az, monument_type=church, built_from_year=1700)
    RegistrationFactory(monument=b, significance="world")
    c = MonumentFactory(name="C", place=rs, monument_type=church)
    ConditionAssessmentFactory(monument=c, condition="destroyed")
    for query in [
        "country=AZ",
        "type=church",
        "condition=destroyed",
        "significance=world",
        "registered=no",
        "built_after=1500",
        "built_before=1500&country=AZ",
        "q=B",
        "sort=built",
        "sort=-updated",
    ]:
        api = [m["slug"] for m in client.get(f"/api/v1/monuments/?{query}").json()["results"]]
        export = [m["slug"] for m in exported_json(client, f"/monuments/export.json?{query}")["results"]]
        assert sorted(api) == sorted(export) and api, query
    assert [m["name"] for m in client.get("/api/v1/monuments/?sort=built").json()["results"]] == ["A", "B", "C"]


def test_the_meeting_list_filters_like_the_meeting_pages(client):
    person = PersonFactory(slug="anar")
    ParticipantFactory(meeting=MeetingFactory(title="One", date=datetime.date(2022, 9, 29)), person=person)
    MeetingFactory(title="Two", date=datetime.date(2023, 1, 5))
    for query, expected in [("person=anar", ["One"]), ("date_from=2023-01-01", ["Two"]), ("", ["Two", "One"])]:
        assert [m["title"] for m in client.get(f"/api/v1/meetings/?{query}").json()["results"]] == expected, query
    assert [m["title"] for m in client.get("/api/v1/meetings/?sort=date").json()["results"]] == ["One", "Two"]


@pytest.mark.parametrize(
    "query, parameter, says",
    [
        ("condition=burnt", "condition", "burnt"),
        ("built_after=soon", "built_after", "number"),
        ("limit=0", "limit", "1 to 1000"),
        ("limit=5000", "limit", "1 to 1000"),
        ("updated_since=yesterday", "updated_since", "ISO 8601"),
        ("cursor=xyz", "cursor", "xyz"),
        ("contry=AZ", "contry", "country"),
    ],
)
def test_a_parameter_not_understood_is_a_400_saying_what_is_valid(client, query, parameter, says):
    response = client.get(f"/api/v1/monuments/?{query}")
    assert response.status_code == 400
    assert_matches(client, "Errors", response.json())
    assert says in " ".join(response.json()["errors"][parameter])


def test_a_record_takes_no_parameters(client, mosque):
    response = client.get("/api/v1/monuments/aghdam-juma-mosque/?format=xml")
    assert response.status_code == 400
    assert "format" in response.json()["errors"]


def test_a_page_of_monuments_costs_the_same_queries_whatever_its_size(client, django_assert_num_queries):
    for n in range(12):
        monument = MonumentFactory(name=f"Monument {n:02d}")
        ConditionAssessmentFactory(monument=monument)
        RegistrationFactory(monument=monument)
        monument.sources.add(SourceFactory())
    # The page, its registrations, assessments, sources and risk listings (with their lists), then the sources
    # these cite: six queries, for 3 or 12 rows.
    for limit in (3, 12):
        with django_assert_num_queries(6):
            assert len(client.get(f"/api/v1/monuments/?limit={limit}").json()["results"]) == limit
    meeting = MeetingFactory()
    ParticipantFactory(meeting=meeting)
    OutcomeFactory(meeting=meeting)
    meeting.sources.add(SourceFactory())
    # The page, topics, participants, outcomes, their parties, monuments, sources, then the sources cited.
    with django_assert_num_queries(8):
        client.get("/api/v1/meetings/")
    with django_assert_num_queries(6):
        client.get("/api/v1/monuments/monument-00/")


def test_evidence_waiting_for_review_or_rejected_is_not_in_the_api(client, mosque):
    from heritage.models import ReviewStatus

    ConditionAssessmentFactory(
        monument=mosque,
        condition="destroyed",
        observed_on=datetime.date(2024, 1, 1),
        review_status=ReviewStatus.PENDING,
    )
    ConditionAssessmentFactory(
        monument=mosque,
        condition="vandalized",
        observed_on=datetime.date(2024, 2, 1),
        review_status=ReviewStatus.REJECTED,
    )
    meeting = MeetingFactory(title="Talks", slug="talks")
    OutcomeFactory(meeting=meeting, text="An agreement.")
    OutcomeFactory(meeting=meeting, text="A claim not yet reviewed.", review_status=ReviewStatus.PENDING)
    monument = client.get("/api/v1/monuments/aghdam-juma-mosque/").json()
    assert [a["condition"] for a in monument["assessments"]] == ["restored", "damaged"]
    listed = client.get("/api/v1/monuments/").json()["results"][0]
    assert [a["condition"] for a in listed["assessments"]] == ["restored", "damaged"]
    assert [o["text"] for o in client.get("/api/v1/meetings/talks/").json()["outcomes"]] == ["An agreement."]


def test_a_page_gives_each_record_its_own_relations_and_a_shared_source_to_every_record_citing_it(client):
    shared = SourceFactory(title="The shared report", published_on=datetime.date(2024, 5, 1))
    older = SourceFactory(title="An older article", published_on=datetime.date(2020, 1, 1))
    first = MonumentFactory(name="A church", name_language="en", name_az="Kilsə")
    second = MonumentFactory(name="B mosque")
    first.sources.add(older, shared)
    second.sources.add(shared)
    RegistrationFactory(monument=first, number="7", source=shared)
    RegistrationFactory(monument=second, number="8", source=None)
    ConditionAssessmentFactory(monument=second, condition="destroyed", source=shared)
    danger = RiskListFactory(name="Heritage in danger")
    RiskListingFactory(monument=first, risk_list=danger, listed_from=datetime.date(2003, 1, 1), listed_until=None)
    RiskListingFactory(
        monument=first, risk_list=danger, listed_from=datetime.date(1990, 1, 1), listed_until=datetime.date(1995, 1, 1)
    )
    body = client.get("/api/v1/monuments/?limit=10").json()
    assert_matches(client, "MonumentPage", body)
    a, b = body["results"]
    assert (a["names"]["en"], a["names"]["az"], a["names"]["ru"]) == ("A church", "Kilsə", None)
    # Newest source first, as on the record page; the shared one is the same JSON wherever it is cited.
    assert [s["title"] for s in a["sources"]] == ["The shared report", "An older article"]
    assert a["registrations"][0]["source"] == b["sources"][0] == b["assessments"][0]["source"]
    assert [r["number"] for r in a["registrations"]] == ["7"] and b["registrations"][0]["source"] is None
    assert a["assessments"] == [] and [x["condition"] for x in b["assessments"]] == ["destroyed"]
    assert [(r["listed_from"], r["current"]) for r in a["risk_listings"]] == [
        ("1990-01-01", False),
        ("2003-01-01", True),
    ]
    assert b["risk_listings"] == []
    assert client.get(a["api_url"]).json() == a
