from __future__ import annotations

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chamber.core.forms import DateInput, StyledFormMixin
from chamber.core.names import user_name
from chamber.members.choices import Rank
from chamber.members.models import Enterprise, Person
from chamber.orgs import scope
from chamber.orgs.choices import ROLE_PERMS, Perm
from chamber.orgs.models import Organization, RoleAssignment
from chamber.orgs.selectors import visible_organizations

from .choices import CaseSource, Priority, Satisfaction, VisitKind
from .models import Category, Department, Expert
from .selectors import QUEUES
from .services.cases import staff_for


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


def colleagues(user):
    """Users who may change records in some organisation the user sees: the staff a
    visit can list."""
    ids = scope.org_ids(user, Perm.VIEW)
    roles = [r for r, perms in ROLE_PERMS.items() if Perm.CHANGE in perms]
    qs = RoleAssignment.objects.filter(role__in=roles)
    if ids is not scope.ALL:
        qs = qs.filter(organization_id__in=ids)
    return (
        get_user_model()
        .objects.filter(is_active=True, pk__in=qs.values("user_id"))
        .order_by("last_name", "first_name", "username")
    )


def leaders_for(user):
    """The council's people (president to standing director) of the chambers the user
    may change: who can go on a visit as a leader."""
    ids = scope.org_ids(user, Perm.CHANGE)
    q = Q(
        represents__rank__in=[Rank.PRESIDENT, Rank.VICE_PRESIDENT, Rank.STANDING_DIRECTOR],
        represents__left__isnull=True,
    )
    if ids is not scope.ALL:
        q &= Q(represents__organization_id__in=ids)
    return Person.objects.filter(q).distinct().order_by("name")


def active_categories():
    return Category.objects.filter(active=True).order_by("sort_order", "code")


