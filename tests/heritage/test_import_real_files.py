"""Files as they come (issue 14): a world heritage list with a country column, year-only dates and coordinates of
8+ decimals, in a workbook of several sheets; a list of state visits with start and end dates and the visitor's
title in the name; through the admin import and the commands. Bad files get row-numbered messages, nothing saved."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from heritage.models import Place
from meetings.importers import MeetingImport
from meetings.models import Meeting, Participant, Person
from monuments.importers import MonumentImport
from monuments.models import Monument, Registration, RiskListing
from tests import factories as f
from tests.heritage.test_imports import run, write_csv

pytestmark = pytest.mark.django_db

# A world heritage list, columns renamed to ours ("Country" → "Place"; "Date inscribed" → "Registered on"; its
# danger-list columns "Danger list", "In danger since", "In danger until" → "Risk list", "Risk since", "Risk until").
HERITAGE_HEADER = [
    "Name",
    "Monument type",
    "Place",
    "Latitude",
    "Longitude",
    "Registry",
    "Registration number",
    "Significance",
    "Registered on",
    "Risk list",
    "Risk since",
    "Risk until",
]
HERITAGE_ROWS = [
    ["Walled City of Baku", "Fortress", "Azerbaijan", "40.36666667", "49.83333333", "World Heritage List", "958",
     "World", "2000", "List of World Heritage in Danger", "2003", "2009"],
    ["Gobustan Rock Art", "Rock art", "azerbaijan", "40.11055556", "49.38111111", "World Heritage List", "1076",
     "world", "2007", "", "", ""],
    ["Historic Centre of Sheki", "fortress", "AZERBAIJAN", "41.2", "47.2", "World Heritage List", "1549", "World",
     "2019-07", "", "", ""],
]  # fmt: skip


def workbook(sheets):
    """An .xlsx upload: {sheet name: rows (the first the header)}, in order."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("whc-sites.xlsx", buffer.getvalue())


@pytest.fixture
def world():
    f.MonumentTypeFactory(name="Fortress", slug="fortress")
    f.MonumentTypeFactory(name="Rock art", slug="rock-art")
    f.MonumentTypeFactory(name="Mosque", slug="mosque")
    return f.PlaceFactory(name="Azerbaijan", slug="az", kind="country", country="AZ")


def test_a_world_heritage_workbook_through_the_admin(client, superuser, world):
    client.force_login(superuser)
    url = reverse("admin:monuments_monument_import")
    about = [["About this file"], ["Downloaded from the World Heritage Centre"]]
    upload = workbook({"About": about, "Sites": [HERITAGE_HEADER, *HERITAGE_ROWS]})
    response = client.post(url, {"file": upload})
    page = response.content.decode()
    # The first sheet is read, and said; it is not the data, so the other sheet is offered on the same upload.
    assert "Read the sheet “About” of the workbook." in page and "Its other sheets: “Sites”" in page
    assert response.context["result"].file_errors  # "About this file" is no column
    token = response.context["token"]
    assert 'name="preview_sheet"' in page and f'value="{token}"' in page

    response = client.post(url, {"token": token, "sheet": "Sites", "preview_sheet": "1"})
    result = response.context["result"]
    page = response.content.decode()
    assert result.counts == {"new": 3} and not result.has_errors
    assert "Read the sheet “Sites” of the workbook." in page
    assert "Latitude: rounded 40.36666667 to 40.366667." in page
    assert "Longitude: rounded 49.38111111 to 49.381111." in page
    assert result.noted == 2  # the third row's coordinates are stored as given
    assert Monument.objects.count() == 0  # a preview saves nothing
    assert 'name="sheet" value="Sites"' in page  # the confirmation reads the same sheet

    response = client.post(url, {"token": token, "sheet": "Sites", "confirm": "1"})
    assert response.status_code == 302
    baku = Monument.objects.get(name="Walled City of Baku")
    assert (baku.latitude, baku.longitude) == (Decimal("40.366667"), Decimal("49.833333"))
    assert baku.monument_type.name == "Fortress" and baku.place == world
    registration = Registration.objects.get(monument=baku)
    assert (registration.significance, registration.registered_on) == ("world", datetime.date(2000, 1, 1))
    assert registration.registered_precision == "year"  # "2000" is the year, not 1 January
    sheki = Registration.objects.get(number="1549")
    assert (sheki.registered_on, sheki.registered_precision) == (datetime.date(2019, 7, 1), "month")
    listing = RiskListing.objects.get(monument=baku)
    assert listing.risk_list.slug == "unesco-world-heritage-in-danger"
    assert (listing.listed_from, listing.listed_from_precision) == (datetime.date(2003, 1, 1), "year")
    assert (listing.listed_until, listing.listed_until_precision) == (datetime.date(2009, 1, 1), "year")
    assert baku.current_condition == "unknown"  # a listing is no statement of its condition
    baku.status = "published"
    baku.save()
    page = client.get(baku.get_absolute_url()).content.decode()
    assert "registered on 2000" in page and "1 January 2000" not in page
    assert "List of World Heritage in Danger" in page
    assert '<time datetime="2003-01-01">2003</time> – <time datetime="2009-01-01">2009</time>' in page


