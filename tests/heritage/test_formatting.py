"""Dates in the reader's language at the precision recorded (heritage.models.format_partial_date), on the pages."""

import datetime

import pytest
from django.utils import translation

from heritage.models import DatePrecision, format_partial_date
from tests import factories as f

DAY, MONTH, YEAR = datetime.date(2022, 10, 5), datetime.date(2022, 9, 1), datetime.date(2022, 1, 1)


@pytest.mark.parametrize(
    "language, day, month",
    [
        ("en", "5 October 2022", "September 2022"),
        ("ru", "5 октября 2022 г.", "сентябрь 2022 г."),
        ("es", "5 de octubre de 2022", "septiembre de 2022"),
        ("az", "5 oktyabr 2022", "sentyabr 2022"),
    ],
)
def test_a_date_is_written_as_its_language_writes_it_at_its_precision(language, day, month):
    with translation.override(language):
        assert format_partial_date(DAY, DatePrecision.DAY) == day
        assert format_partial_date(MONTH, DatePrecision.MONTH) == month
        assert format_partial_date(YEAR, DatePrecision.YEAR) == "2022"


@pytest.mark.django_db
def test_a_meeting_page_in_russian_dates_it_in_russian(client):
    f.MeetingFactory(title="Talks", slug="talks", date=DAY)
    body = client.get("/meetings/talks/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "5 октября 2022 г." in body and "October" not in body
