"""Template filters of the monument pages: the monuments' vocabulary codes (condition, evidence) as their labels."""

from django import template

from monuments.models import Condition, EvidenceKind

register = template.Library()

LABELS = {"condition": dict(Condition.choices), "evidence": dict(EvidenceKind.choices)}


@register.filter
def vocabulary_label(code, vocabulary):
    """``{% load monument_tags %}{{ code|vocabulary_label:"condition" }}``: the translated label of a code."""
    return LABELS[vocabulary].get(code, code or "")
