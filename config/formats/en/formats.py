"""English dates as the register writes them, day before month ("5 October 2022"), for readers on every continent;
the other languages keep Django's own formats (heritage.models.format_partial_date)."""

from django.conf.locale.en.formats import *  # noqa: F403

DATE_FORMAT = "j F Y"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
