"""Factories for test data. Records are published unless a test says otherwise."""

import datetime

import factory
from django.contrib.auth.models import Group, User

from heritage.models import IdentifierScheme, Place, PlaceKind, PublishStatus, Source
from meetings.models import (
    Event,
    Meeting,
    Organization,
    OrganizationKind,
    Outcome,
    OutcomeKind,
    Participant,
    Person,
    Topic,
)
from monuments.models import (
    Condition,
    ConditionAssessment,
    EvidenceKind,
    Monument,
    MonumentIdentifier,
    MonumentType,
    Registration,
    ReportedFigure,
    Restoration,
    RestorationStatus,
    RiskList,
    RiskListing,
    Significance,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    is_staff = True
    password = factory.django.Password("pass")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set(Group.objects.filter(name__in=extracted))


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    title = factory.Sequence(lambda n: f"Report number {n}")
    publisher = "Example News"
    published_on = datetime.date(2023, 5, 17)


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place

    name = factory.Sequence(lambda n: f"Place {n}")
    kind = PlaceKind.SETTLEMENT
    country = "AZ"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    kind = OrganizationKind.MINISTRY
    country = "AZ"
    status = PublishStatus.PUBLISHED


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Person {n}")
    status = PublishStatus.PUBLISHED


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    name = factory.Sequence(lambda n: f"Conference {n}")
    start_date = datetime.date(2022, 9, 28)
    end_date = datetime.date(2022, 9, 30)
    status = PublishStatus.PUBLISHED


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Topic {n}")


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    title = factory.Sequence(lambda n: f"Meeting {n}")
    date = datetime.date(2023, 3, 1)
    status = PublishStatus.PUBLISHED


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    meeting = factory.SubFactory(MeetingFactory)
    person = factory.SubFactory(PersonFactory)
    role = "Minister"


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome

    meeting = factory.SubFactory(MeetingFactory)
    kind = OutcomeKind.AGREEMENT
    text = "An agreement to cooperate."


class MonumentTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonumentType
        django_get_or_create = ("name",)

    name = "Mosque"


class MonumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Monument

    name = factory.Sequence(lambda n: f"Monument {n}")
    monument_type = factory.SubFactory(MonumentTypeFactory)
    status = PublishStatus.PUBLISHED


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    monument = factory.SubFactory(MonumentFactory)
    registry = "State register"
    number = factory.Sequence(lambda n: f"{n:05d}")
    significance = Significance.NATIONAL


class IdentifierSchemeFactory(factory.django.DjangoModelFactory):
    """A scheme by its code: the seeded ones (the migration heritage 0007) are found, others made."""

    class Meta:
        model = IdentifierScheme
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"scheme{n}")
    name = factory.LazyAttribute(lambda o: o.code.title())
    url_pattern = factory.LazyAttribute(lambda o: f"https://example.org/{o.code}/{{value}}")


class MonumentIdentifierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonumentIdentifier

    monument = factory.SubFactory(MonumentFactory)
    scheme = factory.SubFactory(IdentifierSchemeFactory)
    value = factory.Sequence(lambda n: f"Q{1000 + n}")


class ConditionAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConditionAssessment

    monument = factory.SubFactory(MonumentFactory)
    observed_on = datetime.date(2021, 6, 1)
    condition = Condition.DAMAGED
    evidence_kind = EvidenceKind.SITE_VISIT
    source = factory.SubFactory(SourceFactory)
    assessed_by = "Field team"


class RestorationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Restoration

    monument = factory.SubFactory(MonumentFactory)
    status = RestorationStatus.PLANNED


class RiskListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RiskList
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Heritage at risk list {n}")


class RiskListingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RiskListing

    monument = factory.SubFactory(MonumentFactory)
    risk_list = factory.SubFactory(RiskListFactory)
    listed_from = datetime.date(2003, 1, 1)
    source = factory.SubFactory(SourceFactory)


class ReportedFigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportedFigure

    statement = "Over 100 monuments destroyed."
    count = 100
    condition = Condition.DESTROYED
    reported_by = factory.SubFactory(OrganizationFactory)
    source = factory.SubFactory(SourceFactory)
    status = PublishStatus.PUBLISHED
