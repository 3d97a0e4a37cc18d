"""Mirroring the register through the API alone: cursor pages to the end in every order, ``updated_since``, and
the deleted list (deleted or unpublished records, never drafts that were not public)."""

import datetime

import pytest
from django.utils import timezone

from api.models import Withdrawal
from heritage.models import PublishStatus
from meetings.models import Meeting
from monuments.models import Monument
from tests.api.helpers import assert_matches
from tests.factories import (
    ConditionAssessmentFactory,
    MeetingFactory,
    MonumentFactory,
    PersonFactory,
    PlaceFactory,
    ReportedFigureFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def every_page(client, url):
    """All records of a list, following ``next`` from the first page; checks each page and its Link header."""
    records, pages = [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        data = response.json()
        if data["next"]:
            assert response["Link"] == f'<{data["next"]}>; rel="next"'
        records += data["results"]
        url, pages = data["next"], pages + 1
    return records, pages


@pytest.fixture
def monuments():
    # Shared names and years, some undated: ties that only the id breaks, and NULLs that sort last.
    names = ["Bridge", "Alpha", "Bridge", "Castle", "Alpha", "Dome", "Bridge"]
    years = [1200, None, 1200, 800, None, 1900, 1500]
    return [MonumentFactory(name=n, built_from_year=y) for n, y in zip(names, years, strict=True)]


@pytest.mark.parametrize(
    "sort, key",
    [
        ("", lambda m: (m.name, m.pk)),
        ("name", lambda m: (m.name, m.pk)),
        ("-updated", lambda m: (-m.updated_at.timestamp(), -m.pk)),
        ("built", lambda m: (m.built_from_year is None, m.built_from_year or 0, m.name, m.pk)),
    ],
)
@pytest.mark.parametrize("limit", [1, 2, 3, 7, 100])
def test_the_cursor_walks_every_order_to_the_end_without_gaps_or_repeats(client, monuments, sort, key, limit):
    records, pages = every_page(client, f"/api/v1/monuments/?sort={sort}&limit={limit}")
    expected = [m.slug for m in sorted(Monument.objects.all(), key=key)]
    assert [r["slug"] for r in records] == expected
    assert pages == max(1, -(-len(expected) // limit))


def test_the_cursor_keeps_microseconds_of_the_updated_order(client):
    moment = timezone.now()
    # Three records a microsecond apart: a cursor rounded to milliseconds would skip or repeat one.
    for n in range(3):
        m = MonumentFactory()
        Monument.objects.filter(pk=m.pk).update(updated_at=moment + datetime.timedelta(microseconds=n))
    records, _pages = every_page(client, "/api/v1/monuments/?sort=-updated&limit=1")
    assert len({r["slug"] for r in records}) == 3


def test_meetings_page_newest_first_and_oldest_first(client):
    for day in (5, 1, 5, 3, 1):
        MeetingFactory(date=datetime.date(2022, 9, day))
    newest, _ = every_page(client, "/api/v1/meetings/?limit=2")
    assert [r["slug"] for r in newest] == [m.slug for m in Meeting.objects.order_by("-date", "-id")]
    oldest, _ = every_page(client, "/api/v1/meetings/?sort=date&limit=2")
    assert [r["slug"] for r in oldest] == [m.slug for m in Meeting.objects.order_by("date", "id")]


def test_a_cursor_belongs_to_its_order_and_filters(client, monuments):
    next_url = client.get("/api/v1/monuments/?limit=2").json()["next"]
    cursor = next_url.split("cursor=")[1]
    response = client.get(f"/api/v1/monuments/?sort=-updated&cursor={cursor}")
    assert response.status_code == 400
    assert "another order" in response.json()["errors"]["cursor"][0]


def test_updated_since_gives_what_changed_at_or_after_the_time(client, monuments):
    before = timezone.now()
    later = timezone.now() + datetime.timedelta(hours=1)
    Monument.objects.filter(pk=monuments[3].pk).update(updated_at=later)
    response = client.get("/api/v1/monuments/", {"updated_since": later.isoformat()})
    assert [r["slug"] for r in response.json()["results"]] == [monuments[3].slug]
    assert len(client.get("/api/v1/monuments/", {"updated_since": before.isoformat()}).json()["results"]) == 1
    # A date is its midnight, UTC; a time without an offset is UTC.
    assert len(client.get("/api/v1/monuments/?updated_since=2000-01-01").json()["results"]) == 7
    assert len(client.get("/api/v1/monuments/?updated_since=2000-01-01T00:00:00").json()["results"]) == 7


def test_a_new_assessment_makes_its_monument_updated(client):
    monument = MonumentFactory()
    Monument.objects.filter(pk=monument.pk).update(updated_at=timezone.now() - datetime.timedelta(days=2))
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    assert client.get("/api/v1/monuments/", {"updated_since": since}).json()["results"] == []
    ConditionAssessmentFactory(monument=monument, condition="destroyed")
    (record,) = client.get("/api/v1/monuments/", {"updated_since": since}).json()["results"]
    assert record["current_condition"] == "destroyed"


def test_the_deleted_list_names_what_left_the_public_register_and_nothing_private(client):
    start = timezone.now()
    gone = MonumentFactory(slug="gone")
    hidden = MonumentFactory(slug="hidden")
    MonumentFactory(slug="never-public", status=PublishStatus.DRAFT).delete()
    draft_saved = MonumentFactory(slug="draft-edited", status=PublishStatus.DRAFT)
    draft_saved.name = "Edited"
    draft_saved.save()
    person = PersonFactory(slug="someone")
    figure = ReportedFigureFactory()
    gone.delete()
    hidden.status = PublishStatus.DRAFT
    hidden.save()
    person.status = PublishStatus.REVIEW
    person.save()
    figure_id = figure.pk
    figure.delete()
    PlaceFactory(slug="old-place").delete()
    response = client.get("/api/v1/deleted/", {"updated_since": start.isoformat()})
    assert response.status_code == 200
    assert_matches(client, "WithdrawalPage", response.json())
    listed = [(w["resource"], w["key"], w["reason"]) for w in response.json()["results"]]
    assert listed == [
        ("monuments", "gone", "deleted"),
        ("monuments", "hidden", "unpublished"),
        ("people", "someone", "unpublished"),
        ("figures", str(figure_id), "deleted"),
        ("places", "old-place", "deleted"),
    ]
    only_people = client.get("/api/v1/deleted/?resource=people").json()["results"]
    assert [w["key"] for w in only_people] == ["someone"]
    assert client.get("/api/v1/deleted/?resource=drafts").status_code == 400
    # Published again: in the lists again, so no longer in the deleted list.
    hidden.status = PublishStatus.PUBLISHED
    hidden.save()
    assert not Withdrawal.objects.filter(key="hidden").exists()
    later = client.get("/api/v1/deleted/", {"updated_since": timezone.now().isoformat()}).json()["results"]
    assert later == []


def test_a_source_leaves_the_deleted_list_only_if_it_was_cited(client):
    cited = SourceFactory()
    MonumentFactory().sources.add(cited)
    uncited = SourceFactory()
    cited_id, uncited_id = cited.pk, uncited.pk
    cited.delete()  # its links to the monument go with it
    uncited.delete()
    keys = [(w["resource"], w["key"]) for w in client.get("/api/v1/deleted/").json()["results"]]
    assert ("sources", str(uncited_id)) not in keys
    assert ("sources", str(cited_id)) in keys


def test_a_mirror_made_through_the_api_alone_stays_equal_to_the_register(client):
    """Copy everything, change the register (new, edited, unpublished, deleted, assessed), then apply
    ``updated_since`` and the deleted list from the time noted before the copy: the mirror equals a fresh copy."""
    for n in range(5):
        MonumentFactory(name=f"Monument {n}")

    # The time goes into the URL as it is printed, "+" unencoded, as a hand-written client would.
    def copy_all(since=None):
        query = "?limit=2" + (f"&updated_since={since}" if since else "")
        return {r["slug"]: r for r in every_page(client, "/api/v1/monuments/" + query)[0]}

    noted = timezone.now().isoformat()
    mirror = copy_all()
    first, second, third, fourth = Monument.objects.order_by("name")[:4]
    first.name = "Renamed"
    first.save()
    second.status = PublishStatus.DRAFT
    second.save()
    third.delete()
    ConditionAssessmentFactory(monument=fourth, condition="destroyed")
    MonumentFactory(name="Brand new")

    next_noted = timezone.now().isoformat()
    mirror.update(copy_all(since=noted))
    for withdrawal in every_page(client, f"/api/v1/deleted/?resource=monuments&updated_since={noted}&limit=1")[0]:
        mirror.pop(withdrawal["key"], None)
    assert mirror == copy_all()
    assert next_noted > noted
