"""The public meeting pages: list filters (on the demo data and factories), records, exports, feed, garbage input."""

import datetime
import re

import pytest
from django.core.cache import cache

from heritage.models import DatePrecision, PlaceKind, PublishStatus
from meetings.models import Meeting, OutcomeKind
from tests import factories as f
from tests.public import GARBAGE, assert_no_raw_echo, body, csv_rows, json_results

pytestmark = pytest.mark.django_db

BLAGOJEVIC = "karimov-blagojevic-mexico-2022"
DEMO = {"karimov-media-and-think-tanks-mexico-2022", BLAGOJEVIC, "karimov-nunez-bespalova-mexico-2022"}


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def slugs(client, query=""):
    text = body(client.get("/meetings/" + query))
    return re.findall(r'<li>\s*<a href="/meetings/([^"/]+)/">', text)


def test_country_rs_finds_exactly_the_blagojevic_meeting(client, demo):
    assert slugs(client, "?country=RS") == [BLAGOJEVIC]
    assert [row["slug"] for row in csv_rows(client.get("/meetings/export.csv?country=RS"))] == [BLAGOJEVIC]
    assert [row["slug"] for row in json_results(client.get("/meetings/export.json?country=RS"))] == [BLAGOJEVIC]
    feed = body(client.get("/feeds/meetings/?country=RS"))
    assert feed.count("<entry>") == 1 and "Stanko Blagojevic" in feed


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", DEMO),
        ("?country=MX", {"karimov-nunez-bespalova-mexico-2022"}),
        ("?country=AZ", DEMO),
        ("?person=stanko-blagojevic", {BLAGOJEVIC}),
        ("?organization=ministry-of-culture-of-mexico", {"karimov-nunez-bespalova-mexico-2022"}),
        ("?event=mondiacult-2022", DEMO),
        ("?topic=museum-cooperation", {BLAGOJEVIC}),
        ("?topic=mutual-culture-days", {BLAGOJEVIC, "karimov-nunez-bespalova-mexico-2022"}),
        ("?topic=mutual-culture-days&country=MX", {"karimov-nunez-bespalova-mexico-2022"}),
        ("?q=Serbian", {BLAGOJEVIC}),
        ("?date_from=2022-09-01&date_to=2022-09-30", DEMO),
        ("?date_from=2022-10-01", set()),
        ("?date_to=2022-08-31", set()),
    ],
)
def test_filters_narrow_and_combine_on_the_demo_data(client, demo, query, expected):
    assert set(slugs(client, query)) == expected


def test_sort_and_default_order(client):
    old = f.MeetingFactory(title="Old", date=datetime.date(2001, 1, 1))
    new = f.MeetingFactory(title="New", date=datetime.date(2024, 1, 1))
    assert slugs(client) == [new.slug, old.slug]
    assert slugs(client, "?sort=date") == [old.slug, new.slug]
    assert slugs(client, "?sort=-date") == [new.slug, old.slug]


def test_invalid_filter_is_ignored_with_a_message(client, demo):
    response = client.get("/meetings/?date_from=2022-13-45&country=RS")
    text = body(response)
    assert response.status_code == 200
    assert "were not understood and were ignored" in text and "Enter a valid date." in text
    assert slugs(client, "?date_from=2022-13-45&country=RS") == [BLAGOJEVIC]


@pytest.mark.parametrize("garbage", GARBAGE)
@pytest.mark.parametrize("url", ["/meetings/", "/meetings/export.csv", "/meetings/export.json", "/feeds/meetings/"])
def test_garbage_never_gives_a_500_nor_a_raw_echo(client, demo, url, garbage):
    response = client.get(f"{url}?{garbage}")
    assert response.status_code in (200, 400, 404)
    if url == "/meetings/" and garbage.startswith("page="):
        assert response.status_code == 404
    if url != "/meetings/" and garbage in ("date_from=2022-13-45", "country=ZZ"):
        assert response.status_code == 400
    assert_no_raw_echo(body(response))


