"""The one place where a monument's coordinates are turned into what the public sees (pages, map, exports).

Every public output calls ``public_point``; a later rule for sensitive locations (coarsening or hiding the
point) changes this function and nothing else. The map's clusters are averages over grid cells and carry no
single monument's point.
"""


def _get(record, name):
    return record.get(name) if isinstance(record, dict) else getattr(record, name, None)


def public_point(record):
    """``(latitude, longitude)`` as floats for a monument or a ``values()`` row, or ``None`` when it has none."""
    latitude, longitude = _get(record, "latitude"), _get(record, "longitude")
    if latitude is None or longitude is None:
        return None
    return round(float(latitude), 6), round(float(longitude), 6)
