from django import template

from chamber.core.rates import percent_text

register = template.Library()


@register.filter
def percent(value) -> str:
    """A rate (0..1) as a percentage with one decimal; "—" where there is none."""
    return percent_text(value)


@register.filter
def dash(value) -> str:
    return "—" if value is None else value
