"""Nothing is lost in the admin: every model's deleted records keep their history and can be recovered there,
and multi-record actions (delete, publish, unpublish) change all the selected records or none.
"""

import datetime
import io
from html.parser import HTMLParser
from unittest import mock

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models.signals import pre_delete
from django.urls import reverse
from PIL import Image
from reversion.admin import VersionAdmin
from reversion.models import Version

from heritage.models import PublishStatus, Source
from meetings.models import Meeting
from monuments.models import Condition, ConditionAssessment, Monument, MonumentImage
from tests import factories as f

pytestmark = pytest.mark.django_db


class FormScraper(HTMLParser):
    """The values a browser would submit for the admin's main form, as the page renders them."""

    def __init__(self):
        super().__init__()
        self.data, self._select, self._textarea, self._in_form = {}, None, None, False

    def add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id", "").endswith("_form"):
            self._in_form = True
        if not self._in_form or not a.get("name") and tag != "option":
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.add(a["name"], a.get("value", "on"))
            elif kind not in ("submit", "file", "button", "image"):
                self.add(a["name"], a.get("value", ""))
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.add(self._select, a.get("value", ""))
        elif tag == "textarea":
            self._textarea = a["name"]
            self.add(self._textarea, "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._in_form = False

    def handle_data(self, data):
        if self._textarea:
            # Django writes a newline after <textarea>, which browsers drop.
            value = self.data[self._textarea][-1] + data
            self.data[self._textarea][-1] = value.removeprefix("\n")


def submit_as_shown(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    scraper = FormScraper()
    scraper.feed(response.content.decode())
    return client.post(url, scraper.data)


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(buffer, "PNG")
    return SimpleUploadedFile("x.png", buffer.getvalue())


# One record of every model the admin keeps history for, made outside the admin (so it has no history yet).
RECORDS = {
    Source: lambda: f.SourceFactory(title="A source to lose", notes="Notes"),
    "heritage.Place": lambda: f.PlaceFactory(name="A place to lose", alternative_names="Other"),
    "meetings.Meeting": lambda: f.OutcomeFactory(meeting=f.ParticipantFactory().meeting).meeting,
    "meetings.Event": lambda: f.EventFactory(description="An event"),
    "meetings.Person": lambda: f.PersonFactory(alternative_names="Alias"),
    "meetings.Organization": lambda: f.OrganizationFactory(acronym="ORG"),
    "meetings.Topic": lambda: f.TopicFactory(description="A topic"),
    "meetings.Participant": lambda: f.ParticipantFactory(role="Envoy"),
    "meetings.Outcome": lambda: f.OutcomeFactory(text="A promise"),
    Monument: lambda: f.ConditionAssessmentFactory(monument=f.RegistrationFactory().monument).monument,
    "monuments.MonumentType": lambda: f.MonumentTypeFactory(name="Caravanserai"),
    "monuments.Registration": lambda: f.RegistrationFactory(number="R-7"),
    ConditionAssessment: lambda: f.ConditionAssessmentFactory(description="Cracks"),
    "monuments.Restoration": lambda: f.RestorationFactory(description="Roof"),
    MonumentImage: lambda: MonumentImage.objects.create(
        monument=f.MonumentFactory(), image=png(), alt_text="A dome", credit="Staff"
    ),
    "monuments.ReportedFigure": lambda: f.ReportedFigureFactory(notes="As of then"),
    "monuments.RiskList": lambda: f.RiskListFactory(name="A list to lose", kept_by="A body"),
    "monuments.RiskListing": lambda: f.RiskListingFactory(listed_from=datetime.date(2003, 1, 1)),
}

# Set anew by the save that recovers the record (when, by whom) or derived from the rest.
SKIP_FIELDS = {"updated_at", "updated_by_id", "search_vector", "search_names", "search_text", "search_keys"}


def state(obj):
    values = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if f.attname not in SKIP_FIELDS}
    if values.get("created_at"):
        # django-reversion stores times as JSON, to the millisecond.
        values["created_at"] = values["created_at"].replace(microsecond=values["created_at"].microsecond // 1000 * 1000)
    return values


def model_of(key):
    from django.apps import apps

    return key if isinstance(key, type) else apps.get_model(key)


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_model_with_public_records_keeps_history_in_the_admin():
    keyed = {model_of(key) for key in RECORDS}
    versioned = {model for model, model_admin in admin.site._registry.items() if isinstance(model_admin, VersionAdmin)}
    assert keyed == versioned


@pytest.mark.parametrize("key", list(RECORDS), ids=lambda k: model_of(k).__name__)
def test_a_record_deleted_in_the_admin_keeps_its_history_and_is_recovered_there(
    client, superuser, key, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    model = model_of(key)
    obj = RECORDS[key]()
    before = state(obj)
    cascaded = [r for r in model._meta.related_objects if r.one_to_many and r.on_delete.__name__ == "CASCADE"]
    children = {r.name: list(getattr(obj, r.get_accessor_name()).values_list("pk", flat=True)) for r in cascaded}
    client.force_login(superuser)

    response = client.post(admin_url(model, "delete", obj.pk), {"post": "yes"})
    assert response.status_code == 302 and not model.objects.filter(pk=obj.pk).exists()

    [version] = Version.objects.get_deleted(model).filter(object_id=str(obj.pk))
    assert version.revision.user == superuser and version.revision.get_comment() == "Deleted"
    assert str(obj) in client.get(admin_url(model, "recoverlist")).content.decode()

    response = submit_as_shown(client, admin_url(model, "recover", version.pk))
    assert response.status_code == 302, response.content.decode()[:3000]
    recovered = model.objects.get(pk=obj.pk)
    assert state(recovered) == before
    # What the delete cascaded to (registrations, assessments, participants, outcomes…) comes back with it.
    for name, pks in children.items():
        rel = next(r for r in model._meta.related_objects if r.name == name)
        assert sorted(getattr(recovered, rel.get_accessor_name()).values_list("pk", flat=True)) == sorted(pks), name


def test_delete_selected_keeps_every_record_recoverable(client, superuser):
    sources = [f.SourceFactory(title=f"Lost {i}") for i in range(3)]
    client.force_login(superuser)
    client.post(
        admin_url(Source, "changelist"),
        {"action": "delete_selected", "_selected_action": [s.pk for s in sources], "post": "yes"},
    )
    assert not Source.objects.exists()
    assert Version.objects.get_deleted(Source).count() == 3


def test_delete_selected_that_fails_part_way_deletes_nothing_and_writes_no_history(client, superuser):
    sources = [f.SourceFactory(title=f"Kept {i}") for i in range(3)]
    seen = []

    def fail_on_the_second(sender, instance, **kwargs):
        seen.append(instance.pk)
        if len(seen) == 2:
            raise RuntimeError("disk full")

    client.force_login(superuser)
    pre_delete.connect(fail_on_the_second, sender=Source)
    try:
        with pytest.raises(RuntimeError):
            client.post(
                admin_url(Source, "changelist"),
                {"action": "delete_selected", "_selected_action": [s.pk for s in sources], "post": "yes"},
            )
    finally:
        pre_delete.disconnect(fail_on_the_second, sender=Source)
    assert len(seen) == 2
    assert Source.objects.count() == 3 and not Version.objects.exists()


def test_an_unpublish_action_that_fails_part_way_changes_nothing(client, publisher):
    meetings = [f.MeetingFactory() for _ in range(3)]
    original_save = Meeting.save
    calls = []

    def fail_on_the_third(self, *args, **kwargs):
        calls.append(self.pk)
        if len(calls) == 3:
            raise RuntimeError("connection lost")
        return original_save(self, *args, **kwargs)

    client.force_login(publisher)
    with mock.patch.object(Meeting, "save", fail_on_the_third), pytest.raises(RuntimeError):
        client.post(
            admin_url(Meeting, "changelist"), {"action": "unpublish", "_selected_action": [m.pk for m in meetings]}
        )
    assert set(Meeting.objects.values_list("status", flat=True)) == {PublishStatus.PUBLISHED}
    assert not Version.objects.exists()


def test_deleting_assessments_in_bulk_updates_the_current_condition(client, superuser):
    monument = f.MonumentFactory()
    f.ConditionAssessmentFactory(monument=monument, condition=Condition.DAMAGED)
    latest = f.ConditionAssessmentFactory(
        monument=monument, condition=Condition.DESTROYED, observed_on=monument.created_at.date()
    )
    monument.refresh_from_db()
    assert monument.current_condition == Condition.DESTROYED
    client.force_login(superuser)
    client.post(
        admin_url(ConditionAssessment, "changelist"),
        {"action": "delete_selected", "_selected_action": [latest.pk], "post": "yes"},
    )
    monument.refresh_from_db()
    assert monument.current_condition == Condition.DAMAGED
