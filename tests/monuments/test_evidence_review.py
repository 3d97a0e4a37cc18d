"""Evidence waits for review (issue 13): an Editor's new assessment, restoration or image on a published monument
is pending, and changes no public page, list, count, export, source page or current condition until a Publisher
approves it; approved, it shows at once. Publishers decide with a reason, recorded in history; every path
(inline, the evidence's own form, a crafted POST, the actions, the import) checks the permission on the server."""

import datetime
import json
import re

import pytest
from django.urls import reverse
from reversion.models import Version

from heritage.models import Proposal, ReviewStatus
from heritage.transfer.files import read_rows
from monuments.importers import AssessmentImport
from monuments.models import ConditionAssessment, Monument, Restoration
from tests import factories as f
from tests.heritage.test_imports import csv_file
from tests.monuments.test_location_guard import form_data
from tests.public import body, csv_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def church():
    """A published church, intact by a 2020 site visit."""
    monument = f.MonumentFactory(name="Saint Elisæus Church", slug="saint-church", latitude="40.1", longitude="46.2")
    f.ConditionAssessmentFactory(
        monument=monument, condition="intact", observed_on=datetime.date(2020, 5, 1), assessed_by="Field team"
    )
    monument.refresh_from_db()
    assert monument.current_condition == "intact"
    return monument


def destroyed_inline(source, **extra):
    return {
        "assessments-TOTAL_FORMS": "1",
        "assessments-0-monument": "",
        "assessments-0-observed_on": "2023-02-01",
        "assessments-0-observed_precision": "day",
        "assessments-0-condition": "destroyed",
        "assessments-0-evidence_kind": "satellite_imagery",
        "assessments-0-assessed_by": "Caucasus Heritage Watch",
        "assessments-0-source": source.pk,
        "assessments-0-description": "Razed, per imagery",
        **extra,
    }


def add_destroyed(client, user, monument, source):
    client.force_login(user)
    url = reverse("admin:monuments_monument_change", args=[monument.pk])
    response = client.post(url, form_data(monument, **destroyed_inline(source)))
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    client.logout()
    return ConditionAssessment.objects.get(condition="destroyed")


def public_view(client, monument, source):
    """What the public sees of the destroyed assessment and the church's condition, on every path."""
    client.logout()
    page = body(client.get(monument.get_absolute_url()))
    destroyed_list = body(client.get("/monuments/?condition=destroyed"))
    export = {row["slug"]: row for row in csv_rows(client.get("/monuments/export.csv"))}[monument.slug]
    return {
        "page": "Razed, per imagery" in page or "Caucasus Heritage Watch" in page,
        "page condition": "Destroyed" in page,
        "list": monument.name in destroyed_list,
        "export": export["current_condition"] == "destroyed" or "Caucasus" in str(export),
        "source page": client.get(source.get_absolute_url()).status_code == 200,
        # The figures page's "documented in this register" count for destroyed monuments.
        "figures": re.search(r"Documented in this register</dt><dd><a [^>]*>1<", body(client.get("/figures/")))
        is not None,
        # The map's data for the destroyed filter.
        "map": sum(
            feature["properties"]["count"]
            for feature in json.loads(body(client.get("/monuments/map/data.json?condition=destroyed&zoom=18")))[
                "features"
            ]
        )
        == 1,
        "stored": Monument.objects.get(pk=monument.pk).current_condition == "destroyed",
        # The condition-change feed, the site search and the API.
        "feed": "Razed, per imagery" in body(client.get("/monuments/conditions.atom"))
        or "Destroyed" in body(client.get("/monuments/conditions.atom")),
        "search": "Destroyed" in body(client.get("/search/", {"q": monument.name})),
        "api": client.get(f"/api/v1/monuments/{monument.slug}/").json()["current_condition"] == "destroyed",
        "api list": monument.slug in str(client.get("/api/v1/monuments/", {"condition": "destroyed"}).json()),
    }


