"""An Editor's file import follows the proposal rule (issue 13): a row that changes a published record becomes
that Editor's proposal and writes nothing the public sees; a Publisher approves it and it is public at once. Rows
of drafts and new records are written as before; an import with the publish permission writes at once."""

import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from heritage.models import Proposal, ReviewStatus
from monuments.models import Monument, Registration
from monuments.risk import RiskListing
from tests import factories as f
from tests.heritage.test_imports import csv_file, upload, write_csv
from tests.public import body, csv_rows

pytestmark = pytest.mark.django_db

HEADER = ["slug", "name", "monument_type", "latitude", "longitude", "registry", "registration_number", "risk_list"]


@pytest.fixture
def mosque():
    kind = f.MonumentTypeFactory(name="Mosque", slug="mosque")
    monument = f.MonumentFactory(
        name="Juma Mosque", slug="juma-mosque", monument_type=kind, latitude="40.1", longitude="46.2"
    )
    f.MonumentFactory(name="Draft Bridge", slug="draft-bridge", monument_type=kind, status="draft")
    return monument


ROWS = [
    [
        "juma-mosque",
        "Cümə məscidi",
        "mosque",
        "40.5",
        "46.2",
        "State register",
        "77",
        "unesco-world-heritage-in-danger",
    ],
    ["draft-bridge", "Stone Bridge", "mosque", "", "", "", "", ""],
]


def public_view(client):
    client.logout()
    page = body(client.get(reverse("monuments:monument_detail", args=["juma-mosque"])))
    listed = body(client.get(reverse("monuments:monument_list") + "?q=Cume"))
    exported = csv_rows(client.get(reverse("monuments:export_csv")))
    points = json.dumps(client.get(reverse("monuments:map_data"), {"zoom": 20}).json())
    return page, listed, exported, points


def test_an_editors_admin_import_proposes_changes_to_a_published_monument_until_a_publisher_approves(
    client, editor, publisher, mosque
):
    client.force_login(editor)
    url = reverse("admin:monuments_monument_import")
    response = client.post(url, {"file": upload("m.csv", HEADER, ROWS)})
    assert response.context["result"].counts == {"proposed": 1, "changed": 1}
    page = response.content.decode()
    assert "proposed" in page and "Cümə məscidi" in page  # the row's difference is previewed
    response = client.post(url, {"token": response.context["token"], "confirm": "1"}, follow=True)
    assert "1 changes to published records proposed for a Publisher" in response.content.decode()

    # The draft is written; the published monument is not, and no public view shows the proposed values.
    assert Monument.objects.get(slug="draft-bridge").name == "Stone Bridge"
    stored = Monument.objects.get(slug="juma-mosque")
    assert (stored.name, stored.latitude) == ("Juma Mosque", Decimal("40.1"))
    assert not Registration.objects.filter(number="77").exists()
    listing = RiskListing.objects.get(monument=stored)  # evidence is saved, pending review
    assert listing.review_status == ReviewStatus.PENDING
    page, listed, exported, points = public_view(client)
    assert "Juma Mosque" in page and "Cümə" not in page and "In Danger" not in page
    assert "Cümə" not in listed
    assert [r["name"] for r in exported if r["slug"] == "juma-mosque"] == ["Juma Mosque"]
    assert "40.5" not in points

    # One proposal, the Editor's, with the fields and the registration the row adds.
    proposal = Proposal.objects.get()
    assert (proposal.proposed_by, proposal.record_repr, proposal.status) == (editor, "Juma Mosque", "open")
    assert set(proposal.changes["fields"]) == {"name", "latitude"}
    [group] = [g for g in proposal.changes["inlines"] if g["model"] == "monuments.registration"]
    assert [row["op"] for row in group["rows"]] == ["add"] and group["rows"][0]["values"]["number"]["to"] == "77"
    client.force_login(publisher)
    review = body(client.get(reverse("admin:heritage_proposal_change", args=[proposal.pk])))
    assert "Juma Mosque" in review and "Cümə məscidi" in review and "77" in review

    response = client.post(
        reverse("admin:heritage_proposal_change", args=[proposal.pk]), {"decision": "approve", "reason": "Survey"}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by) == ("approved", publisher)
    stored.refresh_from_db()
    assert (stored.name, stored.latitude) == ("Cümə məscidi", Decimal("40.5"))
    assert stored.registrations.filter(registry="State register", number="77").exists()
    page, listed, exported, points = public_view(client)
    assert "Cümə məscidi" in page and "Cümə məscidi" in listed
    assert [r["name"] for r in exported if r["slug"] == "juma-mosque"] == ["Cümə məscidi"]


