"""The demo data set: what the Azernews article of 5 October 2022 on MONDIACULT 2022 reports, and nothing more,
beside the monuments of the state register as Wikidata records them (``sitewide.register_extract``).

Unknown fields stay blank. The meetings took place during the conference (28–30 September 2022) but the
article gives no day, so their dates are recorded at month precision. Contested statements are kept as the
words of whoever made them, attributed through the source.

``load_demo()`` is idempotent and never overwrites a record that staff have since edited: it creates only
what is missing.
"""

import datetime

import reversion
from django.db import transaction

from heritage.models import DatePrecision, Place, PlaceKind, PublishStatus, Source, SourceKind
from heritage.search import update_search_index
from meetings.models import (
    Event,
    EventKind,
    FollowUp,
    Meeting,
    MeetingFormat,
    Organization,
    OrganizationKind,
    Outcome,
    OutcomeKind,
    Participant,
    Person,
    Topic,
)
from monuments.models import Condition, FigureQualifier, MonumentType, ReportedFigure
from sitewide.register_extract import load_register_extract

PUBLISHED = PublishStatus.PUBLISHED

MONUMENT_TYPES = [
    "Mosque",
    "Church",
    "Mausoleum",
    "Bridge",
    "Fortress",
    "Cemetery",
    "Archaeological site",
]

SOURCE = {
    "kind": SourceKind.NEWS_ARTICLE,
    "title": (
        "Azerbaijan's Culture Minister meets media, think tanks and Serbian and Mexican officials at MONDIACULT 2022"
    ),
    "publisher": "Azernews",
    "author": "Laman Ismayilova",
    "published_on": datetime.date(2022, 10, 5),
    "published_precision": DatePrecision.DAY,
    "language": "en",
    "cites": "the Culture Ministry of Azerbaijan",
    "notes": "The headline is not part of the seed text; this title describes the article.",
}

ORGANIZATIONS = {
    "unesco": {
        "name": "United Nations Educational, Scientific and Cultural Organization",
        "acronym": "UNESCO",
        "kind": OrganizationKind.INTERGOVERNMENTAL,
    },
    "ministry-of-culture-of-azerbaijan": {
        "name": "Ministry of Culture of Azerbaijan",
        "kind": OrganizationKind.MINISTRY,
        "country": "AZ",
    },
    "ministry-of-culture-and-information-of-serbia": {
        "name": "Ministry of Culture and Information of Serbia",
        "kind": OrganizationKind.MINISTRY,
        "country": "RS",
    },
    "ministry-of-culture-of-mexico": {
        "name": "Ministry of Culture of Mexico",
        "alternative_names": "Mexican Culture Ministry",
        "kind": OrganizationKind.MINISTRY,
        "country": "MX",
    },
}

PEOPLE = {
    "anar-karimov": {"name": "Anar Karimov", "alternative_names": "Anar Kərimov", "country": "AZ"},
    "stanko-blagojevic": {"name": "Stanko Blagojevic", "alternative_names": "Stanko Blagojević", "country": "RS"},
    "marina-nunez-bespalova": {
        "name": "Marina Nunez Bespalova",
        "alternative_names": "Marina Núñez Bespalova",
        "country": "MX",
    },
}

TOPICS = [
    "Damage to cultural heritage",
    "Restoration of cultural heritage",
    "Tolerance and intercultural dialogue",
    "Baku Process",
    "Peace4Culture",
    "Cooperation between cultural institutions",
    "Museum cooperation",
    "Mutual culture days",
    "Cooperation within UNESCO",
    "Protection of cultural heritage",
    "Illicit trade in cultural objects",
    "Cultural exchanges",
]

KARIMOV = {
    "person": "anar-karimov",
    "organization": "ministry-of-culture-of-azerbaijan",
    "role": "Minister of Culture",
    "country": "AZ",
}