def test_a_world_heritage_workbook_through_the_command(tmp_path, world, capsys):
    path = tmp_path / "whc.xlsx"
    path.write_bytes(workbook({"About": [["About"]], "Sites": [HERITAGE_HEADER, *HERITAGE_ROWS]}).read())
    with pytest.raises(CommandError):
        call_command("import_monuments", str(path), "--sheet", "Nope")
    assert "no sheet “Nope”; its sheets: “About”, “Sites”" in capsys.readouterr().err
    call_command("import_monuments", str(path), "--sheet", "sites")  # the sheet's name, case aside
    out = capsys.readouterr().out
    assert "Read the sheet “Sites”. Other sheets (--sheet NAME): “About”." in out
    assert "row 2 " in out and "Latitude: rounded 40.36666667 to 40.366667." in out
    assert Monument.objects.count() == 3
    assert set(Registration.objects.values_list("registered_precision", flat=True)) == {"year", "month"}
    assert RiskListing.objects.count() == 1
    call_command("import_monuments", str(path), "--sheet", "Sites")  # again: nothing changes
    assert "3 unchanged" in capsys.readouterr().out
    assert Monument.objects.count() == 3 and RiskListing.objects.count() == 1


def test_a_danger_list_row_is_matched_then_its_end_added_and_bad_values_named(world):
    header = ["Name", "Monument type", "Registry", "Registration number", "Risk list", "Risk since", "Risk until"]
    row = ["Walled City of Baku", "Fortress", "World Heritage List", "958", "unesco-world-heritage-in-danger", "2003"]
    assert run(MonumentImport(), header, [[*row, ""]], dry_run=False).counts == {"new": 1}
    assert run(MonumentImport(), header, [[*row, ""]], dry_run=False).counts == {"unchanged": 1}
    # The same listing (same list, same start) gets its end: a change, not a second listing.
    result = run(MonumentImport(), header, [[*row, "2009-06"]], dry_run=False)
    assert result.counts == {"changed": 1}
    listing = RiskListing.objects.get()
    assert (listing.listed_until, listing.listed_until_precision) == (datetime.date(2009, 6, 1), "month")
    other = [*row[:3], "959"]
    result = run(MonumentImport(), header, [row[:4] + ["Red List of Castles", "2003", ""], other + ["", "", "2010"]])
    messages = " ".join(m for r in result.invalid for m in r.errors)
    assert "unknown list of heritage at risk “Red List of Castles”; known: " in messages
    assert "List of World Heritage in Danger (unesco-world-heritage-in-danger)" in messages
    assert "Risk list: name the list of heritage at risk" in messages  # the header as the file writes it
    result = run(MonumentImport(), header, [[*row[:5], "2003", "2001"]])
    assert "Risk until: the end of a listing cannot be before its start." in " ".join(result.invalid[0].errors)
    assert RiskListing.objects.count() == 1


