"""schema.org JSON-LD on the record pages, read out of the HTML by a JSON-LD processor (rdflib's) into RDF, as a
search engine or a Wikidata tool would: the right types, names, dates at their precision, the public point only."""

import datetime
import json
import re
from decimal import Decimal

import pytest
from rdflib import RDF, Graph, URIRef

from heritage.models import DatePrecision, PublishStatus
from tests import factories as f

pytestmark = pytest.mark.django_db
SCHEMA = "https://schema.org/"


def markup(client, url):
    page = client.get(url)
    assert page.status_code == 200
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page.content.decode(), re.S)
    assert len(blocks) == 1, "one JSON-LD block per record page"
    data = json.loads(blocks[0])
    assert data["@context"] == "https://schema.org"
    # schema.org's context maps every term to https://schema.org/<term>: given to the processor here, offline.
    graph = Graph().parse(data=json.dumps({**data, "@context": {"@vocab": SCHEMA}}), format="json-ld")
    subject = URIRef(data["@id"])
    assert (subject, None, None) in graph, "the record is the subject of the markup"
    return data, graph, subject


def types(graph, subject):
    return {str(o) for o in graph.objects(subject, RDF.type)}


def values(graph, subject, term):
    return sorted(str(o) for o in graph.objects(subject, URIRef(SCHEMA + term)))


def test_a_monument_is_a_landmark_with_its_public_point_and_register_number(client):
    place = f.PlaceFactory(name="Shusha", country="AZ")
    monument = f.MonumentFactory(
        name="Govhar Agha Mosque",
        slug="govhar-agha",
        place=place,
        alternative_names="Gövhər Ağa məscidi",
        latitude=Decimal("39.758123"),
        longitude=Decimal("46.750456"),
        built_from_year=1768,
    )
    f.RegistrationFactory(monument=monument, registry="State register", number="4850")
    data, graph, subject = markup(client, "/monuments/govhar-agha/")
    assert types(graph, subject) == {SCHEMA + "LandmarksOrHistoricalBuildings"}
    assert values(graph, subject, "name") == ["Govhar Agha Mosque"]
    assert values(graph, subject, "alternateName") == ["Gövhər Ağa məscidi"]
    assert values(graph, subject, "dateCreated") == ["1768"]
    assert data["identifier"] == [{"@type": "PropertyValue", "propertyID": "State register", "value": "4850"}]
    assert data["containedInPlace"]["address"]["addressCountry"] == "AZ"
    assert data["geo"] == {"@type": "GeoCoordinates", "latitude": 39.758123, "longitude": 46.750456}


def test_a_sensitive_monuments_markup_has_only_the_coarsened_point(client):
    f.MonumentFactory(
        name="Hidden shrine",
        slug="hidden",
        latitude=Decimal("40.123456"),
        longitude=Decimal("47.654321"),
        location_sensitive=True,
    )
    page = client.get("/monuments/hidden/").content.decode()
    data, _, _ = markup(client, "/monuments/hidden/")
    assert "40.123456" not in page and "47.654321" not in page
    assert data["geo"]["latitude"] != 40.123456


def test_a_meeting_is_an_event_with_its_attendees_within_its_conference(client):
    conference = f.EventFactory(name="MONDIACULT 2022", slug="mondiacult")
    meeting = f.MeetingFactory(
        title="Talks in Mexico City",
        slug="talks",
        date=datetime.date(2022, 9, 1),
        event=conference,
        date_precision=DatePrecision.MONTH,
        place=f.PlaceFactory(name="Mexico City", country="MX"),
    )
    ministry = f.OrganizationFactory(name="Ministry of Culture", slug="ministry")
    f.ParticipantFactory(
        meeting=meeting, person=f.PersonFactory(name="Anar Karimov", slug="anar"), organization=ministry
    )
    f.ParticipantFactory(meeting=meeting, person=f.PersonFactory(name="Hidden", status=PublishStatus.DRAFT))
    meeting.sources.add(f.SourceFactory(title="AzerNews article", url="https://www.azernews.az/a.html"))
    meeting.topics.add(f.TopicFactory(name="Cultural heritage"))
    data, graph, subject = markup(client, "/meetings/talks/")
    assert types(graph, subject) == {SCHEMA + "Event"}
    assert values(graph, subject, "startDate") == ["2022-09"]  # known to the month
    assert data["superEvent"]["name"] == "MONDIACULT 2022"
    assert [(a["name"], a["affiliation"]["name"]) for a in data["attendee"]] == [
        ("Anar Karimov", "Ministry of Culture")
    ]
    assert data["citation"][0]["url"] == "https://www.azernews.az/a.html"
    assert data["about"] == [{"@type": "Thing", "name": "Cultural heritage"}]


@pytest.mark.parametrize(
    "factory, url, kind",
    [
        (lambda: f.PersonFactory(name="Anar Karimov", slug="anar"), "/people/anar/", "Person"),
        (
            lambda: f.OrganizationFactory(name="UNESCO", slug="unesco", acronym="UNESCO"),
            "/organizations/unesco/",
            "Organization",
        ),
        (lambda: f.EventFactory(name="MONDIACULT 2022", slug="mondiacult"), "/events/mondiacult/", "Event"),
    ],
)
def test_people_organizations_and_events_are_typed(client, factory, url, kind):
    record = factory()
    data, graph, subject = markup(client, url)
    assert types(graph, subject) == {SCHEMA + kind}
    assert values(graph, subject, "name") == [record.name]
    assert data["@id"] == f"http://testserver{url}"


def test_a_name_cannot_close_the_markup(client):
    f.MonumentFactory(name="</script><script>alert(1)</script>", slug="hostile")
    page = client.get("/monuments/hostile/").content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    assert "<" not in block and json.loads(block)["name"] == "</script><script>alert(1)</script>"
