"""The site-wide search form: one query over monuments, meetings, people, organizations and events."""

from django import forms
from django.utils.translation import gettext_lazy

from heritage.listing import SearchField


class SearchForm(forms.Form):
    q = SearchField(label=gettext_lazy("Search"))