def test_record_shows_participants_topics_outcomes_and_sources(client, demo):
    text = body(client.get(f"/meetings/{BLAGOJEVIC}/"))
    assert "September 2022" in text  # month precision, as recorded
    assert "Deputy Minister of Culture and Information" in text and "representing Serbia" in text
    assert "Museum cooperation" in text and "Proposal" in text
    assert "Azernews" in text and "citing the Culture Ministry of Azerbaijan" in text
    # Each outcome names, beside it, who states it and the source that reports it (issue 13).
    outcome = re.search(r"<li><strong>Proposal</strong>.*?</li>", text, re.S).group()
    assert "Stated by" in outcome and "Ministry of Culture of Azerbaijan" in outcome
    assert "reported by" in outcome and "Azernews" in outcome
    assert "the register does not confirm them" in text


def test_record_offers_a_citation_with_its_permanent_address(client, demo):
    text = body(client.get(f"/meetings/{BLAGOJEVIC}/"))
    assert "Cite this record" in text
    assert "Heritage register. Last updated" in text and f"http://testserver/meetings/{BLAGOJEVIC}/ (accessed" in text


def test_drafts_and_draft_relations_never_leak(client, demo):
    meeting = f.MeetingFactory(title="Published talks")
    f.ParticipantFactory(meeting=meeting, person=f.PersonFactory(name="Hidden Person", status=PublishStatus.DRAFT))
    draft = f.MeetingFactory(title="Secret draft meeting", status=PublishStatus.DRAFT)
    draft_person = f.PersonFactory(name="Draft Only Person", status=PublishStatus.DRAFT)
    f.ParticipantFactory(meeting=draft, person=draft_person)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(draft_person.get_absolute_url()).status_code == 404
    for url in [
        meeting.get_absolute_url(),
        "/meetings/",
        "/meetings/export.csv",
        "/meetings/export.json",
        "/feeds/meetings/",
        "/sitemap-meetings.xml",
        "/sitemap-people.xml",
        "/search/?q=secret",
        "/search/?q=hidden",
        "/",
    ]:
        text = body(client.get(url))
        assert "Secret draft meeting" not in text and "Hidden Person" not in text, url
        assert "Draft Only Person" not in text, url
    # A draft person cannot be used as a filter either.
    assert "were not understood" in body(client.get(f"/meetings/?person={draft_person.slug}"))


def test_exports_match_the_list(client, demo):
    for query in ["", "?topic=mutual-culture-days", "?q=Mexico&sort=date"]:
        listed = slugs(client, query)
        assert [row["slug"] for row in csv_rows(client.get("/meetings/export.csv" + query))] == listed
        assert [row["slug"] for row in json_results(client.get("/meetings/export.json" + query))] == listed
    row = csv_rows(client.get("/meetings/export.csv?country=RS"))[0]
    assert "Stanko Blagojevic (Deputy Minister of Culture and Information" in row["participants"]
    assert row["countries_represented"] == "AZ | RS"
    assert row["date"] == "2022-09-01" and row["date_precision"] == DatePrecision.MONTH
    assert "Azernews" in row["sources"]


