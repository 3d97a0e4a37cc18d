"""Meetings over time: a server-drawn chart with its table on the meeting list (for the current filters) and on the
pages of people, organizations, events, topics and countries; counts equal what the lists show."""

import datetime
import re

import pytest

from heritage.models import PublishStatus
from tests import factories as f

pytestmark = pytest.mark.django_db


def table(client, url):
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th><td>([^<]+)</td></tr>', body)
    return [(label, int(n.replace(",", ""))) for label, n in rows], body


@pytest.fixture
def meetings():
    minister = f.PersonFactory(name="Anar Karimov", slug="anar")
    for year, n in [(2019, 2), (2022, 3)]:
        for i in range(n):
            meeting = f.MeetingFactory(title=f"Talks {year}-{i}", date=datetime.date(year, 3, i + 1))
            f.ParticipantFactory(meeting=meeting, person=minister)
    f.MeetingFactory(title="Draft", date=datetime.date(2020, 1, 1), status=PublishStatus.DRAFT)
    return minister


def test_the_meeting_list_charts_every_year_from_the_first_to_the_last(client, meetings):
    rows, body = table(client, "/meetings/")
    # 2020 and 2021 are in the chart as 0: a gap in time shows as a gap; the draft of 2020 is not counted.
    assert rows == [("2019", 2), ("2020", 0), ("2021", 0), ("2022", 3)]
    assert '<svg viewBox="0 0 600 140" role="img"' in body
    assert body.count('class="chart-bar"') == 4


def test_the_chart_follows_the_filters(client, meetings):
    rows, _ = table(client, "/meetings/?date_from=2022-01-01")
    assert rows == [("2022", 3)]


def test_a_long_span_is_charted_by_decade(client):
    for year in (1955, 1961, 2021):
        f.MeetingFactory(date=datetime.date(year, 1, 1))
    rows, _ = table(client, "/meetings/")
    assert rows[0] == ("1950s", 1) and rows[1] == ("1960s", 1) and rows[-1] == ("2020s", 1)
    assert len(rows) == 8


def test_a_person_and_a_country_page_chart_their_meetings(client, meetings):
    rows, _ = table(client, "/people/anar/")
    assert rows == [("2019", 2), ("2020", 0), ("2021", 0), ("2022", 3)]


def test_no_meetings_no_chart(client):
    f.PersonFactory(name="Nobody", slug="nobody")
    _, body = table(client, "/people/nobody/")
    assert "<svg" not in body.split('id="meetings-heading"')[1]


def test_the_chart_numbers_are_not_localised_into_the_svg(client, meetings):
    # A decimal comma (ru, es, az) would break the drawing.
    body = client.get("/meetings/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    for value in re.findall(r'<rect class="chart-bar" x="([^"]+)" y="([^"]+)" width="([^"]+)" height="([^"]+)"', body):
        for number in value:
            float(number)
