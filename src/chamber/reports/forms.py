"""The reporting period as the dashboard, the drill-down lists, the downloads and the
API receive it: `year`, `year` + `quarter`, or custom `start` + `end` dates."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .period import Period

MIN_YEAR = 1990
MAX_YEAR = 2100
MAX_DAYS = 3 * 366  # a custom period spans at most three years


def default_year() -> int:
    """The current calendar year: pages open on this year's work to date (last year's
    account is one choice away)."""
    return timezone.localdate().year


class PeriodForm(forms.Form):
    year = forms.IntegerField(
        label=_("Year"), min_value=MIN_YEAR, max_value=MAX_YEAR, required=False
    )
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        choices=[("", _("Whole year")), ("1", "Q1"), ("2", "Q2"), ("3", "Q3"), ("4", "Q4")],
        coerce=int,
        empty_value=None,
        required=False,
    )
    start = forms.DateField(label=pgettext_lazy("period", "From"), required=False)
    end = forms.DateField(label=pgettext_lazy("period", "To"), required=False)

    def __init__(self, data=None, *, year_required: bool = False, **kwargs):
        super().__init__(data, **kwargs)
        self.year_required = year_required

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if self.errors:
            return data
        if start or end:
            if not (start and end):
                missing = "end" if start else "start"
                self.add_error(missing, _("Give both dates of a custom period."))
            elif start > end:
                self.add_error("end", _("The period ends before it starts."))
            elif (end - start).days > MAX_DAYS:
                self.add_error("end", _("A custom period spans at most three years."))
            elif start.year < MIN_YEAR or end.year > MAX_YEAR:
                self.add_error("start", _("Dates between 1990 and 2100, please."))
            return data
        if data.get("year") is None:
            if self.year_required:
                self.add_error("year", _("Give a year, or the start and end dates."))
            else:
                data["year"] = default_year()
        return data

    def period(self) -> Period:
        """The period asked for; call after is_valid()."""
        data = self.cleaned_data
        if data.get("start"):
            return Period(data["start"], data["end"])
        if data.get("quarter"):
            return Period.quarter(data["year"], data["quarter"])
        return Period.year(data["year"])


def period_from(params, *, year_required: bool = False) -> tuple[Period, PeriodForm]:
    """The period in `params`; a page falls back to the current year on bad input (the form
    carries the errors to show), so a mistyped URL still shows a report."""
    form = PeriodForm(params, year_required=year_required)
    if form.is_valid():
        return form.period(), form
    return Period.year(default_year()), form
