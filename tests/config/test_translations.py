"""The interface in Azerbaijani, Russian and Spanish: every message of ours translated, each translation keeping
its placeholders and markup, the compiled catalogs matching their sources, and no message in the code missing
from the catalogs (gathered as `make messages` gathers them, in a copy of the project)."""

import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ["az", "ru", "es"]
SOURCES = ["api", "config", "heritage", "meetings", "monuments", "sitewide", "templates", "manage.py", "locale"]
# %(name)s, %s, %d, {name}, and HTML tags by name: what a translation must carry over.
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_0-9]*\}|</?[a-z]+\b")


def catalog(language):
    return polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))


def placeholders(text):
    return Counter(PLACEHOLDER.findall(text))


def problems(po):
    """(msgid, what is wrong) for each entry of ``po`` that is untranslated, fuzzy, or breaks its placeholders."""
    found = []
    for entry in po:
        if entry.obsolete:
            continue
        if entry.fuzzy:
            found.append((entry.msgid, "fuzzy"))
            continue
        if not entry.translated():
            found.append((entry.msgid, "untranslated"))
            continue
        if entry.msgid_plural:
            allowed = set(placeholders(entry.msgid)) | set(placeholders(entry.msgid_plural))
            for form in entry.msgstr_plural.values():
                if extra := set(placeholders(form)) - allowed:
                    found.append((entry.msgid, f"placeholders not in the original: {sorted(extra)}"))
            other = entry.msgstr_plural[max(entry.msgstr_plural)]
            if set(placeholders(other)) != set(placeholders(entry.msgid_plural)):
                found.append((entry.msgid, "the plural forms do not keep the original's placeholders"))
        elif placeholders(entry.msgstr) != placeholders(entry.msgid):
            found.append(
                (entry.msgid, f"placeholders {dict(placeholders(entry.msgstr))}, not {dict(placeholders(entry.msgid))}")
            )
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_with_its_placeholders(language):
    found = problems(catalog(language))
    assert not found, f"locale/{language}/LC_MESSAGES/django.po:\n" + "\n".join(f"  {m!r}: {w}" for m, w in found)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalog_is_the_catalog(language):
    po = catalog(language)
    mo = polib.mofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.mo"))

    def translation(entry):
        return entry.msgstr, {int(form): text for form, text in entry.msgstr_plural.items()}

    compiled = {(e.msgctxt, e.msgid): translation(e) for e in mo}
    stale = [e.msgid for e in po.translated_entries() if compiled.get((e.msgctxt, e.msgid)) != translation(e)]
    assert not stale, f"locale/{language}/LC_MESSAGES/django.mo is stale: run `make messages` ({stale[:5]}…)"


def test_the_checker_finds_what_breaks_a_translation():
    po = polib.POFile()
    po.append(polib.POEntry(msgid="Hello %(name)s", msgstr="Salam"))
    po.append(polib.POEntry(msgid="Untranslated", msgstr=""))
    po.append(polib.POEntry(msgid="<strong>%(n)s</strong> sources", msgstr="<strong>%(n)s</strong> mənbə"))
    po.append(polib.POEntry(msgid="Fuzzy", msgstr="Qeyri-dəqiq", flags=["fuzzy"]))
    plural = polib.POEntry(msgid="%(n)s result", msgid_plural="%(n)s results", msgstr_plural={0: "%(n)s", 1: "x"})
    po.append(plural)
    assert [msgid for msgid, _ in problems(po)] == ["Hello %(name)s", "Untranslated", "Fuzzy", "%(n)s result"]


@pytest.mark.skipif(not shutil.which("xgettext"), reason="needs GNU gettext's xgettext (Debian's gettext)")
def test_every_message_in_the_code_is_in_the_catalogs(tmp_path):
    """What `make messages` would gather from the code today is what the catalogs hold: a string marked for
    translation and not yet in them is a missing translation too."""
    for name in SOURCES:
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, tmp_path / name)
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "--no-obsolete",
            "--add-location=file",
            *[f"-l{lang}" for lang in LANGUAGES],
        ],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        env={"DJANGO_SETTINGS_MODULE": "config.test_settings", "PATH": "/usr/bin:/bin", "DEBUG": "1"},
    )
    for language in LANGUAGES:
        gathered = {
            (e.msgctxt, e.msgid)
            for e in polib.pofile(str(tmp_path / "locale" / language / "LC_MESSAGES" / "django.po"))
        }
        held = {(e.msgctxt, e.msgid) for e in catalog(language) if not e.obsolete}
        missing = sorted(msgid for _, msgid in gathered - held)
        assert not missing, f"not in locale/{language} (run `make messages`, then translate): {missing[:10]}"