MEETINGS = [
    {
        "slug": "karimov-media-and-think-tanks-mexico-2022",
        "title": "Anar Karimov meets representatives of media organizations and think tanks operating in Mexico",
        "format": MeetingFormat.BRIEFING,
        "summary": (
            "Azerbaijan's Culture Minister met representatives of leading media organizations and think tanks "
            "operating in Mexico as part of MONDIACULT 2022."
        ),
        "account": (
            "Azernews reports, citing the Culture Ministry of Azerbaijan, that the minister provided information "
            "on the damage caused to Azerbaijan's cultural heritage, which he attributed to the Armenian "
            "occupation, and on restoration works being carried out in what Azerbaijan calls the liberated "
            "territories.\n"
            "According to the same report, he said that mosques were destroyed and animals kept in them, and that "
            "many churches were vandalized; he spoke of Azerbaijan's traditions of tolerance and its contribution "
            "to intercultural dialogue, and highlighted activities planned within the Baku Process and the global "
            "call \u201cPeace4Culture\u201d."
        ),
        "topics": [
            "Damage to cultural heritage",
            "Restoration of cultural heritage",
            "Tolerance and intercultural dialogue",
            "Baku Process",
            "Peace4Culture",
        ],
        "participants": [
            KARIMOV,
            {"description": "Representatives of leading media organizations and think tanks operating in Mexico"},
        ],
        "outcomes": [
            {
                "kind": OutcomeKind.COMMITMENT,
                "text": (
                    "Anar Karimov stated that the Azerbaijani government is committed to the restoration of "
                    "cultural heritage in these areas and is determined to restore all historical and cultural "
                    "monuments that have been destroyed, regardless of their origin."
                ),
                "parties": ["ministry-of-culture-of-azerbaijan"],
            },
        ],
    },
    {
        "slug": "karimov-blagojevic-mexico-2022",
        "title": "Anar Karimov meets Serbian Deputy Minister of Culture and Information Stanko Blagojevic",
        "format": MeetingFormat.BILATERAL,
        "summary": (
            "The ministers discussed expanding cultural cooperation between Azerbaijan and Serbia, including ties "
            "between cultural institutions and museums, mutual culture days and cooperation within UNESCO."
        ),
        "account": (
            "Azernews reports, citing the Culture Ministry of Azerbaijan, that it was noted during the meeting that "
            "relations between the countries are developing in a number of important directions. The sides "
            "stressed the importance of expanding cooperation in culture, including deeper ties between cultural "
            "institutions and closer cooperation between museums, and expressed the hope that mutual culture days "
            "in both countries would contribute to this. It was noted that Azerbaijan and Serbia cooperate within "
            "UNESCO, where mutual support is of great importance."
        ),
        "topics": [
            "Cooperation between cultural institutions",
            "Museum cooperation",
            "Mutual culture days",
            "Cooperation within UNESCO",
        ],
        "participants": [
            KARIMOV,
            {
                "person": "stanko-blagojevic",
                "organization": "ministry-of-culture-and-information-of-serbia",
                "role": "Deputy Minister of Culture and Information",
                "country": "RS",
            },
        ],
        "outcomes": [
            {
                "kind": OutcomeKind.PROPOSAL,
                "text": "The sides expressed the hope that mutual culture days would be organised in both countries.",
                "parties": ["ministry-of-culture-of-azerbaijan", "ministry-of-culture-and-information-of-serbia"],
            },
        ],
    },
    {
        "slug": "karimov-nunez-bespalova-mexico-2022",
        "title": "Anar Karimov meets Mexico's Deputy Minister of Culture Marina Nunez Bespalova",
        "format": MeetingFormat.BILATERAL,
        "summary": (
            "A meeting with the Deputy Minister in charge of cultural development and leaders of several agencies "
            "under the Mexican Culture Ministry, on heritage protection and cultural exchanges."
        ),
        "account": (
            "Azernews reports, citing the Culture Ministry of Azerbaijan, that Anar Karimov informed the Mexican "
            "official about the damage caused to Azerbaijan's cultural heritage, which he attributed to the "
            "Armenian occupation, and about restoration works in what Azerbaijan calls the liberated territories, "
            "and underlined that cultural exchanges would strengthen cooperation between Azerbaijan and Mexico.\n"
            "Marina Nunez Bespalova said that Mexico has extensive experience in protecting cultural heritage and "
            "fighting the illegal trade in cultural objects. The report says that Mexico can provide training and "
            "expert assistance to Azerbaijan in these areas, and that Azerbaijani culture days in Mexico could "
            "help to introduce Azerbaijan in Mexico."
        ),
        "topics": [
            "Damage to cultural heritage",
            "Restoration of cultural heritage",
            "Protection of cultural heritage",
            "Illicit trade in cultural objects",
            "Cultural exchanges",
            "Mutual culture days",
        ],
        "participants": [
            KARIMOV,
            {
                "person": "marina-nunez-bespalova",
                "organization": "ministry-of-culture-of-mexico",
                "role": "Deputy Minister in charge of cultural development",
                "country": "MX",
            },
            {
                "organization": "ministry-of-culture-of-mexico",
                "description": "Leaders of several agencies under the Mexican Culture Ministry",
                "country": "MX",
            },
        ],
        "outcomes": [
            {
                "kind": OutcomeKind.OFFER,
                "text": (
                    "Mexico can provide training and expert assistance to Azerbaijan in the protection of cultural "
                    "heritage and the fight against illegal trade in cultural objects."
                ),
                "parties": ["ministry-of-culture-of-mexico"],
            },
            {
                "kind": OutcomeKind.PROPOSAL,
                "text": (
                    "Azerbaijani culture days in Mexico, noted as able to play an important role in introducing "
                    "Azerbaijan in Mexico."
                ),
                "parties": ["ministry-of-culture-of-azerbaijan", "ministry-of-culture-of-mexico"],
            },
        ],
    },
]

