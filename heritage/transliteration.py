"""Names in Latin letters: the one transliteration table, read by search and by slugs.

``LETTERS`` spells each letter that Unicode does not decompose into a Latin letter plus marks: Azerbaijani ə
and ı, a few other Latin letters (đ, ß, ø…), and Cyrillic. A Cyrillic letter becomes the Latin letter its
languages' Latin alphabets write, marks included (ш → š as in Serbian and ş in Azerbaijani; ч → č; ғ → ğ).
Then everything is decomposed (NFKD) and the marks are either dropped or spelled:

- **search** (``fold``) drops every mark, so "Şuşa", "Susa" and "Шуша" are all ``susa``, "Žiča" is ``zica``:
  a reader finds a name whether they type it with its diacritics, without them, or in the other script.
- **slugs** (``slugify``) spell the marks English romanisations spell as a digraph (BGN/PCGN): s, c and z with a
  caron or cedilla (š ş ш → sh, č ç ч → ch, ž ж → zh, щ → shch, ș → sh) and g with a breve (ğ ғ → gh); other
  marks are dropped (ü → u, ñ → n, ć → c). So "İçərişəhər" → ``icherisheher``, "Qız qalası" → ``qiz-qalasi``,
  "Şuşa" and "Шуша" → ``shusha``, "Хрущёв" → ``hrushchev``.

Choices, for both:

- ə → e, not a: Azerbaijanis typing without ə write e (Gence, Icherisheher), Azerbaijani Cyrillic's ә is its
  twin, and search has always folded it so; duplicate detection treats e and a alike anyway
  (``heritage.duplicates.normalise_name``).
- Only characters outside ASCII are transliterated. An ASCII letter stays as written, whatever the language:
  Azerbaijani x is "kh" in English (Naxçıvan, Nakhchivan), but a slug cannot tell it from the x of "Mexico", so
  "Xan sarayı" → ``xan-sarayi`` and "Mexico" → ``mexico``. For the same reason an ASCII name's slug is exactly
  what Django's ``slugify`` made before this table existed.
- Cyrillic х → h and ц → c (Serbian Latin and ISO 9, not BGN/PCGN's kh and ts), so Serbian names match their
  Latin spelling in search; й → y, ю → yu, я → ya as in English; ъ and ь are dropped.
"""

import re
import unicodedata

from django.utils.text import slugify as django_slugify

LETTERS = {
    # Latin letters that Unicode does not decompose into a base letter plus a mark.
    "ə": "e", "ı": "i", "đ": "dj", "ß": "ss", "ø": "o", "ł": "l", "æ": "ae", "œ": "oe", "þ": "th", "ð": "d",
    "ħ": "h",
    # Russian, Serbian and Ukrainian Cyrillic.
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ђ": "dj", "е": "e", "ё": "e", "ж": "ž", "з": "z",
    "и": "i", "й": "y", "ј": "j", "к": "k", "л": "l", "љ": "lj", "м": "m", "н": "n", "њ": "nj", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "ћ": "c", "у": "u", "ф": "f", "х": "h", "ц": "c", "ч": "č",
    "џ": "dž", "ш": "š", "щ": "šč", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    "і": "i", "ї": "i", "є": "e", "ґ": "g",
    # Azerbaijani Cyrillic (and Tajik ҳ), as the Azerbaijani Latin alphabet writes them.
    "ә": "e", "ғ": "ğ", "ҝ": "g", "һ": "h", "ө": "o", "ү": "u", "ҹ": "c", "ҳ": "h",
}  # fmt: skip
# Spellings with marks are stored decomposed (š as s + caron), so that one pass after decomposing deals with them.
TRANSLATION = str.maketrans({letter: unicodedata.normalize("NFKD", latin) for letter, latin in LETTERS.items()})

# After NFKD: the marks a slug spells as the "h" of a digraph (caron and cedilla on s, c, z; Romanian comma
# below on s; breve on g).
SPELLED_MARKS = re.compile("(?<=[scz])[\u030c\u0327]|(?<=s)\u0326|(?<=g)\u0306")


def _marks_dealt_with(text, spell_marks):
    if spell_marks:
        text = SPELLED_MARKS.sub("h", text)
    return "".join(c for c in text if not unicodedata.combining(c))


def _latin(text, *, spell_marks):
    # Translate before decomposing (й would otherwise lose its breve and become и), then drop or spell the marks.
    text = unicodedata.normalize("NFKD", text.casefold().translate(TRANSLATION))
    text = _marks_dealt_with(text, spell_marks).translate(TRANSLATION)
    if text.isascii():
        return text
    # Rare: a letter that decomposing freed from its mark (ѐ → е, ӂ → ж) was translated only just now, and its
    # spelling may bring a mark of its own (ж → ž); letters of other scripts (Chinese, Arabic) stay as they are.
    return _marks_dealt_with(unicodedata.normalize("NFKD", text), spell_marks)


def fold(text):
    """Text as search compares it: case-folded, marks dropped, Cyrillic in Latin letters.

    ``fold("Blagojević") == fold("Blagojevic") == "blagojevic"``; ``fold("Kərimov") == fold("Керимов") ==
    "kerimov"``; ``fold("Şuşa") == "susa"``. Punctuation stays, so websearch syntax survives.
    """
    if not text:
        return ""
    if text.isascii():  # the same result, without the Unicode passes (most of a big import's texts)
        return text.lower()
    # Turkish dotted capital İ lowercases to "i" + combining dot: casefold first, then drop the marks.
    return _latin(text, spell_marks=False)


def romanize(text):
    """``text`` with every character outside ASCII spelled in ASCII letters where it can be (see above)."""
    if not text or text.isascii():
        return text or ""
    return _latin(text, spell_marks=True)


def slugify(text):
    """The slug of a new record: ``slugify("İçərişəhər") == "icherisheher"``, ``slugify("Mexico") == "mexico"``.

    Django's ``slugify`` of the romanised text, so ASCII names keep the slugs they always had. Characters with no
    Latin spelling (Chinese, Arabic, emoji) are dropped, as before; an empty result leaves the caller's fallback.
    """
    return django_slugify(romanize(text))


def legacy_slugify(text):
    """The slug this project made before transliteration ("İçərişəhər" → "icrishr"): records keep the slugs they
    have (they are bookmarks), so an import naming such a record by its name still has to find it."""
    return django_slugify(text)
