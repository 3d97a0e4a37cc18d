"""The identifier schemes staff find ready: the catalogues the register's sources use most."""

from django.db import migrations

SCHEMES = [
    ("wikidata", "Wikidata", "https://www.wikidata.org/wiki/{value}", "A Wikidata item, e.g. Q754560."),
    (
        "commons",
        "Wikimedia Commons category",
        "https://commons.wikimedia.org/wiki/Category:{value}",
        "A category of Wikimedia Commons, without “Category:”, e.g. Ateshgah of Baku.",
    ),
    (
        "commons_file",
        "Wikimedia Commons file",
        "https://commons.wikimedia.org/wiki/File:{value}",
        "An image on Wikimedia Commons, by its file name (linked, never copied: it has its own licence).",
    ),
    (
        "azwiki",
        "Azerbaijani Wikipedia",
        "https://az.wikipedia.org/wiki/{value}",
        "The title of the article on the Azerbaijani Wikipedia.",
    ),
    ("geonames", "GeoNames", "https://www.geonames.org/{value}", "A GeoNames place number, e.g. 587084."),
    ("viaf", "VIAF", "https://viaf.org/viaf/{value}", "A Virtual International Authority File number."),
    (
        "whc",
        "UNESCO World Heritage List",
        "https://whc.unesco.org/en/list/{value}",
        "The number of a World Heritage property, e.g. 958.",
    ),
]


def add_schemes(apps, schema_editor):
    scheme = apps.get_model("heritage", "IdentifierScheme")
    for code, name, url_pattern, description in SCHEMES:
        scheme.objects.get_or_create(
            code=code, defaults={"name": name, "url_pattern": url_pattern, "description": description}
        )


class Migration(migrations.Migration):
    dependencies = [('heritage', '0008_external_identifiers_source_retrieval')]

    operations = [migrations.RunPython(add_schemes, migrations.RunPython.noop)]