FIGURE = {
    "statement": (
        "Over 2,600 historical and cultural monuments, including 706 state-registered, were destroyed as a result "
        "of the almost three decades of the Armenian occupation of Azerbaijani lands."
    ),
    "qualifier": FigureQualifier.MORE_THAN,
    "count": 2600,
    "registered_count": 706,
    "condition": Condition.DESTROYED,
    "country": "AZ",
    "as_of": datetime.date(2022, 1, 1),
    "as_of_precision": DatePrecision.YEAR,
    # No notes: who states the figure, the source and that the register does not verify it are said by the page
    # itself (partials/figure.html, figures_note.html), in the reader's language.
    "notes": "",
}


@transaction.atomic
def load_demo(register=True):
    """Create every demo record that does not exist yet; return how many records were created.

    ``register``: also the 893 monuments of the state-register extract (``sitewide.register_extract``), beside
    the article's figure; tests that need only the article leave them out.
    """
    created = 0

    def get_or_create(model, lookup, defaults):
        nonlocal created
        obj, was_created = model.objects.get_or_create(**lookup, defaults=defaults)
        created += was_created
        return obj, was_created

    with reversion.create_revision():
        reversion.set_comment("Demo data loaded by load_demo")
        for name in MONUMENT_TYPES:
            get_or_create(MonumentType, {"name": name}, {})
        source, _ = get_or_create(Source, {"title": SOURCE["title"], "publisher": SOURCE["publisher"]}, SOURCE)
        mexico, _ = get_or_create(
            Place, {"slug": "mexico"}, {"name": "Mexico", "kind": PlaceKind.COUNTRY, "country": "MX"}
        )
        mexico_city, _ = get_or_create(
            Place,
            {"slug": "mexico-city"},
            {"name": "Mexico City", "kind": PlaceKind.SETTLEMENT, "country": "MX", "parent": mexico},
        )
        orgs = {
            slug: get_or_create(Organization, {"slug": slug}, {**data, "status": PUBLISHED})[0]
            for slug, data in ORGANIZATIONS.items()
        }
        people = {
            slug: get_or_create(Person, {"slug": slug}, {**data, "status": PUBLISHED})[0]
            for slug, data in PEOPLE.items()
        }
        topics = {name: get_or_create(Topic, {"name": name}, {})[0] for name in TOPICS}
        event, event_created = get_or_create(
            Event,
            {"slug": "mondiacult-2022"},
            {
                "name": "UNESCO World Conference on Cultural Policies and Sustainable Development – MONDIACULT 2022",
                "short_name": "MONDIACULT 2022",
                "kind": EventKind.CONFERENCE,
                "start_date": datetime.date(2022, 9, 28),
                "end_date": datetime.date(2022, 9, 30),
                "place": mexico_city,
                "organizer": orgs["unesco"],
                "description": (
                    "According to Azernews, the main goal of the conference is to shape a more robust and "
                    "resilient cultural sector, anchored in the perspectives of sustainable development and the "
                    "promotion of solidarity, peace and security, in line with the UN Secretary-General's report "
                    "Our Common Agenda (September 2021), which refers to culture as a global public good."
                ),
                "status": PUBLISHED,
            },
        )
        if event_created:
            event.sources.add(source)

        for data in MEETINGS:
            meeting, meeting_created = get_or_create(
                Meeting,
                {"slug": data["slug"]},
                {
                    "title": data["title"],
                    "date": datetime.date(2022, 9, 1),
                    "date_precision": DatePrecision.MONTH,
                    "event": event,
                    "place": mexico_city,
                    "format": data["format"],
                    "summary": data["summary"],
                    "account": data["account"],
                    "status": PUBLISHED,
                },
            )
            if not meeting_created:
                continue
            meeting.sources.add(source)
            meeting.topics.set([topics[name] for name in data["topics"]])
            for order, p in enumerate(data["participants"]):
                Participant.objects.create(
                    meeting=meeting,
                    order=order,
                    person=people.get(p.get("person")),
                    organization=orgs.get(p.get("organization")),
                    description=p.get("description", ""),
                    role=p.get("role", ""),
                    represented_country=p.get("country", ""),
                )
                created += 1
            for o in data["outcomes"]:
                # Every outcome in the article is the Azerbaijani ministry's account, as Azernews reports it.
                outcome = Outcome.objects.create(
                    meeting=meeting,
                    kind=o["kind"],
                    text=o["text"],
                    follow_up=FollowUp.OPEN,
                    stated_by=orgs["ministry-of-culture-of-azerbaijan"],
                )
                outcome.parties.set([orgs[slug] for slug in o["parties"]])
                outcome.sources.set([source])
                created += 1

        get_or_create(
            ReportedFigure,
            {"source": source, "count": FIGURE["count"], "condition": FIGURE["condition"]},
            {**FIGURE, "reported_by": orgs["ministry-of-culture-of-azerbaijan"], "status": PUBLISHED},
        )
    # Participants and topics are added after each meeting's save(): index the meetings with them.
    update_search_index(Meeting.objects.filter(slug__in=[m["slug"] for m in MEETINGS]))
    if register:
        created += load_register_extract()
    return created
