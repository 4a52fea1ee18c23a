from django import template

register = template.Library()


@register.filter
def change_text(value) -> str:
    """An audit change: [before, after] as "before → after", anything else as itself."""
    if isinstance(value, list) and len(value) == 2:
        before, after = ("—" if v in (None, "") else v for v in value)
        return f"{before} → {after}"
    return "—" if value in (None, "") else str(value)
