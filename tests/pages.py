"""The page types that the quality gates check, in one place: add a page type here in one line.

Each entry maps a readable name to a function of the ``content`` (built by ``build_content()``) that returns the
page's path. The HTML checker, axe-core and the page-weight tests all read these tables.
"""

import datetime
from types import SimpleNamespace

from django.urls import reverse

from heritage.demo import load_demo
from heritage.models import DatePrecision
from meetings.models import Event, Meeting, Organization, Person, Topic
from monuments.models import Condition, EvidenceKind
from tests import factories as f


def build_content():
    """The demo data (MONDIACULT 2022) plus a monument with every part a monument page shows."""
    load_demo()
    source = f.SourceFactory(title="Field survey of the old town", author="A. Surveyor", url="https://example.org/s")
    monument = f.MonumentFactory(
        name="Juma Mosque",
        place=f.PlaceFactory(name="Old Town"),
        description="A mosque of the eighteenth century, rebuilt in the nineteenth.",
    )
    monument.sources.add(source)
    f.RegistrationFactory(monument=monument)
    f.ConditionAssessmentFactory(monument=monument, source=source, observed_on=datetime.date(2019, 1, 1))
    f.ConditionAssessmentFactory(
        monument=monument,
        source=source,
        condition=Condition.DESTROYED,
        evidence_kind=EvidenceKind.SATELLITE_IMAGERY,
        observed_on=datetime.date(2021, 3, 1),
        observed_precision=DatePrecision.MONTH,
    )
    f.RestorationFactory(monument=monument)
    return SimpleNamespace(
        monument=monument,
        source=source,
        meeting=Meeting.objects.get(slug="karimov-blagojevic-mexico-2022"),
        event=Event.objects.get(slug="mondiacult-2022"),
        person=Person.objects.get(slug="anar-karimov"),
        organization=Organization.objects.get(slug="unesco"),
        topic=Topic.objects.get(name="Baku Process"),
    )


PUBLIC_PAGES = {
    "home": lambda c: reverse("heritage:home"),
    "meeting list": lambda c: reverse("meetings:meeting_list"),
    "meeting detail": lambda c: c.meeting.get_absolute_url(),
    "event": lambda c: c.event.get_absolute_url(),
    "person": lambda c: c.person.get_absolute_url(),
    "organization": lambda c: c.organization.get_absolute_url(),
    "topic": lambda c: c.topic.get_absolute_url(),
    "country": lambda c: reverse("heritage:country_detail", args=["AZ"]),
    "source": lambda c: c.source.get_absolute_url(),
    "monument list": lambda c: reverse("monuments:monument_list"),
    "monument detail": lambda c: c.monument.get_absolute_url(),
}

# Admin pages the journeys use. The login page is checked signed out, the others signed in as an Editor.
ADMIN_PAGES = {
    "admin login": lambda c: reverse("admin:login"),
    "meeting changelist": lambda c: reverse("admin:meetings_meeting_changelist"),
    "meeting change form": lambda c: reverse("admin:meetings_meeting_change", args=[c.meeting.pk]),
    "meeting add form": lambda c: reverse("admin:meetings_meeting_add"),
    "person add popup": lambda c: reverse("admin:meetings_person_add") + "?_to_field=id&_popup=1",
    "meeting history": lambda c: reverse("admin:meetings_meeting_history", args=[c.meeting.pk]),
}
