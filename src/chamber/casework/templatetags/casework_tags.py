from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def percent(value) -> str:
    """A rate (0..1) as a percentage with one decimal; "—" where there is none."""
    if value is None or value == "":
        return "—"
    return f"{number_format(float(value) * 100, 1)}%"


@register.filter
def dash(value) -> str:
    return "—" if value is None else value