def test_an_editors_destroyed_assessment_is_invisible_until_a_publisher_approves_it(client, editor, publisher, church):
    source = f.SourceFactory(title="Imagery brief 2023")  # cited by nothing else: its page is public only through it
    f.ReportedFigureFactory(condition="destroyed", count=5)
    assessment = add_destroyed(client, editor, church, source)
    assert assessment.review_status == ReviewStatus.PENDING and assessment.submitted_by == editor
    seen = public_view(client, church, source)
    assert not any(seen.values()), seen

    client.force_login(publisher)
    changelist = reverse("admin:monuments_conditionassessment_changelist")
    # The action first asks for the reason on a confirmation page, then decides.
    ask = client.post(changelist, {"action": "approve_evidence", "_selected_action": [assessment.pk]})
    assert ask.status_code == 200 and "Approving makes these public at once" in body(ask)
    done = client.post(
        changelist,
        {
            "action": "approve_evidence",
            "_selected_action": [assessment.pk],
            "confirm": "yes",
            "reason": "Imagery checked",
        },
    )
    assert done.status_code == 302
    assessment.refresh_from_db()
    assert (assessment.review_status, assessment.reviewed_by, assessment.review_reason) == (
        ReviewStatus.APPROVED,
        publisher,
        "Imagery checked",
    )
    seen = public_view(client, church, source)
    assert all(seen.values()), seen
    # History says who decided and why.
    version = Version.objects.get_for_object(assessment).first()
    assert version.revision.user == publisher and version.revision.get_comment() == "Approved: Imagery checked"


def test_a_rejection_needs_a_reason_and_keeps_the_evidence_private(client, editor, publisher, church):
    source = f.SourceFactory()
    assessment = add_destroyed(client, editor, church, source)
    client.force_login(publisher)
    changelist = reverse("admin:monuments_conditionassessment_changelist")
    post = {"action": "reject_evidence", "_selected_action": [assessment.pk], "confirm": "yes", "reason": "  "}
    response = client.post(changelist, post)
    assert response.status_code == 200 and "This field is required" in body(response)
    assessment.refresh_from_db()
    assert assessment.review_status == ReviewStatus.PENDING
    response = client.post(changelist, {**post, "reason": "The source is a forum post"})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert (
        assessment.review_status == ReviewStatus.REJECTED and assessment.review_reason == "The source is a forum post"
    )
    assert not any(public_view(client, church, source).values())
    # Nothing lost: the rejected assessment stays, with its reason, for the Editor to read.
    client.force_login(publisher)
    page = body(client.get(reverse("admin:monuments_conditionassessment_change", args=[assessment.pk])))
    assert "The source is a forum post" in page and "Rejected" in page


def test_an_editor_cannot_approve_by_a_crafted_post(client, editor, church):
    assessment = add_destroyed(client, editor, church, f.SourceFactory())
    client.force_login(editor)
    changelist = reverse("admin:monuments_conditionassessment_changelist")
    for action in ("approve_evidence", "reject_evidence"):
        client.post(
            changelist, {"action": action, "_selected_action": [assessment.pk], "confirm": "yes", "reason": "mine"}
        )
    assessment.refresh_from_db()
    assert assessment.review_status == ReviewStatus.PENDING
    # Nor by posting the review fields with the form: they are not the form's to set.
    url = reverse("admin:monuments_monument_change", args=[church.pk])
    data = form_data(
        church,
        **destroyed_inline(
            f.SourceFactory(),
            **{"assessments-0-review_status": "approved", "assessments-0-observed_on": "2023-03-01"},
        ),
    )
    client.post(url, data)
    assert set(ConditionAssessment.objects.filter(condition="destroyed").values_list("review_status", flat=True)) == {
        ReviewStatus.PENDING
    }
    church.refresh_from_db()
    assert church.current_condition == "intact"