def test_a_bad_heritage_list_gets_row_numbered_messages_naming_the_value_and_the_valid_ones(tmp_path, world, capsys):
    rows = [
        HERITAGE_ROWS[0],
        ["Pyramid of Giza", "Pyramid", "Egypt", "29.979234", "31.134202", "World Heritage List", "86", "World", "1979"],
        ["Somewhere", "Fortress", "Azerbaijan", "40.1", "49.1", "World Heritage List", "87", "Global", "1998-13"],
    ]
    path = write_csv(tmp_path, HERITAGE_HEADER, rows)
    with pytest.raises(CommandError, match="Nothing imported"):
        call_command("import_monuments", path)
    err = capsys.readouterr().err
    assert (
        "row 3 : Monument type: unknown monument type “Pyramid”; known: Fortress (fortress), Mosque (mosque), "
        "Rock art (rock-art)." in err
    )
    assert "Place: unknown place “Egypt”; known: Azerbaijan (az)." in err
    assert "row 4 : Significance: “Global” is not one of: world, national, local." in err
    assert "Registered on: " in err and "1998-13" in err
    assert Monument.objects.count() == 0 and Registration.objects.count() == 0


def test_related_records_are_matched_by_name_case_and_diacritics_aside(world):
    shusha = f.PlaceFactory(name="Şuşa", slug="shusha-city", alternative_names="Shusha\nШуша")
    result = run(
        MonumentImport(),
        ["name", "monument_type", "place"],
        [["A", "FORTRESS", "SUSA"], ["B", "rock ART", "Шуша"], ["C", "Mosque", "shusha"]],
        dry_run=False,
    )
    assert result.counts == {"new": 3}
    assert set(Monument.objects.values_list("place", flat=True)) == {shusha.pk}


def test_a_name_two_records_bear_is_refused_naming_both(world):
    f.PlaceFactory(name="Ağdam", slug="agdam-town")
    f.PlaceFactory(name="Agdam", slug="agdam-district")
    result = run(MonumentImport(), ["name", "monument_type", "place"], [["A", "Mosque", "AGDAM"]])
    assert result.invalid[0].errors == [
        "place: “AGDAM” names several places (agdam-district, agdam-town); give the slug of one."
    ]


def test_the_admin_preview_shows_what_a_changed_row_changes_before_saving(client, superuser, world):
    old = f.MonumentFactory(name="Old Mosque", slug="old-mosque", monument_type=f.MonumentTypeFactory(name="Church"))
    f.RegistrationFactory(monument=old, registry="State register", number="7", registered_on=datetime.date(1998, 1, 1))
    client.force_login(superuser)
    url = reverse("admin:monuments_monument_import")
    header = ["slug", "name", "monument_type", "latitude", "longitude", "registry", "registration_number",
              "registered_on"]  # fmt: skip
    row = ["old-mosque", "Old Friday Mosque", "Mosque", "40.5", "49.5", "State register", "7", "1998"]
    file = SimpleUploadedFile("m.csv", ("\ufeff" + ",".join(header) + "\n" + ",".join(row) + "\n").encode())
    response = client.post(url, {"file": file})
    assert response.context["result"].counts == {"changed": 1}
    changes = {column: (before, after) for column, before, after in response.context["result"].rows[0].changes}
    assert changes["name"] == ("Old Mosque", "Old Friday Mosque")
    assert changes["monument_type"] == ("Church", "Mosque")
    assert changes["latitude"] == ("", "40.5")
    assert changes["registered_on"] == ("day", "year")  # the same first day, now known only as a year
    page = response.content.decode()
    assert "“Old Mosque” → “Old Friday Mosque”" in page and "“Church” → “Mosque”" in page
    old.refresh_from_db()
    assert old.name == "Old Mosque"  # nothing saved before the confirmation


# Visits --------------------------------------------------------------------------------------------------------

# A list of state visits, columns renamed ("Visitor" → "Participant", "Country" → "Participant country").
VISITS_HEADER = ["Title", "Date", "End date", "Participant", "Participant country", "Date precision"]
VISITS_ROWS = [
    ["State visit of President Ilham Aliyev to France", "2022-10-05", "2022-10-07", "President Ilham Aliyev",
     "Azerbaijan", ""],
    ["Visit of Marshal Tito", "1971-05-02", "1971-05-04", "Marshal Josip Broz Tito", "Yugoslavia", ""],
    ["Visit of Josip Broz Tito", "1977", "", "Josip Broz Tito", "YU", ""],
    ["Soviet delegation", "1985-03", "1985-04", "Mikhail Gorbachev, General Secretary", "SU", ""],
    ["GDR visit", "1987-09-07", "1987-09-11", "Erich Honecker", "DD", "day"],
]  # fmt: skip


