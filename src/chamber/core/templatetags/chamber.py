from django import template

from chamber.core.rates import percent_text

register = template.Library()


@register.filter
def change_text(value) -> str:
    """An audit change: [before, after] as "before → after", anything else as itself."""
    if isinstance(value, list) and len(value) == 2:
        before, after = ("—" if v in (None, "") else v for v in value)
        return f"{before} → {after}"
    return "—" if value in (None, "") else str(value)


@register.filter
def field_label(entry, key: str) -> str:
    """The verbose name of field `key` on the audit entry's model, else the key."""
    model = entry.object_type.model_class() if entry.object_type_id else None
    try:
        return str(model._meta.get_field(key).verbose_name) if model else key
    except Exception:  # noqa: BLE001 - a field renamed since the entry was written
        return key


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
