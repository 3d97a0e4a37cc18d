"""Attributed outcomes (issue 13): each outcome names who states it and the sources that report it (its own, or
its meeting's when it names none, said so) beside it on the meeting page, in the CSV and JSON exports; feed
entries carry their sources; the register's own summaries are marked as such; an Editor's new outcome on a
published meeting is pending and public nowhere until a Publisher approves it."""

import re

import pytest
from django.urls import reverse

from heritage.models import PublishStatus, ReviewStatus
from meetings.models import Outcome
from tests import factories as f
from tests.public import body, csv_rows, json_results

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting():
    meeting = f.MeetingFactory(title="Culture talks", summary="The ministers discussed museums.")
    meeting.sources.add(f.SourceFactory(title="Agency report", publisher="Agency"))
    ministry = f.OrganizationFactory(name="Ministry of Culture")
    own = f.OutcomeFactory(meeting=meeting, text="Mexico offers training.", kind="offer", stated_by=ministry)
    own.sources.add(f.SourceFactory(title="Ministry press release", publisher="Ministry", url="https://example.org/p"))
    f.OutcomeFactory(meeting=meeting, text="Culture days are proposed.", kind="proposal")
    secret = f.OrganizationFactory(name="Secret Office", status=PublishStatus.DRAFT)
    f.OutcomeFactory(meeting=meeting, text="A third outcome.", kind="statement", stated_by=secret)
    return meeting


def outcome_item(page, text):
    return next(li for li in re.findall(r"<li><strong>.*?</li>", page, re.S) if text in li)


def test_each_outcome_names_its_party_and_sources_beside_it(client, meeting):
    page = body(client.get(meeting.get_absolute_url()))
    own = outcome_item(page, "Mexico offers training.")
    assert "Stated by" in own and "Ministry of Culture" in own and "Ministry press release" in own
    assert "Agency report" not in own  # its own source, not the meeting's
    default = outcome_item(page, "Culture days are proposed.")
    assert "reported by the meeting’s sources" in default and "Agency report" in default
    # A draft organization is never named, not even as who states an outcome.
    assert "Secret Office" not in page and "Agency report" in outcome_item(page, "A third outcome.")
    # The summary is marked as the register's own words.
    assert "Summary in the register’s own words" in page


def test_the_exports_attribute_every_outcome(client, meeting):
    row = csv_rows(client.get("/meetings/export.csv"))[0]
    outcomes = row["outcomes"].split(" | ")
    assert outcomes[0].startswith("offer: Mexico offers training. [stated by Ministry of Culture, source: ")
    assert "Ministry press release <https://example.org/p>" in outcomes[0] and "Agency report" not in outcomes[0]
    assert outcomes[1].startswith("proposal: Culture days are proposed. [source (the meeting’s): ")
    assert "Agency report" in outcomes[1]
    assert "Secret Office" not in row["outcomes"]
    item = json_results(client.get("/meetings/export.json"))[0]
    assert item["outcomes"] == row["outcomes"]


def test_a_source_cited_only_by_an_outcome_has_a_public_page_listing_the_meeting(client, meeting):
    source = meeting.outcomes.get(kind="offer").sources.get()
    page = body(client.get(source.get_absolute_url()))
    assert "Culture talks" in page


def test_feed_entries_carry_their_sources(client, meeting):
    feed = body(client.get("/feeds/meetings/"))
    source = meeting.sources.get()
    assert f'<link href="http://testserver/sources/{source.pk}/" rel="related" title="{source}"/>' in feed
    assert "Sources: " in feed and "Agency report" in feed
    assert "Summary in the register’s own words" in feed


def test_outcome_sources_are_editable_in_the_inline_and_an_editors_new_outcome_waits(
    client, editor, publisher, meeting
):
    meeting.outcomes.all().delete()
    source = f.SourceFactory(title="Joint statement")
    data = {
        "title": meeting.title,
        "slug": meeting.slug,
        "date": "2023-03-01",
        "date_precision": "day",
        "event": "",
        "place": "",
        "format": "bilateral",
        "summary": meeting.summary,
        "account": "",
        "status": "published",
        "sources": [s.pk for s in meeting.sources.all()],
        "participants-TOTAL_FORMS": "0",
        "participants-INITIAL_FORMS": "0",
        "outcomes-TOTAL_FORMS": "1",
        "outcomes-INITIAL_FORMS": "0",
        "outcomes-0-kind": "agreement",
        "outcomes-0-follow_up": "open",
        "outcomes-0-text": "A new secret agreement.",
        "outcomes-0-sources": [source.pk],
    }
    client.force_login(editor)
    response = client.post(reverse("admin:meetings_meeting_change", args=[meeting.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    outcome = Outcome.objects.get()
    assert outcome.review_status == ReviewStatus.PENDING and list(outcome.sources.all()) == [source]
    client.logout()
    for url in [meeting.get_absolute_url(), "/meetings/export.csv", "/meetings/export.json"]:
        assert "A new secret agreement." not in body(client.get(url)), url
    assert client.get(source.get_absolute_url()).status_code == 404

    client.force_login(publisher)
    changelist = reverse("admin:meetings_outcome_changelist")
    post = {"action": "approve_evidence", "_selected_action": [outcome.pk], "confirm": "yes", "reason": ""}
    assert client.post(changelist, post).status_code == 302
    client.logout()
    assert "A new secret agreement." in outcome_item(body(client.get(meeting.get_absolute_url())), "secret")
    assert "Joint statement" in body(client.get("/meetings/export.csv"))
    assert client.get(source.get_absolute_url()).status_code == 200


def test_meeting_page_query_budget_holds_with_attributed_outcomes(client, django_assert_max_num_queries):
    meeting = f.MeetingFactory()
    meeting.sources.add(f.SourceFactory())
    for i in range(5):
        outcome = f.OutcomeFactory(meeting=meeting, stated_by=f.OrganizationFactory())
        if i % 2:
            outcome.sources.add(f.SourceFactory())
    with django_assert_max_num_queries(10):
        assert client.get(meeting.get_absolute_url()).status_code == 200
