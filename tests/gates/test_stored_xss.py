"""Stored XSS: markup typed by staff into any text field renders escaped on every public page, feed and export.

Every editable text field of every model that reaches the public gets its own numbered payload (a script
element, an image with an event handler, both quotes), so a failure names the field that leaked.
"""

import datetime
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import models
from django.urls import reverse

from heritage.models import PlaceKind
from heritage.search import update_search_index
from meetings.models import EventIdentifier, Meeting, OrganizationIdentifier, PersonIdentifier
from monuments.models import MonumentImage
from tests import factories as f
from tests.public import body, csv_rows, json_results

pytestmark = pytest.mark.django_db

# Markup of a payload that reached the page as markup: an element, or quotes that closed an attribute.
RAW = re.compile(r"<script>x\(|<img src=x|\)>\"'")
ATOM = "{http://www.w3.org/2005/Atom}"


def payload(n, url=False):
    if url:
        return f'https://example.org/"><script>x({n})</script>'
    # At most 49 characters: it fits the shortest text field (an organization's acronym, 50).
    return f"<script>x({n})</script><img src=x onerror=x({n})>\"'"


def text_fields(model):
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and field.editable
        and not field.choices
        and not isinstance(field, models.SlugField)
    ]


@pytest.fixture
def defaced():
    """One published record of every public kind, related to each other, with a payload in every text field."""
    cache.clear()
    country = f.PlaceFactory(name="Azerbaijan", kind=PlaceKind.COUNTRY, country="AZ")
    place = f.PlaceFactory(parent=country, country="AZ")
    source = f.SourceFactory(url="https://example.org/a")
    organization = f.OrganizationFactory()
    event = f.EventFactory(organizer=organization, place=place)
    event.sources.add(source)
    topic = f.TopicFactory()
    meeting = f.MeetingFactory(event=event, place=place)
    meeting.topics.add(topic)
    meeting.sources.add(source)
    participant = f.ParticipantFactory(meeting=meeting, organization=organization)
    outcome = f.OutcomeFactory(meeting=meeting)
    outcome.parties.add(organization)
    monument = f.MonumentFactory(
        place=place, monument_type=f.MonumentTypeFactory(name="Type"), latitude=40, longitude=49
    )
    monument.sources.add(source)
    meeting.monuments.add(monument)
    scheme = f.IdentifierSchemeFactory(code="wikidata")
    records = [
        country,
        place,
        source,
        organization,
        participant.person,
        event,
        topic,
        meeting,
        participant,
        outcome,
        monument.monument_type,
        monument,
        f.RegistrationFactory(monument=monument, source=source),
        f.ConditionAssessmentFactory(monument=monument, source=source),
        f.RestorationFactory(monument=monument, executing_organization=organization),
        MonumentImage.objects.create(monument=monument, image="monuments/2024/a.jpg", alt_text="a", credit="c"),
        f.ReportedFigureFactory(reported_by=organization, source=source, country="AZ"),
        f.MonumentIdentifierFactory(monument=monument),
        PersonIdentifier.objects.create(person=participant.person, scheme=scheme, value="v"),
        OrganizationIdentifier.objects.create(organization=organization, scheme=scheme, value="v"),
        EventIdentifier.objects.create(event=event, scheme=scheme, value="v"),
    ]
    records[-7].sources.add(source)
    listing = f.RiskListingFactory(monument=monument, source=source, listed_from=datetime.date(2003, 1, 1))
    records += [listing, listing.risk_list]
    fields = {}
    for record in records:
        values = {}
        for field in text_fields(type(record)):
            n = len(fields)
            fields[n] = f"{type(record).__name__}.{field.name}"
            # A field shorter than the payload (a language tag) gets its beginning, still markup if it leaked.
            values[field.name] = payload(n, url=isinstance(field, models.URLField))[: field.max_length]
        # update(), not save(): the payloads go in as they are, as a direct import or a bad migration might.
        type(record)._default_manager.filter(pk=record.pk).update(**values)
    covered = {type(r) for r in records}
    for model in [*apps.get_app_config("meetings").get_models(), *apps.get_app_config("monuments").get_models()]:
        assert model in covered or not text_fields(model), f"{model.__name__} has text fields and no payload"
    for record in records:
        if hasattr(record, "search_vector"):
            update_search_index(type(record)._default_manager.filter(pk=record.pk))
    return {
        "fields": fields,
        "monument": monument,
        "meeting": meeting,
        "source": source,
        "event": event,
        "participant": participant,
        "organization": organization,
        "topic": topic,
    }