# Text in other languages (the switcher names each language in its own) and code are not visible text of ours.
# Search snippets quote the records' own text.
VISIBLE = re.compile(
    r"<(script|style)\b.*?</\1>|<(a|span)\b[^>]*\blang=[^>]*>.*?</\2>|<span class=\"snippet\">.*?</span>|<[^>]+>", re.S
)


def english_left(text, po):
    """The msgids of ``po`` that appear verbatim as visible text of ``text`` though their translation differs
    (a string of ours left in English). Single words and strings with placeholders are skipped: they cannot be told
    from the records' own English text, such as an organization called "Ministry of …"."""
    visible = " ".join(VISIBLE.sub(" ", text).split())
    left = []
    for entry in po:
        msgid = entry.msgid
        if entry.obsolete or " " not in msgid.strip() or placeholders(msgid) or "%" in msgid or entry.msgstr == msgid:
            continue
        if re.search(r"(?<![\w])" + re.escape(msgid) + r"(?![\w])", visible):
            left.append(msgid)
    return left


def test_english_left_finds_an_untranslated_visible_string():
    po = polib.POFile()
    po.append(polib.POEntry(msgid="Skip to content", msgstr="Перейти к содержанию"))
    assert english_left("<nav>Перейти к содержанию</nav><script>var a = 'Skip to content'</script>", po) == []
    assert english_left('<a lang="en" href="/">Skip to content</a><p>Skip to content</p>', po) == ["Skip to content"]


def english_on_pages(client, pages, language, all_found=False, **get_kwargs):
    """``{page: english_left(…)}`` for each page of ``pages`` (asked for with ``get_kwargs``) that shows English
    strings of ours; with ``all_found``, each page must also answer 200 in ``language``. English is active again
    afterwards."""
    po = catalog(language)
    found = {}
    for page in pages:
        response = client.get(page, **get_kwargs)
        if all_found:
            assert response.status_code == 200, page
            assert response.headers["Content-Language"] == language, page
        if left := english_left(response.content.decode(), po):
            found[page] = left
    translation.activate("en")
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_page_in_az_ru_or_es_shows_no_english_string_of_ours(client, demo, language):
    from heritage.models import Source
    from meetings.models import Event, Meeting, Organization, Person, Topic
    from tests import factories as f

    monument = f.ConditionAssessmentFactory().monument
    meeting = Meeting.objects.published().first()
    # Every public page type: the lists, each kind of record page, the network, a country, a source, the 404.
    records = [Person, Organization, Event]
    pages = [
        "/",
        "/monuments/",
        monument.get_absolute_url(),
        "/meetings/",
        meeting.get_absolute_url(),
        "/meetings/network/",
        *(model.objects.published().first().get_absolute_url() for model in records),
        Topic.objects.filter(meetings__isnull=False).first().get_absolute_url(),
        Source.objects.first().get_absolute_url(),
        "/countries/AZ/",
        "/figures/",
        "/search/?q=culture",
        "/monuments/map/",
    ]
    found = english_on_pages(client, [f"/{language}{page}" for page in pages], language, all_found=True)
    found |= english_on_pages(client, [f"/{language}/monuments/no-such-monument/"], language)  # the 404 page
    assert not found, f"English strings of ours on {language} pages: {found}"


NAMED_RECORD_ADMINS = [
    "meetings_event",
    "meetings_person",
    "meetings_organization",
    "meetings_topic",
    "heritage_place",
    "monuments_monumenttype",
    "heritage_source",
]


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_staff_page_in_az_ru_or_es_shows_no_english_string_of_ours(client, superuser, demo, language):
    """The staff area answers in the browser's language (it has no prefix): the dashboard, lists, forms, the import
    page, the review queue and a history page read in it, Django's own words and ours alike."""
    from django.urls import reverse

    from meetings.models import Meeting
    from tests import factories as f

    monument = f.ConditionAssessmentFactory().monument
    meeting = Meeting.objects.published().first()
    pages = [
        reverse("admin:index"),
        reverse("admin:monuments_monument_changelist"),
        reverse("admin:monuments_monument_add"),
        reverse("admin:monuments_monument_change", args=[monument.pk]),
        reverse("admin:monuments_monument_history", args=[monument.pk]),
        reverse("admin:monuments_monument_import"),
        reverse("admin:meetings_meeting_changelist"),
        reverse("admin:meetings_meeting_change", args=[meeting.pk]),
        reverse("admin:meetings_meeting_import"),
        reverse("admin:meetings_person_import"),
        reverse("admin:heritage_proposal_changelist"),
        reverse("admin:monuments_conditionassessment_changelist"),
        # The other named records' forms, with their names in each language.
        *(reverse(f"admin:{name}_add") for name in NAMED_RECORD_ADMINS),
    ]
    client.force_login(superuser)
    found = english_on_pages(client, pages, language, all_found=True, headers={"accept-language": language})
    assert not found, f"English strings of ours on {language} staff pages: {found}"
