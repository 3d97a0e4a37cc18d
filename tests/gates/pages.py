"""The page types that the quality gates check, in one place: add a page type here in one line.

Each entry maps a readable name to a function of the ``content`` (built by ``build_content()``) that returns the
page's path. The HTML checker, axe-core, the page-weight tests and the small-screen journey all read these tables.
"""

import datetime
import io
from decimal import Decimal
from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from heritage.models import DatePrecision, PublishStatus
from meetings.models import Event, Meeting, Organization, Person, Topic
from monuments.models import Condition, EvidenceKind, MapCell, Monument, MonumentImage, MonumentType
from sitewide.demo import load_demo
from tests import factories as f

# A word that finds a record of every kind the search shows: monuments, meetings, people, organizations, events.
SEARCH_WORD = "culture"


def png_bytes():
    """A photograph wide enough for renditions, so that the page offers them (``srcset``) to the checkers."""
    buffer = io.BytesIO()
    Image.new("RGB", (1000, 750), "#8a6d3b").save(buffer, "PNG")
    return buffer.getvalue()


def build_content():
    """The demo data (MONDIACULT 2022) plus a monument with every part a monument page shows."""
    load_demo()
    source = f.SourceFactory(title="Field survey of the old town", author="A. Surveyor", url="https://example.org/s")
    monument = f.MonumentFactory(
        name="Juma Mosque",
        place=f.PlaceFactory(name="Old Town"),
        description="A mosque of the eighteenth century, rebuilt in the nineteenth; a centre of the town's culture.",
        latitude=Decimal("40.409264"),
        longitude=Decimal("49.867092"),
        built_from_year=1740,
        built_to_year=1760,
        built_approximate=True,
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
    MonumentImage.objects.create(
        monument=monument,
        image=ContentFile(png_bytes(), name="juma.png"),
        caption="The prayer hall from the courtyard",
        alt_text="A brick prayer hall with a dome, seen across a paved courtyard",
        credit="A. Surveyor",
        licence="CC BY 4.0",
        source=source,
    )
    # Someone whose description matches SEARCH_WORD, so the search page shows a group of people too.
    f.PersonFactory(name="Leyla Mammadova", description="Historian of the region's culture and architecture.")
    monument.refresh_from_db()
    return SimpleNamespace(
        monument=monument,
        source=source,
        meeting=Meeting.objects.get(slug="karimov-blagojevic-mexico-2022"),
        event=Event.objects.get(slug="mondiacult-2022"),
        person=Person.objects.get(slug="anar-karimov"),
        organization=Organization.objects.get(slug="unesco"),
        topic=Topic.objects.get(name="Baku Process"),
    )


# Rows enough that each list draws a numbered pager with an ellipsis in it (50 a page: 1 2 3 … 6).
LONG_LIST_ROWS = 260


def add_long_lists(content):
    """Published monuments and meetings, made in bulk, enough for both lists to draw their numbered pagers.

    The monuments lie on a grid of points a few kilometres apart around the demo's region, so the world map
    draws them as cluster markers of several sizes side by side (and a few lone points further out). Made
    with ``bulk_create`` (no signals), so the map's counted cells are rebuilt here.
    """
    mosque = MonumentType.objects.get_or_create(name="Mosque")[0]
    place = content.monument.place
    Monument.objects.bulk_create(
        Monument(
            name=f"Listed monument {i:03d}",
            slug=f"listed-monument-{i:03d}",
            monument_type=mosque,
            place=place,
            status=PublishStatus.PUBLISHED,
            # Rows of 20 points 0.3° apart, groups 4° apart: clusters of different counts near each other.
            latitude=Decimal(38 + (i // 40) * 4 + (i % 20) * 0.3).quantize(Decimal("0.000001")),
            longitude=Decimal(40 + (i % 40 // 20) * 6 + (i % 7) * 0.2).quantize(Decimal("0.000001")),
        )
        for i in range(LONG_LIST_ROWS)
    )
    MapCell.objects.rebuild()
    Meeting.objects.bulk_create(
        Meeting(
            title=f"Listed meeting {i:03d}",
            slug=f"listed-meeting-{i:03d}",
            date=datetime.date(2020, 1, 1) + datetime.timedelta(days=i),
            status=PublishStatus.PUBLISHED,
        )
        for i in range(LONG_LIST_ROWS)
    )
    return content


def monuments(query=""):
    return reverse("monuments:monument_list") + query


PUBLIC_PAGES = {
    "home": lambda c: reverse("heritage:home"),
    "search": lambda c: reverse("heritage:search") + f"?q={SEARCH_WORD}",
    "figures": lambda c: reverse("heritage:figures"),
    "meeting list": lambda c: reverse("meetings:meeting_list"),
    "meeting list filtered": lambda c: reverse("meetings:meeting_list") + "?country=RS&topic=museum-cooperation",
    "meeting network": lambda c: reverse("meetings:meeting_network"),
    "meeting network by organization": lambda c: reverse("meetings:meeting_network") + "?by=organization",
    "meeting detail": lambda c: c.meeting.get_absolute_url(),
    "event": lambda c: c.event.get_absolute_url(),
    "person": lambda c: c.person.get_absolute_url(),
    "organization": lambda c: c.organization.get_absolute_url(),
    "topic": lambda c: c.topic.get_absolute_url(),
    "country": lambda c: reverse("heritage:country_detail", args=["AZ"]),
    "source": lambda c: c.source.get_absolute_url(),
    "monument list": lambda c: monuments(),
    "monument list filtered": lambda c: monuments("?type=mosque&condition=destroyed&condition=damaged&country=AZ"),
    "monument list invalid filter": lambda c: monuments("?built_after=soon&condition=destroyed"),
    "monument detail": lambda c: c.monument.get_absolute_url(),
    "monument map": lambda c: reverse("monuments:monument_map") + "?condition=destroyed",
    "monument map with clusters": lambda c: reverse("monuments:monument_map"),
    "not found": lambda c: reverse("monuments:monument_detail", args=["no-such-monument"]),
}

# The status each page answers with, where it is not 200.
PAGE_STATUS = {"not found": 404}

# Admin pages the journeys use. The login page is checked signed out, the others signed in as an Editor.
ADMIN_PAGES = {
    "admin login": lambda c: reverse("admin:login"),
    "admin index with the dashboard": lambda c: reverse("admin:index"),
    "meeting changelist": lambda c: reverse("admin:meetings_meeting_changelist"),
    "meeting change form": lambda c: reverse("admin:meetings_meeting_change", args=[c.meeting.pk]),
    "meeting add form": lambda c: reverse("admin:meetings_meeting_add"),
    "person add popup": lambda c: reverse("admin:meetings_person_add") + "?_to_field=id&_popup=1",
    "meeting history": lambda c: reverse("admin:meetings_meeting_history", args=[c.meeting.pk]),
    "monument import preview": lambda c: reverse("admin:monuments_monument_import"),
}

# A CSV the import preview is shown for: one good row and one invalid, so both tables of the preview appear.
IMPORT_PREVIEW_CSV = b"slug,name,monument_type\n,Blue Mosque,mosque\n,Red Bridge,no-such-type\n"
