from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chamber.core.forms import DateInput, StyledFormMixin
from chamber.members import selectors as member_selectors
from chamber.orgs.choices import Perm
from chamber.orgs.models import Organization
from chamber.orgs.selectors import visible_organizations

from . import selectors
from .choices import (
    CouncilKind,
    CouncilRole,
    DonationKind,
    DonationPurpose,
    EventKind,
    EventStatus,
    HonorLevel,
)
from .models import Event, Fund, TermMember
from .widgets import MemberPicker


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def _year_choices(blank: str) -> list[tuple[str, str]]:
    this = timezone.localdate().year
    return [("", blank)] + [(str(y), str(y)) for y in range(this + 1, 2009, -1)]


class MemberField(forms.CharField):
    """A member chosen with the member picker: "e:<id>" (an enterprise), "p:<id>" (a
    person, with their enterprise). Resolved within the user's scope, so another
    chamber's member is simply not found."""

    def __init__(self, *args, persons_only: bool = False, **kwargs):
        kwargs.setdefault("widget", MemberPicker(persons_only=persons_only))
        super().__init__(*args, **kwargs)
        self.user = None

    def to_python(self, value: Any):
        value = (value or "").strip()
        if not value:
            return None
        kind, _sep, pk = value.partition(":")
        if not pk.isdigit() or kind not in ("e", "p"):
            raise ValidationError(_("Choose a member from the list."))
        if kind == "e":
            ent = member_selectors.enterprises(self.user).filter(pk=pk).first()
            if ent is None:
                raise ValidationError(_("Choose a member from the list."))
            return {"enterprise": ent, "person": None}
        person = (
            member_selectors.people(self.user).select_related("enterprise").filter(pk=pk).first()
        )
        if person is None:
            raise ValidationError(_("Choose a member from the list."))
        return {"enterprise": person.enterprise, "person": person}


class UserFormMixin(StyledFormMixin):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            if isinstance(field, MemberField):
                field.user = field.widget.user = user


# --- Events ------------------------------------------------------------------------------


class EventFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Title or place"), "type": "search"}),
    )
    org = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organization.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("All organisations"),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds"))] + EventKind.choices
    )
    year = forms.TypedChoiceField(
        label=_("Year"), required=False, coerce=int, empty_value=None, choices=()
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status"))] + EventStatus.choices
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = visible_organizations(user)
        self.fields["year"].choices = _year_choices(_("All years"))


class EventForm(UserFormMixin, forms.ModelForm):
    organization = forms.ModelChoiceField(
        label=_("Organiser"), queryset=Organization.objects.none()
    )
    co_organizers = forms.ModelMultipleChoiceField(
        label=_("Co-organisers"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("Any organisation, at any level; the event counts for each, once."),
    )
    open_to = forms.ModelMultipleChoiceField(
        label=_("Open to members of"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("Empty: anyone may be signed up."),
    )

    class Meta:
        model = Event
        fields = [
            "organization",
            "kind",
            "title",
            "starts_at",
            "ends_at",
            "place",
            "destination",
            "city",
            "capacity",
            "registration_deadline",
            "co_organizers",
            "open_to",
            "description",
        ]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "registration_deadline": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["organization"].queryset = visible_organizations(user, Perm.CHANGE)
        for name in ("co_organizers", "open_to"):
            self.fields[name].queryset = selectors.orgs_for_choice()
            self.fields[name].widget.attrs["size"] = 6
        if self.instance.pk:
            # The organiser is fixed once the event exists: it owns the records.
            self.fields["organization"].disabled = True
        self.fields["ends_at"].required = False

    def _post_clean(self):
        # The service validates (so the page and the API report the same errors).
        pass

    def service_fields(self) -> dict[str, Any]:
        data = {
            k: v
            for k, v in self.cleaned_data.items()
            if k not in ("organization", "co_organizers", "open_to")
        }
        data["place"] = data.get("place") or ""
        data["city"] = data.get("city") or ""
        return data


class SpeakerForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Speaker"), max_length=100, required=False)
    affiliation = forms.CharField(label=_("Title and affiliation"), max_length=200, required=False)
    topic = forms.CharField(label=_("Topic"), max_length=200, required=False)
    is_expert = forms.BooleanField(label=_("Expert"), required=False)


SpeakerFormSet = forms.formset_factory(SpeakerForm, extra=2, max_num=30)


class RegisterForm(UserFormMixin, forms.Form):
    member = MemberField(label=_("Member"), required=True)
    party_size = forms.IntegerField(
        label=pgettext_lazy("party size", "People"), min_value=1, max_value=500, initial=1
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    over_capacity = forms.BooleanField(
        label=_("Admit a walk-in even if the event is full"), required=False
    )


class CheckInForm(StyledFormMixin, forms.Form):
    code = forms.CharField(
        label=pgettext_lazy("check-in", "Code"),
        max_length=80,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "placeholder": _("Scan, or type the code under the QR code"),
            }
        ),
    )
    headcount = forms.IntegerField(
        label=pgettext_lazy("party size", "People"), min_value=1, required=False
    )


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class AttachmentForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(label=_("File"))


# --- Donations and funds -------------------------------------------------------------------


class DonationFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": _("Donor, receipt or campaign"), "type": "search"}
        ),
    )
    org = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organization.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("All organisations"),
    )
    year = forms.TypedChoiceField(
        label=_("Year"), required=False, coerce=int, empty_value=None, choices=()
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Money and goods"))] + DonationKind.choices
    )
    purpose = forms.ChoiceField(
        label=_("Purpose"),
        required=False,
        choices=[("", _("Any purpose"))] + DonationPurpose.choices,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = visible_organizations(user)
        self.fields["year"].choices = _year_choices(_("All years"))


class DonationForm(UserFormMixin, forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Recorded by"), queryset=Organization.objects.none()
    )
    donor = MemberField(label=_("Donor"))
    kind = forms.ChoiceField(label=_("Kind"), choices=DonationKind.choices)
    amount = forms.DecimalField(
        label=_("Amount (CNY)"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        help_text=_("For goods, their valued amount"),
    )
    goods = forms.CharField(label=_("Goods"), max_length=300, required=False)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=DonationPurpose.choices)
    event = forms.ModelChoiceField(label=_("Event"), queryset=Event.objects.none(), required=False)
    fund = forms.ModelChoiceField(label=_("Fund"), queryset=Fund.objects.none(), required=False)
    campaign = forms.CharField(label=_("Campaign"), max_length=200, required=False)
    recipient = forms.CharField(label=_("Recipient"), max_length=200, required=False)
    date = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)
    receipt_no = forms.CharField(label=_("Receipt number"), max_length=40, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["organization"].queryset = visible_organizations(user, Perm.CHANGE)
        # Recent events only: a donation is recorded soon after it is made.
        since = timezone.now() - datetime.timedelta(days=3 * 366)
        self.fields["event"].queryset = (
            selectors.events(user).filter(starts_at__gte=since).order_by("-starts_at")
        )
        self.fields["fund"].queryset = selectors.funds(user, Perm.CHANGE).order_by("name")

    def service_fields(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        donor = d.pop("donor") or {}
        enterprise, person = donor.get("enterprise"), donor.get("person")
        # A person who gives in their own name donates as a person; the picker's
        # enterprise choice donates as the enterprise.
        if person is not None:
            enterprise = None
        return {**d, "enterprise": enterprise, "person": person}


class FundForm(UserFormMixin, forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organization.objects.none()
    )
    name = forms.CharField(label=_("Name"), max_length=100)
    founded = forms.DateField(label=_("Founded"), widget=DateInput(), required=False)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["organization"].queryset = visible_organizations(user, Perm.CHANGE)


class SpendingForm(UserFormMixin, forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)
    amount = forms.DecimalField(
        label=_("Amount (CNY)"), max_digits=14, decimal_places=2, min_value=0
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=200)
    recipient = forms.CharField(label=_("Recipient"), max_length=200, required=False)
    voucher_no = forms.CharField(label=_("Voucher number"), max_length=40, required=False)


# --- Council -----------------------------------------------------------------------------


class CouncilForm(UserFormMixin, forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organization.objects.none()
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=CouncilKind.choices)
    name = forms.CharField(label=_("Name"), max_length=50, initial="执行委员会")
    short_name = forms.CharField(label=_("Short name"), max_length=20, initial="执委会")
    name_en = forms.CharField(label=_("English name"), max_length=100, required=False)
    quorum_numerator = forms.IntegerField(label=_("Quorum: at least"), min_value=1, initial=2)
    quorum_denominator = forms.IntegerField(label=_("out of"), min_value=1, initial=3)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["organization"].queryset = visible_organizations(user, Perm.CHANGE)


class TermForm(StyledFormMixin, forms.Form):
    number = forms.IntegerField(label=_("Term number"), min_value=1, required=False)
    starts = forms.DateField(label=_("Starts"), widget=DateInput())
    ends = forms.DateField(label=_("Ends"), widget=DateInput(), required=False)


class SeatForm(UserFormMixin, forms.Form):
    member = MemberField(label=_("Person"), persons_only=True)
    role = forms.ChoiceField(
        label=pgettext_lazy("council seat", "Role"),
        choices=CouncilRole.choices,
        initial=CouncilRole.MEMBER,
    )
    since = forms.DateField(label=_("Since"), widget=DateInput(), required=False)

    def clean_member(self):
        value = self.cleaned_data["member"]
        if value and value["person"] is None:
            raise ValidationError(
                _("A seat is held by a person: choose a person, not an enterprise.")
            )
        return value


class MeetingForm(StyledFormMixin, forms.Form):
    number = forms.IntegerField(
        label=_("Meeting number"),
        min_value=1,
        required=False,
        help_text=_("Empty: the next number"),
    )
    date = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    agenda = forms.CharField(
        label=_("Agenda"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("One item per line"),
    )
    guests = forms.CharField(label=_("Attending without a vote"), max_length=1000, required=False)


class AttendanceForm(forms.Form):
    members = forms.ModelMultipleChoiceField(
        label=_("Present"),
        queryset=TermMember.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = meeting.term.members.select_related("person").order_by(
            "role", "person__name"
        )
        if not self.is_bound:
            self.initial["members"] = [a.member_id for a in meeting.attendance.all()]


class ResolutionForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("Resolution"), widget=forms.Textarea(attrs={"rows": 2}))
    votes_for = forms.IntegerField(label=_("For"), min_value=0, required=False)
    votes_against = forms.IntegerField(label=_("Against"), min_value=0, required=False)
    abstentions = forms.IntegerField(label=_("Abstentions"), min_value=0, required=False)
    adopted = forms.BooleanField(label=_("Adopted"), required=False, initial=True)


class MinutesForm(StyledFormMixin, forms.Form):
    minutes = forms.FileField(label=_("Minutes"))


# --- Honours -----------------------------------------------------------------------------


class HonorForm(UserFormMixin, forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organization.objects.none()
    )
    member = MemberField(label=_("Member"), required=False)
    title = forms.CharField(label=_("Title"), max_length=200)
    level = forms.ChoiceField(label=_("Level"), choices=HonorLevel.choices)
    awarding_body = forms.CharField(label=_("Awarding body"), max_length=200)
    year = forms.IntegerField(
        label=_("Year"), min_value=1949, initial=lambda: timezone.localdate().year
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["organization"].queryset = visible_organizations(user, Perm.CHANGE)


class HonorFilterForm(StyledFormMixin, forms.Form):
    org = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organization.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("All organisations"),
    )
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("All levels"))] + HonorLevel.choices
    )
    year = forms.TypedChoiceField(
        label=_("Year"), required=False, coerce=int, empty_value=None, choices=()
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = visible_organizations(user)
        self.fields["year"].choices = _year_choices(_("All years"))


def month_param(value: str | None) -> datetime.date:
    """ "2017-05" as the first of that month; this month when missing or wrong."""
    try:
        year, month = (int(x) for x in (value or "").split("-"))
        return datetime.date(year, month, 1)
    except ValueError:
        return timezone.localdate().replace(day=1)
