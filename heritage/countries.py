"""Countries that no longer exist, which a participant of a historical meeting may have represented: the former
countries of ISO 3166-3 under their old two-letter codes, added to django-countries' list by ``COUNTRIES_OVERRIDE``
(``config/settings.py``), so that every country field, filter and country page knows them.

Only codes that no current country has taken again: "CS" is Czechoslovakia (ISO 3166-3 CSHH), not the Serbia and
Montenegro of 2003–2006 that reused it (CSXX). Each carries the names files use, for imports matching by name.
"""

from django.utils.translation import gettext_lazy as _

FORMER_COUNTRIES = {
    "SU": {"names": [_("USSR"), _("Soviet Union"), _("Union of Soviet Socialist Republics")], "alpha3": "SUN"},
    "YU": {"names": [_("Yugoslavia"), _("Socialist Federal Republic of Yugoslavia")], "alpha3": "YUG"},
    "CS": {"names": [_("Czechoslovakia"), _("Czechoslovak Socialist Republic")], "alpha3": "CSK"},
    "DD": {"names": [_("East Germany"), _("German Democratic Republic"), _("GDR")], "alpha3": "DDR"},
    "YD": {"names": [_("South Yemen"), _("People’s Democratic Republic of Yemen")], "alpha3": "YMD"},
    "VD": {"names": [_("North Vietnam"), _("Democratic Republic of Vietnam")], "alpha3": "VDR"},
    "ZR": {"names": [_("Zaire")], "alpha3": "ZAR"},
    "BU": {"names": [_("Burma")], "alpha3": "BUR"},
    "TP": {"names": [_("East Timor")], "alpha3": "TMP"},
    "DY": {"names": [_("Dahomey")], "alpha3": "DHY"},
    "HV": {"names": [_("Upper Volta")], "alpha3": "HVO"},
    "RH": {"names": [_("Southern Rhodesia")], "alpha3": "RHO"},
    "AN": {"names": [_("Netherlands Antilles")], "alpha3": "ANT"},
}


def country_code(text, known):
    """The code of the country ``text`` names: a code ("AZ", "su"), or a name in English, case aside ("Soviet
    Union", "azerbaijan"); "" when it names none. ``known``: django-countries' ``countries``."""
    text = (text or "").strip()
    if not text:
        return ""
    if text.upper() in known:
        return text.upper()
    return known.by_name(text) or ""