class VisitForm(StyledFormMixin, forms.Form):
    organization = forms.ModelChoiceField(label=_("Chamber"), queryset=Organization.objects.none())
    date = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)
    kind = forms.ChoiceField(label=_("Kind"), choices=VisitKind.choices, initial=VisitKind.ROUTINE)
    enterprises = forms.ModelMultipleChoiceField(
        label=_("Enterprises visited"),
        queryset=Enterprise.objects.none(),
        widget=forms.MultipleHiddenInput,
    )
    purpose = forms.CharField(
        label=pgettext_lazy("visit", "Purpose"), max_length=200, required=False
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    experts = forms.ModelMultipleChoiceField(
        label=_("Experts"),
        queryset=Expert.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    leaders = forms.ModelMultipleChoiceField(
        label=_("Leaders"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    staff = forms.ModelMultipleChoiceField(
        label=_("Staff who went"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 3}),
        help_text=_("You are listed if you choose nobody."),
    )
    others = forms.CharField(label=_("Others who went"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = visible_organizations(user, Perm.CHANGE)
        self.fields["enterprises"].queryset = Enterprise.objects.visible_to(user)
        self.fields["experts"].queryset = Expert.objects.filter(active=True)
        self.fields["leaders"].queryset = leaders_for(user)
        self.fields["staff"].queryset = colleagues(user)
        self.fields["staff"].label_from_instance = user_name
        self.fields["experts"].widget.attrs["class"] = "form-check-input"

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("A visit cannot be logged before it happens."))
        return day


class CaseRowForm(StyledFormMixin, forms.Form):
    """One problem raised on a visit."""

    enterprise = forms.ModelChoiceField(
        label=_("Enterprise"), queryset=Enterprise.objects.none(), required=False
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False
    )
    # A row without a problem is skipped: rows are added and removed on the phone.
    title = forms.CharField(label=_("Problem"), max_length=200, required=False)
    description = forms.CharField(
        label=pgettext_lazy("case", "Details"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL, required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user)
        self.fields["category"].queryset = active_categories()

    def clean(self):
        data = super().clean()
        if data.get("title", "").strip() and not data.get("category"):
            self.add_error("category", _("Choose the category of the problem."))
        return data


class BaseCaseRowFormSet(forms.BaseFormSet):
    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "user": self.user}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            user=self.user,
        )
        self.add_fields(form, None)
        return form


CaseRowFormSet = forms.formset_factory(
    CaseRowForm, formset=BaseCaseRowFormSet, extra=0, max_num=20, validate_max=True
)


class CaseForm(StyledFormMixin, forms.Form):
    """A case raised outside a visit (meeting, hotline, letter)."""

    organization = forms.ModelChoiceField(
        label=_("Received by"), queryset=Organization.objects.none()
    )
    enterprise = forms.ModelChoiceField(
        label=_("Enterprise"), queryset=Enterprise.objects.none(), widget=forms.HiddenInput
    )
    source = forms.ChoiceField(
        label=_("Raised through"),
        choices=[
            c for c in CaseSource.choices if c[0] not in (CaseSource.VISIT, CaseSource.PORTAL)
        ],
        initial=CaseSource.HOTLINE,
    )
    received_on = forms.DateField(
        label=_("Received on"), widget=DateInput(), initial=timezone.localdate
    )
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none())
    title = forms.CharField(label=_("Problem"), max_length=200)
    description = forms.CharField(
        label=pgettext_lazy("case", "Details"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = visible_organizations(user, Perm.CHANGE)
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user)
        self.fields["category"].queryset = active_categories()


# --- Step forms ------------------------------------------------------------------------


class CommentForm(StyledFormMixin, forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AssignForm(CommentForm):
    assignee = forms.ModelChoiceField(
        label=_("Staff member"), queryset=get_user_model().objects.none()
    )
    field_order = ["assignee", "comment"]

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff_for(case.organization)
        self.fields["assignee"].label_from_instance = user_name


class HandOverForm(CommentForm):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none())
    field_order = ["department", "comment"]

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(active=True)
        if case is not None:
            self.fields["department"].help_text = _(
                "Due %(n)s working days from today (the category's time limit)."
            ) % {"n": case.category.time_limit_days}


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ResolveForm(StyledFormMixin, forms.Form):
    resolution = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))


class FollowUpForm(StyledFormMixin, forms.Form):
    satisfaction = forms.ChoiceField(
        label=_("The enterprise is"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    score = forms.TypedChoiceField(
        label=_("Satisfaction (1–5)"),
        coerce=int,
        choices=[(i, str(i)) for i in range(5, 0, -1)],
        initial=5,
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["satisfaction"].widget.attrs["class"] = "form-check-input"


class MergeForm(CommentForm):
    into = forms.IntegerField(label=_("Case number to merge into"), min_value=1)
    field_order = ["into", "comment"]


# --- Lists and figures -----------------------------------------------------------------


class QueueForm(StyledFormMixin, forms.Form):
    queue = forms.ChoiceField(choices=[(q, q) for q in QUEUES], required=False)
    org = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organization.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("All my organisations"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = visible_organizations(user)


class PeriodForm(StyledFormMixin, forms.Form):
    org = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organization.objects.none(),
        to_field_name="code",
        required=False,
    )
    start = forms.DateField(
        label=pgettext_lazy("period", "From"), widget=DateInput(), required=False
    )
    end = forms.DateField(label=pgettext_lazy("period", "To"), widget=DateInput(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = visible_organizations(user)

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        data["start"] = data.get("start") or datetime.date(today.year, 1, 1)
        data["end"] = data.get("end") or datetime.date(data["start"].year, 12, 31)
        if data["end"] < data["start"]:
            self.add_error("end", _("The period ends before it starts."))
        return data


class AttachmentForm(forms.Form):
    files = MultipleFileField(label=_("Photos and documents"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].widget.attrs.update(
            {
                "class": "form-control",
                "accept": "image/jpeg,image/png,image/webp,.pdf,.doc,.docx,.xls,.xlsx",
            }
        )


def _parse_days(text: str) -> list[tuple[datetime.date, str]]:
    """Lines of "2027-01-01 元旦" or a run "2027-02-06~2027-02-12 春节" (also "至")."""
    days: list[tuple[datetime.date, str]] = []
    errors: list[str] = []
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        span, _sep, name = line.replace("\u3000", " ").partition(" ")
        first, _t, last = span.replace("至", "~").partition("~")
        try:
            start = datetime.date.fromisoformat(first.strip())
            end = datetime.date.fromisoformat(last.strip()) if last else start
        except ValueError:
            errors.append(
                _("Line %(n)s: write a date as YYYY-MM-DD, or a run as YYYY-MM-DD~YYYY-MM-DD.")
                % {"n": n}
            )
            continue
        if not start <= end <= start + datetime.timedelta(days=15):
            errors.append(_("Line %(n)s: a run goes forward and lasts at most 16 days.") % {"n": n})
            continue
        while start <= end:
            days.append((start, name.strip()))
            start += datetime.timedelta(days=1)
    if errors:
        raise forms.ValidationError(errors)
    return days


def _format_days(days) -> str:
    """The form's text for stored days: runs of consecutive days with one name joined."""
    lines: list[list] = []
    for d in days:
        if lines and lines[-1][2] == d.name and lines[-1][1] + datetime.timedelta(days=1) == d.date:
            lines[-1][1] = d.date
        else:
            lines.append([d.date, d.date, d.name])
    return "\n".join(
        f"{a.isoformat()}{'' if a == b else '~' + b.isoformat()} {name}".strip()
        for a, b, name in lines
    )


class HolidayYearForm(StyledFormMixin, forms.Form):
    """A year's public holidays and make-up working days, one date or run per line."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    holidays = forms.CharField(
        label=_("Public holidays"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 8, "placeholder": "2027-01-01 元旦\n2027-02-06~2027-02-12 春节"}
        ),
        help_text=_("One date or run per line, then the holiday's name."),
    )
    workdays = forms.CharField(
        label=_("Make-up working days"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "2027-02-14 春节调休上班"}),
        help_text=_("Weekend days worked in exchange (调休), one per line."),
    )
    note = forms.CharField(label=_("Source"), max_length=200, required=False)

    def clean_holidays(self):
        return _parse_days(self.cleaned_data["holidays"])

    def clean_workdays(self):
        return _parse_days(self.cleaned_data["workdays"])

    @classmethod
    def for_year(cls, calendar) -> HolidayYearForm:
        from .choices import DayKind

        days = list(calendar.days.order_by("date"))
        return cls(
            initial={
                "year": calendar.year,
                "holidays": _format_days([d for d in days if d.kind == DayKind.HOLIDAY]),
                "workdays": _format_days([d for d in days if d.kind == DayKind.WORKDAY]),
                "note": calendar.note,
            }
        )