def test_a_list_of_state_visits_through_the_command(tmp_path, capsys):
    aliyev = f.PersonFactory(name="İlham Əliyev", slug="ilham-aliyev-person", alternative_names="Ilham Aliyev")
    path = write_csv(tmp_path, VISITS_HEADER, VISITS_ROWS)
    call_command("import_meetings", path, "--dry-run")
    out = capsys.readouterr().out
    # Who will be created is said before anything is: the names without their titles, each once.
    assert "To be created, people (3): Josip Broz Tito, Mikhail Gorbachev, Erich Honecker" in out
    assert Person.objects.count() == 1 and Meeting.objects.count() == 0

    call_command("import_meetings", path)
    assert Person.objects.count() == 4
    visit = Meeting.objects.get(title="State visit of President Ilham Aliyev to France")
    assert (visit.date, visit.end_date, visit.date_display) == (
        datetime.date(2022, 10, 5),
        datetime.date(2022, 10, 7),
        "5–7 October 2022",
    )
    participant = visit.participants.get()
    assert (participant.person, participant.role, participant.represented_country.code) == (aliyev, "President", "AZ")
    tito = Person.objects.get(name="Josip Broz Tito")
    assert Participant.objects.filter(person=tito).count() == 2
    assert set(Participant.objects.filter(person=tito).values_list("represented_country", flat=True)) == {"YU"}
    assert Meeting.objects.get(title="Visit of Josip Broz Tito").date_display == "1977"
    soviet = Meeting.objects.get(title="Soviet delegation")
    assert (soviet.date_precision, soviet.date_display) == ("month", "March–April 1985")
    gorbachev = soviet.participants.get()
    assert (gorbachev.person.name, gorbachev.role, gorbachev.represented_country.name) == (
        "Mikhail Gorbachev",
        "General Secretary",
        "USSR",
    )
    assert Meeting.objects.get(title="GDR visit").participants.get().represented_country.code == "DD"


def test_a_bad_list_of_visits_saves_nothing_and_creates_no_one(tmp_path, capsys):
    rows = [
        VISITS_ROWS[0],
        ["Backwards", "2022-10-07", "2022-10-05", "Someone New", "AZ", ""],
        ["Nowhere", "2022-10-07", "", "Someone Else", "Atlantis", ""],
        ["Too precise", "1998", "", "A Person", "AZ", "day"],
    ]
    with pytest.raises(CommandError, match="Nothing imported"):
        call_command("import_meetings", write_csv(tmp_path, VISITS_HEADER, rows))
    err = capsys.readouterr().err
    assert "row 3 : End date: The end date cannot be before the date." in err
    assert "row 4 : Participant country: “Atlantis” is not a country" in err and "SU USSR" in err
    assert "row 5 : Date: “1998” is a year, but date_precision says day." in err
    assert Meeting.objects.count() == 0 and Person.objects.count() == 0


def test_a_visit_of_several_days_on_its_page_feed_and_api(client):
    meeting = f.MeetingFactory(
        title="State visit", date=datetime.date(2022, 9, 30), end_date=datetime.date(2022, 10, 2), status="published"
    )
    assert "30 September – 2 October 2022" in client.get(meeting.get_absolute_url()).content.decode()
    assert "30 September – 2 October 2022" in client.get(reverse("meetings:meeting_feed")).content.decode()
    data = client.get(reverse("api:meeting_detail", args=[meeting.slug])).json()
    assert (data["date"], data["end_date"]) == ("2022-09-30", "2022-10-02")


def test_the_meeting_form_refuses_an_end_before_the_start(client, superuser):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:meetings_meeting_add"),
        {"title": "Backwards", "date": "2022-10-07", "end_date": "2022-10-05", "date_precision": "day"},
    )
    assert "The end date cannot be before the date." in response.content.decode()
    assert not Meeting.objects.exists()


# Types and places ----------------------------------------------------------------------------------------------


