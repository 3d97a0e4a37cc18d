"""Risk listings (issue 14): a monument on a list of heritage at risk or in danger, since when, until when, on whose
word; on its page, in the list's filter, the admin (with history and review), the exports and the API; never its
physical condition."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from reversion.models import Version

from heritage.models import ReviewStatus
from monuments.models import RiskList, RiskListing
from tests import factories as f
from tests.monuments.test_location_guard import form_data
from tests.public import body, csv_rows, json_results

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


@pytest.fixture
def danger():
    """The seeded UNESCO list (migration 0017)."""
    return RiskList.objects.get(slug="unesco-world-heritage-in-danger")


@pytest.fixture
def listed(danger):
    """Two listed monuments (one now, one in the past), one not listed, one listed draft."""
    source = f.SourceFactory(title="Decision 27 COM 7B", url="https://whc.unesco.org/en/decisions/27COM7B")
    now = f.MonumentFactory(name="Walled City of Baku", slug="baku")
    f.ConditionAssessmentFactory(monument=now, condition="intact")
    f.RiskListingFactory(
        monument=now, risk_list=danger, listed_from=datetime.date(2003, 1, 1), listed_from_precision="year",
        listed_until=None, source=source,
    )  # fmt: skip
    past = f.MonumentFactory(name="Old Fortress", slug="old-fortress")
    f.RiskListingFactory(
        monument=past, risk_list=f.RiskListFactory(name="Heritage at Risk Register"),
        listed_from=datetime.date(1998, 5, 1), listed_from_precision="month",
        listed_until=datetime.date(2009, 1, 1), listed_until_precision="year",
    )  # fmt: skip
    f.MonumentFactory(name="Quiet Mosque", slug="quiet")
    draft = f.MonumentFactory(name="Secret Draft Castle", status="draft")
    f.RiskListingFactory(monument=draft, risk_list=f.RiskListFactory(name="Draft-only list"))
    return {"now": now, "past": past, "source": source}


def names(client, query):
    return {m["name"] for m in json_results(client.get("/monuments/export.json" + query))}


def test_the_lists_are_seeded():
    assert {"unesco-world-heritage-in-danger", "historic-england-heritage-at-risk", "world-monuments-watch"} <= set(
        RiskList.objects.values_list("slug", flat=True)
    )


def test_the_page_shows_the_listing_with_its_dates_and_source_apart_from_the_condition(client, listed):
    text = body(client.get(listed["now"].get_absolute_url()))
    assert "On lists of heritage at risk" in text
    assert "List of World Heritage in Danger" in text and "UNESCO World Heritage Committee" in text
    assert '<time datetime="2003-01-01">2003</time>' in text and "1 January 2003" not in text
    assert "on the list now" in text and "Decision 27 COM 7B" in text
    assert "Intact" in text  # the physical condition is untouched by the listing
    past = body(client.get(listed["past"].get_absolute_url()))
    assert "May 1998" in past and "2009" in past and "on the list now" not in past


@pytest.mark.parametrize(
    "query, expected",
    [
        ("?risk=any", {"Walled City of Baku", "Old Fortress"}),
        ("?risk=now", {"Walled City of Baku"}),
        ("?risk=unesco-world-heritage-in-danger", {"Walled City of Baku"}),
        ("?risk=historic-england-heritage-at-risk", {"Old Fortress"}),
        ("", {"Walled City of Baku", "Old Fortress", "Quiet Mosque"}),
    ],
)
def test_the_list_filters_by_listing(client, listed, query, expected):
    assert names(client, query) == expected


def test_the_filter_offers_only_lists_a_published_monument_is_on_and_refuses_others(client, listed):
    text = body(client.get("/monuments/"))
    assert "On a list of heritage at risk" in text and "List of World Heritage in Danger" in text
    assert "Draft-only list" not in text and "World Monuments Watch" not in text
    response = client.get("/monuments/export.csv?risk=draft-only-list")
    assert response.status_code == 400 and "risk" in body(response)
    assert client.get("/monuments/?risk=draft-only-list").status_code == 200  # the list shows the message instead


def test_a_pending_listing_is_private_until_approved(client, editor, listed, danger):
    monument = listed["past"]
    client.force_login(editor)
    url = reverse("admin:monuments_monument_change", args=[monument.pk])
    listing = RiskListing.objects.get(monument=monument)
    data = form_data(
        monument,
        **{
            "risk_listings-TOTAL_FORMS": "2",
            "risk_listings-INITIAL_FORMS": "1",
            "risk_listings-0-id": listing.pk,
            "risk_listings-0-monument": monument.pk,
            "risk_listings-0-risk_list": listing.risk_list_id,
            "risk_listings-0-listed_from": "1998-05-01",
            "risk_listings-0-listed_from_precision": "month",
            "risk_listings-0-listed_until": "2009-01-01",
            "risk_listings-0-listed_until_precision": "year",
            "risk_listings-0-source": "",
            "risk_listings-0-notes": "",
            "risk_listings-1-monument": monument.pk,
            "risk_listings-1-risk_list": danger.pk,
            "risk_listings-1-listed_from": "2024-01-01",
            "risk_listings-1-listed_from_precision": "year",
            "risk_listings-1-listed_until": "",
            "risk_listings-1-listed_until_precision": "year",
            "risk_listings-1-source": listed["source"].pk,
            "risk_listings-1-notes": "Added after the 2024 session",
        },
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["inline_admin_formsets"] if response.context else ""
    new = RiskListing.objects.get(monument=monument, risk_list=danger)
    assert new.review_status == ReviewStatus.PENDING
    client.logout()
    assert "Added after the 2024 session" not in body(client.get(monument.get_absolute_url()))
    assert names(client, "?risk=now") == {"Walled City of Baku"}

    new.review_status = ReviewStatus.APPROVED
    new.save()
    cache.clear()
    assert "Added after the 2024 session" in body(client.get(monument.get_absolute_url()))
    assert names(client, "?risk=now") == {"Walled City of Baku", "Old Fortress"}


def test_the_admin_inline_keeps_history_and_refuses_an_end_before_the_start(client, superuser, listed, danger):
    monument = listed["now"]
    client.force_login(superuser)
    url = reverse("admin:monuments_monument_change", args=[monument.pk])
    listing = RiskListing.objects.get(monument=monument)
    inline = {
        "risk_listings-TOTAL_FORMS": "1",
        "risk_listings-INITIAL_FORMS": "1",
        "risk_listings-0-id": listing.pk,
        "risk_listings-0-monument": monument.pk,
        "risk_listings-0-risk_list": danger.pk,
        "risk_listings-0-listed_from": "2003-01-01",
        "risk_listings-0-listed_from_precision": "year",
        "risk_listings-0-listed_until": "2001-01-01",
        "risk_listings-0-listed_until_precision": "year",
        "risk_listings-0-source": listed["source"].pk,
        "risk_listings-0-notes": "",
    }
    response = client.post(url, form_data(monument, **inline))
    assert response.status_code == 200 and "The end of a listing cannot be before its start." in body(response)
    inline["risk_listings-0-listed_until"] = "2025-01-01"
    assert client.post(url, form_data(monument, **inline)).status_code == 302
    listing.refresh_from_db()
    assert listing.listed_until == datetime.date(2025, 1, 1)
    assert Version.objects.get_for_object(listing).count() == 1
    page = client.get(reverse("admin:monuments_risklisting_changelist"))
    assert page.status_code == 200 and "Walled City of Baku" in body(page)


def test_record_page_budget_one_query_for_listings_none_without(client, listed, django_assert_num_queries):
    # The monument with its flags, registrations, identifiers, assessments, sources; listings (with list and
    # source) only when it has some.
    with django_assert_num_queries(5):
        assert client.get("/monuments/quiet/").status_code == 200
    with django_assert_num_queries(6):
        assert client.get(listed["now"].get_absolute_url()).status_code == 200


def test_list_budget_with_the_risk_filter(client, listed, django_assert_max_num_queries):
    # The list's 7 and 6 facets (tests/monuments/test_public.py); the list's slug is checked against the kept lists.
    with django_assert_max_num_queries(7 + 6):
        response = client.get("/monuments/?risk=unesco-world-heritage-in-danger")
    assert response.status_code == 200 and "Walled City of Baku" in body(response)


def test_exports_and_api_carry_the_listings_after_the_earlier_columns(client, listed):
    from heritage.names import NAME_COLUMNS

    rows = {row["slug"]: row for row in csv_rows(client.get("/monuments/export.csv"))}
    # Columns are only ever added at the end: the listings, the names in several languages, then the languages of
    # the type's and the place's names (issue 15).
    added = ["risk_listings", *NAME_COLUMNS, "type_name_language", "place_name_language"]
    assert list(rows["baku"])[-len(added) :] == added
    assert rows["baku"]["risk_listings"] == "unesco-world-heritage-in-danger:2003/"
    assert rows["old-fortress"]["risk_listings"] == "historic-england-heritage-at-risk:1998-05/2009"
    assert rows["quiet"]["risk_listings"] == ""
    api = client.get("/api/v1/monuments/baku/").json()
    assert api["risk_listings"] == [
        {
            "list": {"slug": "unesco-world-heritage-in-danger", "name": "List of World Heritage in Danger"},
            "listed_from": "2003-01-01",
            "listed_from_precision": "year",
            "listed_until": None,
            "listed_until_precision": "year",
            "current": True,
            "source": api["risk_listings"][0]["source"],
        }
    ]
    assert api["risk_listings"][0]["source"]["title"] == "Decision 27 COM 7B"
