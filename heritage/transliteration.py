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

import functools
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


# Phonetic keys: one spelling of a word's sound, for the spellings its languages and their English and Spanish
# transliterations give it (``phonetic_keys``). See the module notes in ``docs/developers/architecture.md#search``.
#
# A letter becomes a sound class. Classes are written in capitals while rules run (the letters being rewritten
# are lower case): X ʃ (sh ş ш š), C the affricates and ʒ (ch ç ч č ć ћ, j c дж џ đ ђ dj, zh ж ž, ts ц), H (h x
# kh х һ), G (g gh ğ г q). Where one letter is read two or three ways depending on the language, it is a
# placeholder and the word gets a key for each reading, the same reading for each occurrence in the word:
# j (English dʒ, Spanish x, Serbian y), q (Azerbaijani g, Russian к), ı and ы (i; u as in Bakı/Baku), ё (e as
# English writes Хрущёв, o as Spanish does), ğ and Cyrillic г (g; h or kh as in Qarabağ/Karabakh, Гейдар/Heydar),
# y before a vowel (a glide; dʒ as Spanish writes Azerbaiyán).
KEY_LETTERS = {
    # Cyrillic (Russian, Serbian, Ukrainian, Azerbaijani).
    "а": "a", "б": "b", "в": "v", "г": "W", "д": "d", "е": "e", "ё": "E", "ж": "C", "з": "z", "и": "i",
    "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "H", "ц": "C", "ч": "C", "ш": "X", "щ": "XC", "ъ": "", "ы": "I", "ь": "",
    "э": "e", "ю": "iu", "я": "ia", "і": "i", "ї": "i", "є": "ie", "ґ": "G", "ђ": "C", "ј": "i", "љ": "li",
    "њ": "ni", "ћ": "C", "џ": "C", "ә": "a", "ғ": "W", "ҝ": "G", "һ": "H", "ө": "o", "ү": "u", "ҹ": "C",
    "ҳ": "H", "қ": "k",
    # Latin letters whose sound the mark changes (other marks are dropped: é → e, ñ → n).
    "ş": "X", "š": "X", "ș": "X", "ç": "C", "č": "C", "ć": "C", "ž": "C", "đ": "C", "ğ": "W", "ə": "a",
    "ı": "I", "ö": "o", "ü": "u", "ä": "a", "ß": "s", "ø": "o", "ł": "l", "æ": "a", "œ": "o", "þ": "t",
    "ð": "d", "ħ": "H",
}  # fmt: skip
KEY_TRANSLATION = str.maketrans(KEY_LETTERS)
# English, Spanish and Serbian Latin digraphs, then single letters, in this order.
KEY_SPELLINGS = [
    ("tch", "C"), ("shch", "XC"), ("dzh", "C"), ("dj", "C"), ("dC", "C"), ("sh", "X"), ("ch", "C"), ("zh", "C"),
    ("kh", "H"), ("gh", "G"), ("ts", "C"), ("ph", "f"),
    ("x", "H"), ("h", "H"), ("c", "C"), ("j", "J"), ("q", "Q"), ("y", "Y"), ("w", "v"), ("z", "s"), ("g", "G"),
    ("e", "a"),
]  # fmt: skip
KEY_SPELLING = re.compile("|".join(re.escape(spelling) for spelling, _key in KEY_SPELLINGS))
KEY_OF_SPELLING = dict(KEY_SPELLINGS)
# Each placeholder's readings, the likeliest first. "Y" is a glide everywhere, or dʒ before a vowel.
READINGS = {"J": "CHi", "Q": "Gk", "I": "iu", "E": "ao", "W": "GH", "Y": "iC"}
MAX_KEYS_PER_WORD = 16
WORD_OR_NOT = re.compile(r"\w+")


def _spelled(word):
    """The word in sound classes and placeholders, or None when it is not written in Latin or Cyrillic letters."""
    text = unicodedata.normalize("NFC", unicodedata.normalize("NFC", word).casefold()).translate(KEY_TRANSLATION)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    if not text.isascii() or not text.isalpha():
        return None
    return KEY_SPELLING.sub(lambda m: KEY_OF_SPELLING[m.group()], text)


def _key(spelled):
    key = spelled.lower()  # the classes x, c, h, g; a i o u are the vowels now (e is a)
    key = re.sub(r"(.)\1+", r"\1", key)
    key = re.sub(r"i(?=[aiou])", "", key)  # a glide before a vowel: я ya ia, ё yo, ю yu, Serbian j
    key = re.sub(r"(?<=[aiou])h$", "", key)  # a final h after a vowel: -zadeh, -zadə
    return re.sub(r"(.)\1+", r"\1", key)


@functools.lru_cache(maxsize=65536)  # names repeat across records: an import computes each word's keys once
def word_keys(word):
    """The phonetic keys of one word: ``word_keys("Şuşa") == word_keys("Shusha") == word_keys("Шуша") == ("xuxa",)``.

    Several keys where a letter reads differently in different languages (see ``READINGS``); two spellings of a
    name match when they share a key. None (an empty tuple) for a word of fewer than two letters or of another script.
    """
    if len(word) < 2:
        return ()
    spelled = _spelled(word)
    if not spelled:
        return ()
    variants = [spelled]
    for placeholder, readings in READINGS.items():
        if placeholder not in spelled:
            continue
        expanded = []
        for variant in variants:
            for reading in readings:
                if placeholder == "Y" and reading == "C":
                    expanded.append(re.sub("Y(?=[aiouIE])", "C", variant).replace("Y", "i"))
                else:
                    expanded.append(variant.replace(placeholder, reading))
        variants = expanded[:MAX_KEYS_PER_WORD]
    return tuple(dict.fromkeys(key for key in map(_key, variants) if len(key) > 1))


def phonetic_keys(text):
    """Every word's keys in ``text``, each once, in order of appearance (what a record stores)."""
    keys = {}
    for word in WORD_OR_NOT.findall(unicodedata.normalize("NFC", text or "")):
        keys.update(dict.fromkeys(word_keys(word)))
    return list(keys)
