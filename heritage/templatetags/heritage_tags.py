"""Template filters for the public pages: dates at their precision and vocabulary codes as their labels."""

from django import template

from heritage.models import format_partial_date
from monuments.models import Condition, EvidenceKind

register = template.Library()

LABELS = {"condition": dict(Condition.choices), "evidence": dict(EvidenceKind.choices)}


@register.filter
def partial_date(value, precision):
    """``{{ date|partial_date:precision }}``: "5 October 2022", "September 2022" or "2022"."""
    return format_partial_date(value, precision)


@register.filter
def vocabulary_label(code, vocabulary):
    """``{{ code|vocabulary_label:"condition" }}``: the translated label of a shared vocabulary code."""
    return LABELS[vocabulary].get(code, code or "")
