"""Every spelling of a name finds its record: the list of real name pairs in tests/data/name_spellings.csv, each
typed into the public search page as a reader of that language would type it (README there says where the
names come from). Runs on the database the suite runs on: SQLite by default, PostgreSQL with DATABASE_URL."""

import csv
from pathlib import Path

import pytest
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db

PAIRS_FILE = Path(__file__).resolve().parent.parent / "data" / "name_spellings.csv"
# Monuments in the list name their type in English as the register's vocabulary does ("Govhar Agha Mosque").
MONUMENT_TYPES = {"məscidi": "Mosque", "qalası": "Fortress", "kompleksi": "Mausoleum"}


def pairs():
    with PAIRS_FILE.open(encoding="utf-8") as lines:
        return list(csv.DictReader(lines))


def make_records(rows):
    """One published record per distinct name: a monument located in each place, monuments, people."""
    records = {}
    for row in rows:
        key = (row["kind"], row["record"])
        if key in records:
            continue
        if row["kind"] == "place":
            place = f.PlaceFactory(name=row["record"])
            records[key] = ("monuments", f.MonumentFactory(name=f"Heritage site {len(records)}", place=place).pk)
        elif row["kind"] == "monument":
            kind = next(name for word, name in MONUMENT_TYPES.items() if word in row["record"])
            monument_type = f.MonumentTypeFactory(name=kind)
            records[key] = ("monuments", f.MonumentFactory(name=row["record"], monument_type=monument_type).pk)
        else:
            records[key] = ("people", f.PersonFactory(name=row["record"]).pk)
    return records


def found(client, query):
    """{group: [pks]} of the public search page's results for ``query``."""
    response = client.get(reverse("heritage:search"), {"q": query})
    assert response.status_code == 200
    return {group["key"]: [obj.pk for obj in group["results"]] for group in response.context.get("groups", [])}


def test_the_list_has_fifty_real_pairs_in_every_language():
    rows = pairs()
    assert len(rows) >= 50
    assert {row["typed_in"] for row in rows} >= {"en", "es", "ru", "sr"}
    assert all(row["record"] != row["typed"] for row in rows)


def test_every_spelling_finds_its_record(client):
    rows = pairs()
    records = make_records(rows)
    misses = []
    for row in rows:
        group, pk = records[(row["kind"], row["record"])]
        if pk not in found(client, row["typed"]).get(group, []):
            misses.append(f"{row['typed']!r} ({row['typed_in']}) did not find {row['record']!r}")
    share = f"found {len(rows) - len(misses)} of {len(rows)} ({100 * (len(rows) - len(misses)) / len(rows):.0f}%)"
    assert not misses, share + ":\n" + "\n".join(misses)


def test_spellings_as_typed_come_before_phonetic_matches(client):
    written = f.MonumentFactory(name="Shusha music school")
    heard = f.MonumentFactory(name="Şuşa qalası")
    f.MonumentFactory(name="Unrelated bridge")
    assert found(client, "Shusha")["monuments"] == [written.pk, heard.pk]
    assert found(client, "Şuşa")["monuments"] == [heard.pk, written.pk]


def test_a_short_unrelated_word_does_not_match_every_name(client):
    rows = pairs()
    make_records(rows)
    for word in ["Ada", "Oba", "Kura", "Sala", "Nur"]:
        results = found(client, word)
        assert sum(len(pks) for pks in results.values()) <= 1, (word, results)


def test_phonetic_keys_need_the_whole_word(client):
    f.PersonFactory(name="Heydər Əliyev")
    assert found(client, "Aliyev")["people"]
    assert not found(client, "Aliy")["people"]
    assert not found(client, "Haydarov")["people"]
