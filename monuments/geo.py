"""The one place where a monument's coordinates are turned into what the public sees (pages, map, exports).

A monument marked ``location_sensitive`` (a place that looters or vandals would use) never has its exact point
published: the public gets the centre of the 0.1° × 0.1° grid square it lies in (at most about 8 km from the
monument, and the same point for every monument in that square). Python outputs call ``public_point`` (or
``point_for_public`` with the three values); SQL that groups or filters by position (the map data) uses
``public_coordinates`` — the same rule as an expression, so that neither a cluster average nor a bounding-box
filter can be computed from the exact point.
"""

from decimal import ROUND_FLOOR, Decimal

from django.db.models import Case, F, FloatField, Value, When
from django.db.models.functions import Cast, Floor

# Degrees per grid square for sensitive locations: 0.1° is about 11 km north–south.
COARSE_STEP = Decimal("0.1")
COARSE_CELLS_PER_DEGREE = 10
# Published monuments' coordinates keep the six decimals they are stored with (about 0.1 m).
EXACT_DECIMALS = 6


def _get(record, name):
    # A values() row must say whether the location is sensitive: a row without the key is a programming error,
    # and raising beats publishing an exact point by default.
    return record[name] if isinstance(record, dict) else getattr(record, name)


def coarsen(value):
    """The centre of the ``COARSE_STEP`` grid square that ``value`` (degrees) lies in, as a float."""
    cell = (Decimal(str(value)) / COARSE_STEP).to_integral_value(rounding=ROUND_FLOOR)
    return float((cell + Decimal("0.5")) * COARSE_STEP)


def public_point(record):
    """``(latitude, longitude)`` as floats for a monument or a ``values()`` row, or ``None`` when it has none.

    ``record`` needs ``latitude``, ``longitude`` and ``location_sensitive``.
    """
    return point_for_public(_get(record, "latitude"), _get(record, "longitude"), _get(record, "location_sensitive"))


def point_for_public(latitude, longitude, sensitive):
    """``public_point`` from the three values themselves (the exports read them as plain tuples)."""
    if latitude is None or longitude is None:
        return None
    if sensitive:
        return coarsen(latitude), coarsen(longitude)
    return round(float(latitude), EXACT_DECIMALS), round(float(longitude), EXACT_DECIMALS)


def _public_coordinate(field):
    # Floor on the stored decimal (exact on PostgreSQL, like ``coarsen``), then float for averaging.
    coarse = Cast(
        (Floor(field * COARSE_CELLS_PER_DEGREE) + Value(Decimal("0.5"))) / COARSE_CELLS_PER_DEGREE, FloatField()
    )
    return Case(
        When(location_sensitive=True, then=coarse), default=Cast(field, FloatField()), output_field=FloatField()
    )


def public_coordinates():
    """``public_point`` as SQL: ``annotate(**public_coordinates())`` adds ``public_latitude``/``public_longitude``."""
    return {
        "public_latitude": _public_coordinate(F("latitude")),
        "public_longitude": _public_coordinate(F("longitude")),
    }
