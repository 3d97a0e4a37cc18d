"""Russian: Django's formats, but a day and month before a year in a span read in the genitive ("30 сентября –
2 октября 2022 г."), as Russian writes them (heritage.models.format_partial_date_range)."""

from django.conf.locale.ru.formats import *  # noqa: F403

MONTH_DAY_FORMAT = "j E"
