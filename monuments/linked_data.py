"""A monument's record page as schema.org ``LandmarksOrHistoricalBuildings`` (heritage.linked_data)."""

from heritage.linked_data import citations, place, thing


def monument_json_ld(request, monument, point):
    """``point``: the public one (``monuments.geo.public_point``), coarsened for a sensitive site; never the exact."""
    return thing(
        request,
        monument,
        "LandmarksOrHistoricalBuildings",
        additionalType=monument.monument_type.name,
        geo={"@type": "GeoCoordinates", "latitude": float(point[0]), "longitude": float(point[1])} if point else None,
        containedInPlace=place(monument.place),
        identifier=[
            {"@type": "PropertyValue", "propertyID": registration.registry, "value": registration.number}
            for registration in monument.registrations.all()
            if registration.number
        ],
        # The year construction began, when it is known to the year (ISO 8601 "YYYY"); not an approximate period.
        dateCreated=(
            f"{monument.built_from_year:04d}"
            if monument.built_from_year and monument.built_from_year > 0 and not monument.built_approximate
            else None
        ),
        citation=citations(request, monument.sources.all()),
    )
