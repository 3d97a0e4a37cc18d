"""English dates as the register writes them, day before month ("5 October 2022"), for readers on every continent;
the other languages keep Django's own formats (heritage.models.format_partial_date)."""

DATE_FORMAT = "j F Y"
YEAR_MONTH_FORMAT = "F Y"