def test_types_and_places_imported_first_then_the_list_naming_them(tmp_path, client, capsys):
    """The countries of a heritage list and its types go in from files of their own (no admin form per record);
    a site across borders is a place in no single country."""
    types = write_csv(tmp_path, ["Name", "Description"], [["Fortress", ""], ["Rock art", "Petroglyphs"]], "t.csv")
    call_command("import_monument_types", types)
    places = write_csv(
        tmp_path,
        ["Name", "Kind", "Country", "Parent"],
        [
            ["Azerbaijan", "country", "AZ", ""],
            ["Absheron", "region", "Azerbaijan", "Azerbaijan"],  # its parent by name, from the row above
            ["Struve Geodetic Arc", "site", "", ""],  # ten countries, none of them its own
        ],
        "p.csv",
    )
    call_command("import_places", places)
    arc, absheron = Place.objects.get(name="Struve Geodetic Arc"), Place.objects.get(name="Absheron")
    assert arc.country == "" and absheron.parent.name == "Azerbaijan" and absheron.country == "AZ"
    assert absheron.path == f"{absheron.parent.path}{absheron.pk}/"  # "everything inside Azerbaijan" finds it

    rows = [["Struve Arc point", "Fortress", "Struve Geodetic Arc", "59.05694444", "24.35", "World Heritage List",
             "1187", "World", "2005"]]  # fmt: skip
    call_command("import_monuments", write_csv(tmp_path, HERITAGE_HEADER, rows, "m.csv"), verbosity=0)
    point = Monument.objects.get()
    point.status = "published"
    point.save()
    page = client.get(point.get_absolute_url())
    assert page.status_code == 200 and "Struve Geodetic Arc" in page.content.decode()
    assert client.get(reverse("api:monument_detail", args=[point.slug])).json()["place"]["country"] is None

    bad = write_csv(tmp_path, ["name", "country", "parent"], [["X", "Atlantis", ""], ["Y", "", "Nowhere"]], "b.csv")
    with pytest.raises(CommandError):
        call_command("import_places", bad)
    err = capsys.readouterr().err
    assert "row 2 : country: “Atlantis” is not a country" in err
    assert "row 3 : parent: unknown place “Nowhere”; known: " in err
    assert Place.objects.count() == 3


def test_a_list_of_visits_through_the_admin_lists_who_will_be_created_first(client, superuser):
    client.force_login(superuser)
    url = reverse("admin:meetings_meeting_import")
    header = ",".join(VISITS_HEADER)
    lines = "\n".join(",".join(f'"{cell}"' for cell in row) for row in VISITS_ROWS)
    file = SimpleUploadedFile("visits.csv", f"{header}\n{lines}\n".encode())
    response = client.post(url, {"file": file})
    page = response.content.decode()
    assert response.context["result"].counts == {"new": 5}
    created = page.index("The import will also create")
    assert created < page.index('id="import-counts"')  # before anything else of the preview
    assert "People (4): Ilham Aliyev, Josip Broz Tito, Mikhail Gorbachev, Erich Honecker" in page
    assert Person.objects.count() == 0 and Meeting.objects.count() == 0
    response = client.post(url, {"token": response.context["token"], "confirm": "1"})
    assert response.status_code == 302
    assert sorted(Person.objects.values_list("name", flat=True)) == [
        "Erich Honecker",
        "Ilham Aliyev",
        "Josip Broz Tito",
        "Mikhail Gorbachev",
    ]
    assert Meeting.objects.count() == 5 and Participant.objects.count() == 5


def test_the_preview_of_a_changed_meeting_names_its_participants_before_and_after():
    meeting = f.MeetingFactory(title="Talks", slug="talks", date=datetime.date(2022, 10, 5))
    anar = f.PersonFactory(name="Anar Karimov", slug="anar-karimov")
    f.ParticipantFactory(meeting=meeting, person=anar, role="Minister", represented_country="AZ")
    result = run(
        MeetingImport(),
        ["slug", "end_date", "participants"],
        [["talks", "2022-10-07", "Anar Karimov | | | Minister | AZ\nAudrey Azoulay | | | Director-General | FR"]],
    )
    assert result.counts == {"changed": 1}
    changes = {column: (old, new) for column, old, new in result.rows[0].changes}
    assert changes["end_date"] == ("", "2022-10-07")
    assert changes["participants"] == (
        "Anar Karimov |  |  | Minister | AZ",
        "Anar Karimov |  |  | Minister | AZ; Audrey Azoulay |  |  | Director-General | FR",
    )
    assert result.to_create == {"people": ["Audrey Azoulay"]}
