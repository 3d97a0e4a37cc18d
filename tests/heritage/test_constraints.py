"""The database itself refuses unsound rows, whatever path they come by."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from heritage.models import Place
from meetings.models import Event, Participant
from monuments.models import Monument, Registration, ReportedFigure, Restoration
from tests import factories as f

pytestmark = pytest.mark.django_db


def rejected(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_event_end_before_start_is_rejected():
    rejected(lambda: f.EventFactory(start_date=datetime.date(2022, 9, 30), end_date=datetime.date(2022, 9, 28)))


def test_event_same_day_is_accepted():
    f.EventFactory(start_date=datetime.date(2022, 9, 30), end_date=datetime.date(2022, 9, 30))
    assert Event.objects.count() == 1


def test_restoration_end_before_start_is_rejected():
    monument = f.MonumentFactory()
    rejected(
        lambda: Restoration.objects.create(
            monument=monument,
            status="completed",
            started_on=datetime.date(2023, 1, 2),
            ended_on=datetime.date(2022, 1, 2),
        )
    )


@pytest.mark.parametrize("lat,lng", [(95, 10), (-90.5, 10), (10, 181), (10, -180.1), (10, None), (None, 10)], ids=str)
def test_place_coordinates_out_of_range_or_half_given_are_rejected(lat, lng):
    rejected(lambda: f.PlaceFactory(latitude=lat, longitude=lng))


@pytest.mark.parametrize("lat,lng", [(95, 10), (10, 200)])
def test_monument_coordinates_out_of_range_are_rejected(lat, lng):
    rejected(lambda: f.MonumentFactory(latitude=lat, longitude=lng))


def test_coordinates_at_the_limits_are_accepted():
    f.PlaceFactory(latitude=-90, longitude=180)
    f.MonumentFactory(latitude=90, longitude=-180)
    assert Place.objects.count() == 1 and Monument.objects.count() == 1


def test_construction_years_must_be_ordered():
    rejected(lambda: f.MonumentFactory(built_from_year=1800, built_to_year=1700))
    assert f.MonumentFactory(built_from_year=-300, built_to_year=-100).period_display == "300 BCE–100 BCE"


def test_registration_number_is_unique_within_its_registry():
    f.RegistrationFactory(registry="State register", number="42")
    rejected(lambda: f.RegistrationFactory(registry="State register", number="42"))
    f.RegistrationFactory(registry="Local register", number="42")
    assert Registration.objects.filter(number="42").count() == 2


@pytest.mark.parametrize("factory", [f.MonumentFactory, f.PersonFactory, f.OrganizationFactory, f.EventFactory])
def test_slugs_are_unique(factory):
    factory(slug="same")
    rejected(lambda: factory(slug="same"))


def test_blank_slugs_are_filled_in_uniquely():
    first, second = f.MonumentFactory(name="Juma Mosque"), f.MonumentFactory(name="Juma Mosque")
    assert (first.slug, second.slug) == ("juma-mosque", "juma-mosque-2")


def test_participant_must_be_someone():
    meeting = f.MeetingFactory()
    rejected(lambda: Participant.objects.create(meeting=meeting))


def test_figure_registered_part_cannot_exceed_whole():
    rejected(lambda: f.ReportedFigureFactory(count=10, registered_count=11))
    assert ReportedFigure.objects.count() == 0


def test_place_path_includes_everything_inside():
    country = f.PlaceFactory(name="Azerbaijan", kind="country")
    region = f.PlaceFactory(parent=country)
    town = f.PlaceFactory(parent=region)
    other = f.PlaceFactory()
    assert set(country.with_descendants()) == {country, region, town}
    region.parent = other
    region.save()
    town.refresh_from_db()
    assert town.path.startswith(other.path)
    assert set(other.with_descendants()) == {other, region, town}
