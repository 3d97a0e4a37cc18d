"""The state-register extract (``sitewide/data/wlm_az_monuments.geojson``, Wikidata, CC0) loaded by ``load_demo``.

The file goes through the monument import as staff's GeoJSON files do (``heritage.transfer.files`` reads it); this
module only renames its Wikidata properties to the import's columns (``COLUMNS``) and adds what the file states
without a property: the registry, the country, the source. It invents nothing: the extract names no condition and
no type, so each monument has no assessment and the type "Type not recorded".
"""

import datetime
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from urllib.parse import unquote

from heritage.models import IdentifierScheme, Place, PlaceKind, Source, SourceKind
from heritage.transfer.files import read_rows
from monuments.importers import MonumentImport
from monuments.models import MonumentIdentifier, MonumentType

DATA_FILE = Path(__file__).resolve().parent / "data" / "wlm_az_monuments.geojson"

REGISTRY = "State register of immovable historical and cultural monuments of Azerbaijan"

NOT_RECORDED = {
    "name": "Type not recorded",
    "description": "The source of the record does not say what kind of monument it is.",
}

SOURCE = {
    "kind": SourceKind.DATABASE,
    "title": "Monuments of Azerbaijan's State register of immovable historical and cultural monuments (Wikidata)",
    "publisher": "Wikidata",
    "author": "Wikidata contributors, via Wiki Loves Monuments Azerbaijan",
    "url": "https://www.wikidata.org/",
    "retrieved_on": datetime.date(2026, 12, 1),
    "licence": "CC0 1.0",
    "language": "az",
    "notes": (
        "Wikidata items with the Azerbaijani heritage register property and coordinates, as compiled by the Wiki "
        "Loves Monuments Azerbaijan project (repository nemoralis/wlmaz, file public/monuments.geojson, commit "
        "d114f35f). It states names, register numbers, positions and short descriptions; no condition."
    ),
}

# The identifier schemes the extract uses (also created by the migration heritage 0007, for older databases).
SCHEMES = {
    "wikidata": ("Wikidata", "https://www.wikidata.org/wiki/{value}"),
    "commons": ("Wikimedia Commons category", "https://commons.wikimedia.org/wiki/Category:{value}"),
    "commons_file": ("Wikimedia Commons file", "https://commons.wikimedia.org/wiki/File:{value}"),
    "azwiki": ("Azerbaijani Wikipedia", "https://az.wikipedia.org/wiki/{value}"),
}

# The import's column for each property of the file, and how its text becomes the column's.
COLUMNS = {
    "itemLabel": "name",
    "itemAltLabel": "alternative_names",
    "itemDescription": "description",
    "inventory": "registration_number",
    "item": "wikidata",
    "commonsCategory": "commons",
    "image": "commons_file",
    "azLink": "azwiki",
    "latitude": "latitude",
    "longitude": "longitude",
}

MICRODEGREE = Decimal("0.000001")


def _last_segment(url):
    """The entry's name at the end of a Wikimedia address, decoded: ".../Special:FilePath/A%20b.jpg" → "A b.jpg"."""
    return unquote(url.rstrip("/").rsplit("/", 1)[-1]).replace("_", " ")


CONVERT = {
    # "Suraxanı atəşgahı, Atəşgah məbədi": the model keeps one alternative name per line.
    "alternative_names": lambda text: "\n".join(n.strip() for n in text.split(",") if n.strip()),
    "wikidata": _last_segment,
    "commons_file": _last_segment,
    "azwiki": lambda url: unquote(url.rstrip("/").rsplit("/wiki/", 1)[-1]).replace("_", " "),
    # Wikidata gives up to 9 decimals (millimetres); the register stores 6 (about 10 cm).
    "latitude": lambda text: str(Decimal(text).quantize(MICRODEGREE, ROUND_HALF_EVEN)),
    "longitude": lambda text: str(Decimal(text).quantize(MICRODEGREE, ROUND_HALF_EVEN)),
}


def extract_rows(path=DATA_FILE, skip_wikidata=()):
    """The import's header and rows for the file, leaving out the items in ``skip_wikidata``."""
    with open(path, "rb") as handle:
        rows = read_rows(handle, path.name)
        next(rows)  # the properties; the columns are COLUMNS'
        fixed = {"registry": REGISTRY, "monument_type": "not-recorded", "place": "azerbaijan", "status": "published"}
        fixed["name_language"] = "az"  # Wikidata's labels here are the Azerbaijani ones
        header = [*COLUMNS.values(), *fixed]
        images_seen = set()
        body = []
        for number, properties in rows:
            row = {}
            for prop, column in COLUMNS.items():
                text = properties.get(prop, "")
                row[column] = CONVERT[column](text) if text and column in CONVERT else text
            if row["wikidata"] in skip_wikidata:
                continue
            # One photograph shows both the Shirvanshahs' palace and its bath: linked from the first only, since an
            # identifier names one record.
            if row["commons_file"] in images_seen:
                row["commons_file"] = ""
            images_seen.add(row["commons_file"])
            body.append((number, {**row, **fixed}))
    return header, body


def load_register_extract():
    """Import the monuments of the extract that are not in the register yet (matched by their Wikidata item).

    Returns how many records were created. Raises ``RuntimeError`` naming the rows when the import refuses any.
    """
    created = 0
    for code, (name, url_pattern) in SCHEMES.items():
        created += IdentifierScheme.objects.get_or_create(
            code=code, defaults={"name": name, "url_pattern": url_pattern}
        )[1]
    _type, was_created = MonumentType.objects.get_or_create(slug="not-recorded", defaults=NOT_RECORDED)
    created += was_created
    _country, was_created = Place.objects.get_or_create(
        slug="azerbaijan", defaults={"name": "Azerbaijan", "kind": PlaceKind.COUNTRY, "country": "AZ"}
    )
    created += was_created
    source, was_created = Source.objects.get_or_create(
        title=SOURCE["title"], publisher=SOURCE["publisher"], defaults=SOURCE
    )
    created += was_created
    loaded = set(MonumentIdentifier.objects.filter(scheme__code="wikidata").values_list("value", flat=True))
    header, body = extract_rows(skip_wikidata=loaded)
    if not body:
        return created
    rows = iter([header, *body])
    result = MonumentImport(cite_source=source).run(rows, dry_run=False)
    if not result.committed:
        problems = [*result.file_errors, *(f"row {r.number}: {'; '.join(r.errors)}" for r in result.invalid[:5])]
        raise RuntimeError("The state-register extract was not loaded: " + " | ".join(problems))
    return created + result.counts.get("new", 0)