def test_the_import_command_as_an_editor_counts_proposals_and_a_publisher_import_writes_at_once(
    tmp_path, capsys, editor, publisher, mosque
):
    rows = [["juma-mosque", "Cümə məscidi", "mosque", "40.1", "46.2", "", "", ""]]
    call_command("import_monuments", write_csv(tmp_path, HEADER, rows), "--user", editor.username)
    assert "0 new, 0 changed, 1 proposed, 0 unchanged, 0 invalid" in capsys.readouterr().out
    assert Monument.objects.get(slug="juma-mosque").name == "Juma Mosque"
    assert Proposal.objects.get().proposed_by == editor

    # A second import by the same Editor joins their open proposal; a re-run of the same file changes nothing new.
    call_command("import_monuments", write_csv(tmp_path, HEADER, rows), "--user", editor.username)
    assert Proposal.objects.count() == 1

    call_command("import_monuments", write_csv(tmp_path, HEADER, rows), "--user", publisher.username)
    assert "1 changed" in capsys.readouterr().out
    assert Monument.objects.get(slug="juma-mosque").name == "Cümə məscidi"


def test_a_dry_run_by_an_editor_keeps_no_proposal(editor, mosque):
    from heritage.transfer.files import read_rows
    from monuments.importers import MonumentImport

    handle, name = csv_file(HEADER, ROWS[:1])
    result = MonumentImport(user=editor).run(read_rows(handle, name), dry_run=True)
    assert result.counts == {"proposed": 1} and not Proposal.objects.exists()
    assert [row.status for row in result.rows] == ["proposed"]


def test_an_editors_person_import_proposes_a_new_identifier_of_a_published_person(editor):
    from heritage.transfer.files import read_rows
    from meetings.importers import PersonImport

    f.IdentifierSchemeFactory(code="wikidata")
    person = f.PersonFactory(name="Anar Karimov", slug="anar-karimov")
    handle, name = csv_file(["slug", "name", "wikidata"], [["anar-karimov", "Anar Kərimov", "Q4115712"]])
    result = PersonImport(user=editor).run(read_rows(handle, name), dry_run=False)
    assert result.committed and result.counts == {"proposed": 1}
    person.refresh_from_db()
    assert person.name == "Anar Karimov" and not person.identifiers.exists()
    changes = Proposal.objects.get().changes
    assert changes["fields"]["name"]["to"] == "Anar Kərimov"
    [group] = [g for g in changes["inlines"] if g["rows"]]
    assert group["rows"][0]["values"]["value"]["to"] == "Q4115712"


def test_an_editors_change_of_a_published_persons_country_in_the_admin_is_a_proposal(client, editor):
    from tests.heritage.test_recovery import FormScraper

    person = f.PersonFactory(name="Anar Karimov", country="AZ")
    url = reverse("admin:meetings_person_change", args=[person.pk])
    client.force_login(editor)
    scraper = FormScraper()
    scraper.feed(client.get(url).content.decode())
    data = {**scraper.data, "country": ["MX"]}
    response = client.post(url, data)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.country == "AZ"
    change = Proposal.objects.get().changes["fields"]["country"]
    assert (change["from"], change["to"]) == ("AZ", "MX")


def test_an_editors_meeting_import_proposes_new_participants_and_keeps_new_outcomes_pending(client, editor, publisher):
    from meetings.importers import MeetingImport
    from meetings.models import Outcome, Participant
    from tests.heritage.test_imports import run

    meeting = f.MeetingFactory(title="Ministers meet", slug="ministers-meet")
    minister = f.PersonFactory(name="Anar Karimov", slug="anar-karimov")
    f.ParticipantFactory(meeting=meeting, person=minister)
    row = [meeting.slug, "Ministers meet in Baku", "anar-karimov\nAna Ruiz | | | Envoy", "offer | open |  | Training."]
    result = run(MeetingImport(user=editor), ["slug", "title", "participants", "outcomes"], [row], dry_run=False)
    assert result.committed and result.counts == {"proposed": 1}
    meeting.refresh_from_db()
    assert meeting.title == "Ministers meet"
    assert list(Participant.objects.filter(meeting=meeting).values_list("person__name", flat=True)) == ["Anar Karimov"]
    assert Outcome.objects.get(meeting=meeting).review_status == ReviewStatus.PENDING
    page = body(client.get(meeting.get_absolute_url()))
    assert "Ana Ruiz" not in page and "Training." not in page and "in Baku" not in page

    proposal = Proposal.objects.get()
    client.force_login(publisher)
    url = reverse("admin:heritage_proposal_change", args=[proposal.pk])
    assert client.post(url, {"decision": "approve", "reason": ""}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.title == "Ministers meet in Baku"
    names = Participant.objects.filter(meeting=meeting).order_by("order").values_list("person__name", "role")
    assert list(names) == [("Anar Karimov", ""), ("Ana Ruiz", "Envoy")]