def test_an_editors_change_to_public_evidence_is_proposed_on_the_record_and_refused_alone(
    client, editor, publisher, church
):
    intact = church.assessments.get()
    client.force_login(editor)
    url = reverse("admin:monuments_monument_change", args=[church.pk])
    data = form_data(
        church,
        **{
            "assessments-TOTAL_FORMS": "1",
            "assessments-INITIAL_FORMS": "1",
            "assessments-0-id": intact.pk,
            "assessments-0-monument": church.pk,
            "assessments-0-observed_on": "2020-05-01",
            "assessments-0-observed_precision": "day",
            "assessments-0-condition": "destroyed",
            "assessments-0-evidence_kind": "site_visit",
            "assessments-0-assessed_by": "Field team",
            "assessments-0-source": intact.source_id,
        },
    )
    response = client.post(url, data)
    assert response.status_code == 302  # kept as a proposed edit of the monument (heritage.proposals)
    intact.refresh_from_db()
    church.refresh_from_db()
    assert intact.condition == "intact" and church.current_condition == "intact"
    assert "Destroyed" not in body(client.get(church.get_absolute_url()))
    proposal = Proposal.objects.get()
    client.force_login(publisher)
    diff = body(client.get(reverse("admin:heritage_proposal_change", args=[proposal.pk])))
    assert "<del>Intact</del>" in diff and "<ins>Destroyed</ins>" in diff
    client.post(reverse("admin:heritage_proposal_change", args=[proposal.pk]), {"decision": "approve"})
    intact.refresh_from_db()
    church.refresh_from_db()
    assert intact.condition == "destroyed" and intact.is_public and church.current_condition == "destroyed"
    intact.condition = "intact"
    intact.save()
    client.force_login(editor)
    # The assessment's own change form refuses it: the record's form is where a change is proposed.
    own = reverse("admin:monuments_conditionassessment_change", args=[intact.pk])
    response = client.post(
        own,
        {
            "monument": church.pk,
            "observed_on": "2020-05-01",
            "observed_precision": "day",
            "condition": "destroyed",
            "evidence_kind": "site_visit",
            "assessed_by": "Field team",
            "source": intact.source_id,
            "description": "",
        },
    )
    assert response.status_code == 200 and "only a Publisher may change it" in body(response)
    intact.refresh_from_db()
    assert intact.condition == "intact"


def test_a_publishers_evidence_and_evidence_on_drafts_are_public_at_once(client, editor, publisher, church):
    source = f.SourceFactory()
    assessment = add_destroyed(client, publisher, church, source)
    assert assessment.review_status == ReviewStatus.APPROVED and assessment.reviewed_by == publisher
    church.refresh_from_db()
    assert church.current_condition == "destroyed"

    draft = f.MonumentFactory(status="draft")
    ConditionAssessment.objects.all().delete()
    on_draft = add_destroyed(client, editor, draft, source)
    assert on_draft.review_status == ReviewStatus.APPROVED  # a draft is reviewed whole when it is published
    draft.refresh_from_db()
    assert draft.current_condition == "destroyed"


def test_an_editors_assessment_on_its_own_form_is_pending(client, editor, church):
    client.force_login(editor)
    response = client.post(
        reverse("admin:monuments_conditionassessment_add"),
        {
            "monument": church.pk,
            "observed_on": "2023-02-01",
            "observed_precision": "day",
            "condition": "destroyed",
            "evidence_kind": "site_visit",
            "assessed_by": "Visitor",
            "source": f.SourceFactory().pk,
            "description": "",
        },
    )
    assert response.status_code == 302
    assert ConditionAssessment.objects.get(condition="destroyed").review_status == ReviewStatus.PENDING
    church.refresh_from_db()
    assert church.current_condition == "intact"


def test_pending_restorations_stay_off_the_record_page(client, church):
    Restoration.objects.create(monument=church, status="planned", description="Secret plan", review_status="pending")
    assert "Secret plan" not in body(client.get(church.get_absolute_url()))
    Restoration.objects.update(review_status="approved")
    assert "Secret plan" in body(client.get(church.get_absolute_url()))


def test_an_editors_import_makes_pending_assessments_and_refuses_changes_to_public_ones(editor, church):
    source = f.SourceFactory()
    header = ["id", "monument", "observed_on", "condition", "evidence_kind", "source", "assessed_by"]
    handle, name = csv_file(header, [["", church.slug, "2023-02-01", "destroyed", "site_visit", source.pk, "Team"]])
    report = AssessmentImport(user=editor).run(read_rows(handle, name), dry_run=False)
    assert report.committed and not report.has_errors
    assert ConditionAssessment.objects.get(condition="destroyed").review_status == ReviewStatus.PENDING
    church.refresh_from_db()
    assert church.current_condition == "intact"

    intact = church.assessments.get(condition="intact")
    handle, name = csv_file(header, [[intact.pk, church.slug, "2020-05-01", "destroyed", "site_visit", source.pk, "X"]])
    report = AssessmentImport(user=editor).run(read_rows(handle, name), dry_run=False)
    assert not report.committed and "only a Publisher may change it" in str(report.invalid[0].errors)
    intact.refresh_from_db()
    assert intact.condition == "intact"
