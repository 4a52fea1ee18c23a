from django import template

from chamber.core.names import user_name as _user_name
from chamber.core.rates import percent_text

register = template.Library()


@register.filter
def user_name(user) -> str:
    """A user by their 姓名 (chamber.core.names.user_name)."""
    return _user_name(user)


@register.filter
def audit_changes(entry, viewer=None) -> str:
    """An audit entry's changes as `viewer` may read them ({{ e|audit_changes:request.user }};
    chamber.core.audit.describe_changes)."""
    from chamber.core.audit import describe_changes

    return describe_changes(entry, viewer)


@register.filter
def percent(value, digits: int = 1) -> str:
    """A rate as the report carries it (0.144 -> "14.4%"; None -> "—"): see core.rates."""
    return percent_text(value)


@register.filter
def money(value) -> str:
    """A decimal amount (or its string) as 1,234,567.00."""
    from decimal import Decimal, InvalidOperation

    try:
        return f"{Decimal(str(value)):,.2f}"
    except (InvalidOperation, ValueError):
        return "—"


@register.filter
def local_name(thing) -> str:
    """`name_en` in the English UI where there is one, else `name` (core.text.local_name)."""
    from chamber.core.text import local_name as _local_name

    return _local_name(thing)


@register.simple_tag
def punct(mark: str) -> str:
    """{% punct ":" %}: the mark as the current language writes it (core.text.punct)."""
    from chamber.core.text import punct as _punct

    return _punct(mark)


@register.filter
def paren(value) -> str:
    """{{ x|paren }}: "（x）" in Chinese, " (x)" in English."""
    from chamber.core.text import paren as _paren

    return _paren(value)