def page_urls(d):
    return [
        reverse("heritage:home"),
        reverse("heritage:search") + "?q=script",
        reverse("heritage:search") + "?q=onerror+img",
        reverse("heritage:search") + "?q=%3Cscript%3E",
        reverse("heritage:figures"),
        reverse("monuments:monument_list"),
        reverse("monuments:monument_list") + "?q=script",
        d["monument"].get_absolute_url(),
        reverse("monuments:monument_map"),
        reverse("meetings:meeting_list"),
        reverse("meetings:meeting_list") + "?q=script",
        d["meeting"].get_absolute_url(),
        d["event"].get_absolute_url(),
        d["participant"].person.get_absolute_url(),
        d["organization"].get_absolute_url(),
        d["topic"].get_absolute_url(),
        reverse("heritage:country_detail", args=["AZ"]),
        d["source"].get_absolute_url(),
    ]


def escaped_numbers(text):
    return {int(n) for n in re.findall(r"&lt;script&gt;x\((\d+)\)", text)}


def test_every_text_field_renders_escaped_on_every_public_page(client, defaced):
    shown = set()
    for url in page_urls(defaced):
        response = client.get(url)
        assert response.status_code == 200, url
        text = body(response)
        leaked = RAW.findall(text)
        assert not leaked, (url, leaked)
        shown |= escaped_numbers(text)
    names = {defaced["fields"][n] for n in shown}
    # The fields that are meant to be shown really reached a page (so the escaping was tested, not skipped).
    for expected in [
        "Monument.name",
        "Monument.description",
        "Monument.alternative_names",
        "MonumentType.name",
        "Place.name",
        "Meeting.title",
        "Meeting.summary",
        "Meeting.account",
        "Participant.role",
        "Outcome.text",
        "Person.name",
        "Organization.name",
        "Event.name",
        "Topic.name",
        "Source.title",
        "ConditionAssessment.assessed_by",
        "ConditionAssessment.description",
        "Registration.number",
        "Restoration.description",
        "MonumentImage.caption",
        "MonumentImage.alt_text",
        "MonumentImage.credit",
        "ReportedFigure.statement",
        "RiskList.name",
    ]:
        assert expected in names, f"{expected} never reached a public page"


def test_search_snippets_mark_matches_without_letting_markup_through(client, defaced):
    for q in ["script", "onerror", "x"]:
        text = body(client.get(reverse("heritage:search"), {"q": q}))
        assert not RAW.findall(text)
        snippets = re.findall(r"<mark>(.*?)</mark>", text)
        assert snippets, q  # the highlighting ran, over the payloads
        assert all("<" not in s for s in snippets)
    # The monument's description is a snippet; it is there, escaped, with the match marked.
    text = body(client.get(reverse("heritage:search"), {"q": "onerror"}))
    assert "<mark>onerror</mark>" in text and "&lt;img" in text and not RAW.findall(text)


def test_the_atom_feed_escapes_titles_and_summaries(client, defaced):
    response = client.get(reverse("meetings:meeting_feed"))
    raw = body(response)
    assert "<script" not in raw
    entry = ET.fromstring(raw.encode()).find(f"{ATOM}entry")
    title, summary = entry.find(f"{ATOM}title"), entry.find(f"{ATOM}summary")
    assert title.get("type") in (None, "text") and title.text == Meeting.objects.get().title
    # A summary of type "html" is rendered as HTML by feed readers: after XML-decoding it must still be escaped.
    assert summary.get("type") == "html"
    assert "<script" not in summary.text and "&lt;script&gt;" in summary.text


def test_the_sitemap_carries_no_markup(client, defaced):
    for url in [reverse("heritage:sitemap"), *[reverse("heritage:sitemap_section", args=[s]) for s in ("monuments",
                "meetings", "events", "people", "organizations", "topics")]]:  # fmt: skip
        text = body(client.get(url))
        assert "<script" not in text and "onerror" not in text, url
        ET.fromstring(text.encode())  # well-formed XML


def test_json_exports_carry_the_text_exactly_as_data(client, defaced):
    meeting = Meeting.objects.get()
    for url, name_key, expected in [
        (reverse("monuments:export_json"), "name", type(defaced["monument"]).objects.get().name),
        (reverse("meetings:export_json"), "title", meeting.title),
    ]:
        response = client.get(url)
        assert response["Content-Type"].startswith("application/json")
        assert response["X-Content-Type-Options"] == "nosniff"
        [row] = json_results(response)
        assert row[name_key] == expected  # lossless: escaping is the reader's job, and JSON is never parsed as HTML
    data = client.get(reverse("monuments:map_data"), {"zoom": 20}).json()
    assert data["features"][0]["properties"]["name"] == type(defaced["monument"]).objects.get().name
    geo = json.loads(body(client.get(reverse("monuments:export_geojson"))))
    assert geo["features"][0]["properties"]["name"] == type(defaced["monument"]).objects.get().name


def test_csv_exports_carry_the_text_exactly_and_as_plain_cells(client, defaced):
    [monument] = csv_rows(client.get(reverse("monuments:export_csv")))
    assert monument["name"] == type(defaced["monument"]).objects.get().name
    [meeting] = csv_rows(client.get(reverse("meetings:export_csv")))
    assert meeting["summary"] == Meeting.objects.get().summary