def test_query_budgets_do_not_grow_with_rows(client, django_assert_max_num_queries):
    event = f.EventFactory()
    topic = f.TopicFactory()
    person = f.PersonFactory()
    town = f.PlaceFactory(name="Belgrade", parent=f.PlaceFactory(name="Serbia", country="RS"), country="RS")
    for i in range(30):
        meeting = f.MeetingFactory(title=f"Talks {i}", event=event, place=town)
        meeting.topics.add(topic)
        meeting.sources.add(f.SourceFactory())
        f.ParticipantFactory(meeting=meeting, person=person, represented_country="RS")
        f.OutcomeFactory(meeting=meeting)
    # +3 for the facet counts (event, topic, country represented: one grouped query each; heritage.facets).
    with django_assert_max_num_queries(8 + 3):
        assert "30 results." in body(client.get(f"/meetings/?country=RS&topic={topic.slug}&person={person.slug}"))
    with django_assert_max_num_queries(6):
        assert body(client.get("/meetings/export.csv")).count("Talks ") == 30
    with django_assert_max_num_queries(6):
        assert body(client.get("/meetings/export.json")).count("Talks ") >= 30
    with django_assert_max_num_queries(4):
        assert body(client.get("/feeds/meetings/")).count("<entry>") == 30
    for url in [event.get_absolute_url(), person.get_absolute_url(), topic.get_absolute_url(), "/countries/RS/"]:
        with django_assert_max_num_queries(8):
            assert client.get(url).status_code == 200, url
    meeting = f.MeetingFactory()
    for _ in range(5):
        f.ParticipantFactory(meeting=meeting)
        f.OutcomeFactory(meeting=meeting).parties.add(f.OrganizationFactory())
        meeting.monuments.add(f.MonumentFactory())
    with django_assert_max_num_queries(10):
        assert client.get(meeting.get_absolute_url()).status_code == 200


def test_related_pages_list_their_meetings_newest_first_with_a_filter_link(client, demo):
    for url, param in [
        ("/events/mondiacult-2022/", "event=mondiacult-2022"),
        ("/people/anar-karimov/", "person=anar-karimov"),
        ("/organizations/ministry-of-culture-of-mexico/", "organization=ministry-of-culture-of-mexico"),
        ("/topics/museum-cooperation/", "topic=museum-cooperation"),
    ]:
        text = body(client.get(url))
        assert f'href="/meetings/?{param}"' in text, url
        assert re.findall(r'<li>\s*<a href="/meetings/([^"/]+)/">', text) == slugs(client, "?" + param), url
    org = body(client.get("/organizations/ministry-of-culture-of-azerbaijan/"))
    assert "Figures reported by this organization" in org and "Over 2,600" in org


def test_feed_is_atom_and_honours_the_filters(client, demo):
    response = client.get("/feeds/meetings/?topic=museum-cooperation")
    assert response["Content-Type"].startswith("application/atom+xml")
    assert body(response).count("<entry>") == 1


@pytest.mark.parametrize(
    ("given", "shown"),
    [("2022-13-45", None), ("soon", None), ("2022-09-28", "2022-09-28"), ("09/28/2022", "2022-09-28")],
)
def test_the_date_box_holds_an_iso_date_or_nothing(client, demo, given, shown):
    # type=date accepts only an ISO date as its value; another accepted format is shown as one.
    page = body(client.get("/meetings/", {"date_from": given}))
    box = re.search(r'<input type="date" name="date_from"[^>]*>', page).group()
    assert (f'value="{shown}"' in box) if shown else ("value=" not in box)


def test_draft_participants_and_events_do_not_make_a_meeting_findable_until_published(client, db):
    meeting = f.MeetingFactory(title="Talks on museum loans", event=f.EventFactory(name="Quiet Summit", status="draft"))
    person = f.ParticipantFactory(meeting=meeting, person__name="Zarina Quell", person__status="draft").person
    meeting.refresh_search()
    for word in ["Zarina", "Quiet"]:
        assert "Talks on museum loans" not in body(client.get("/search/", {"q": word})), word
        assert not Meeting.objects.published().search(word).exists(), word

    # Publishing them (their own save) brings their meetings' search data up to date.
    person.status = PublishStatus.PUBLISHED
    person.save()
    meeting.event.status = PublishStatus.PUBLISHED
    meeting.event.save()
    for word in ["Zarina", "Quiet"]:
        assert list(Meeting.objects.published().search(word)) == [meeting], word


