"""Form helpers: Bootstrap classes, and service errors shown next to their fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .steps import parse_moment


class StyledFormMixin:
    """Adds Bootstrap's classes to every widget, and is-invalid where a field failed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in getattr(self, "_errors", {}) or {}:
            if name in self.fields:
                w = self.fields[name].widget
                w.attrs["class"] = f"{w.attrs.get('class', '')} is-invalid"
                w.attrs["aria-describedby"] = f"id_{name}_errors"

    def add_service_error(self, error: ValidationError) -> None:
        """Put a service's ValidationError on the fields it names (or the form)."""
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                target = field if field in self.fields else None
                for e in errors:
                    self.add_error(target, e)
                    if target:
                        w = self.fields[target].widget
                        w.attrs["class"] = f"{w.attrs.get('class', '')} is-invalid"
        else:
            self.add_error(None, error)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class OccurredAtField(forms.CharField):
    """When a step or record happened, for entering it after the fact (补录): a date,
    or a date and time (Asia/Shanghai). Empty: now. `core/form_fields.html` shows it
    folded away under "happened earlier"."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("When it happened"))
        kwargs.setdefault(
            "help_text", _("Only when entering it later: the date (and time) it happened.")
        )
        kwargs.setdefault("widget", forms.DateTimeInput(attrs={"type": "datetime-local"}))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if not value:
            return None
        try:
            return parse_moment(value)
        except ValidationError as e:
            raise ValidationError(e.message_dict["occurred_at"]) from e


def with_occurred_at(form: forms.Form) -> forms.Form:
    """Add the folded "happened earlier" field to a step's form."""
    field = OccurredAtField()
    field.widget.attrs["class"] = "form-control"
    form.fields["occurred_at"] = field
    return form