def test_export_pins_every_column_of_a_full_meeting(client):
    """Each cell of the meeting export, for a meeting with everything: a published event's short name, a place
    with its parent, participants whose person or organization is a draft (no trace of them), topics, outcomes and
    sources in the record page's order. The CSV and the JSON carry the same values."""
    country = f.PlaceFactory(name="Serbia", kind=PlaceKind.COUNTRY, country="RS")
    town = f.PlaceFactory(name="Belgrade", parent=country, country="RS")
    minister = f.PersonFactory(name="Ana Petrović")
    hidden = f.PersonFactory(name="Hidden Person", status=PublishStatus.DRAFT)
    ministry = f.OrganizationFactory(name="Ministry of Culture")
    secret = f.OrganizationFactory(name="Secret Office", status=PublishStatus.DRAFT)
    meeting = f.MeetingFactory(
        title="Talks in Belgrade",
        date=datetime.date(2023, 3, 1),
        date_precision=DatePrecision.MONTH,
        event=f.EventFactory(name="Conference on culture", short_name="CC"),
        place=town,
        summary="They talked.",
    )
    meeting.topics.add(f.TopicFactory(name="Zeta topic"), f.TopicFactory(name="Alpha topic"))
    older = f.SourceFactory(title="Older report", url="", published_on=datetime.date(2023, 3, 2))
    newer = f.SourceFactory(title="Newer report", url="https://example.org/n", published_on=datetime.date(2023, 4, 2))
    meeting.sources.add(older, newer)
    f.ParticipantFactory(
        meeting=meeting, person=minister, organization=ministry, role="Minister", represented_country="RS"
    )
    f.ParticipantFactory(meeting=meeting, person=hidden, organization=secret, role="", description="A delegate")
    f.ParticipantFactory(meeting=meeting, person=hidden, organization=secret, role="Aide", represented_country="AZ")
    f.ParticipantFactory(meeting=meeting, person=None, organization=ministry, role="Host", represented_country="AZ")
    f.OutcomeFactory(meeting=meeting, text="First agreement.")
    f.OutcomeFactory(meeting=meeting, kind=OutcomeKind.STATEMENT, text="A statement.")
    f.MeetingFactory(title="Without anything", event=f.EventFactory(status=PublishStatus.DRAFT))

    rows = {row["slug"]: row for row in csv_rows(client.get("/meetings/export.csv"))}
    full, bare = rows[meeting.slug], rows["without-anything"]
    assert full["url"] == f"http://testserver/meetings/{meeting.slug}/"
    assert (full["title"], full["date"], full["date_precision"]) == ("Talks in Belgrade", "2023-03-01", "month")
    assert (full["event"], full["place"], full["summary"]) == ("CC", "Belgrade, Serbia", "They talked.")
    assert full["participants"] == (
        "Ana Petrović (Minister, Ministry of Culture) [RS] | Ministry of Culture (Host) [AZ]"
    )
    assert full["countries_represented"] == "AZ | RS"
    assert full["topics"] == "Alpha topic | Zeta topic"
    # Each outcome carries its attribution: here none of its own, so the meeting's sources, said so (issue 13).
    meeting_sources = f"{newer} <https://example.org/n>; {older}"
    assert full["outcomes"] == (
        f"agreement: First agreement. [source (the meeting’s): {meeting_sources}] | "
        f"statement: A statement. [source (the meeting’s): {meeting_sources}]"
    )
    assert full["sources"] == f"{newer} <https://example.org/n> | {older}"
    assert "Hidden" not in full["participants"] and "Secret" not in full["participants"]
    assert [bare[k] for k in ("event", "place", "participants", "topics", "outcomes", "sources")] == [""] * 6
    item = next(r for r in json_results(client.get("/meetings/export.json")) if r["slug"] == meeting.slug)
    del full["updated_at"]  # the JSON gives times in ECMAScript form, the CSV in ISO 8601 with microseconds
    assert item.pop("updated_at").startswith(meeting.updated_at.date().isoformat())
    assert {k: "" if v is None else str(v) for k, v in item.items()} == dict(full)  # null: an empty cell
