from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chamber.casework.models import Category
from chamber.core.forms import StyledFormMixin
from chamber.members.choices import Rank
from chamber.members.industry import SECTIONS
from chamber.orgs.models import Organization


class MobileForm(StyledFormMixin, forms.Form):
    mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "tel",
                "placeholder": _("11-digit mobile number"),
            }
        ),
    )


class CodeForm(StyledFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Code from the SMS"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}
        ),
    )


class PasswordSignInForm(MobileForm):
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)


class SetPasswordForm(StyledFormMixin, forms.Form):
    password = forms.CharField(label=_("New password"), widget=forms.PasswordInput, min_length=8)


class ChangeForm(StyledFormMixin, forms.Form):
    contact_name = forms.CharField(label=_("Contact"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)
    business_address = forms.CharField(label=_("Business address"), max_length=200, required=False)
    registered_address = forms.CharField(
        label=_("Registered address"), max_length=200, required=False
    )
    employees = forms.IntegerField(
        label=_("Employees"), min_value=0, max_value=10_000_000, required=False
    )
    main_products = forms.CharField(label=_("Main products"), max_length=200, required=False)
    note = forms.CharField(label=_("Note to the chamber"), max_length=300, required=False)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe); the service checks
    what they are."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class ProblemForm(StyledFormMixin, forms.Form):
    enterprise = forms.TypedChoiceField(label=_("Enterprise"), coerce=int)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.filter(active=True).order_by("sort_order")
    )
    title = forms.CharField(label=_("The problem in a line"), max_length=200)
    description = forms.CharField(
        label=pgettext_lazy("problem", "Description"), widget=forms.Textarea(attrs={"rows": 5})
    )
    photos = MultipleFileField(
        label=_("Photos"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    def __init__(self, *args, enterprises=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].choices = [(e.pk, e.name) for e in enterprises]


class RatingForm(StyledFormMixin, forms.Form):
    score = forms.TypedChoiceField(
        label=_("Your rating"),
        coerce=int,
        choices=[(i, str(i)) for i in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["score"].widget.attrs["class"] = "form-check-input"


class SignUpForm(StyledFormMixin, forms.Form):
    person = forms.TypedChoiceField(label=_("Who comes"), coerce=int)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [(p.pk, p.name) for p in people]


class InviteForm(StyledFormMixin, forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Chamber"), queryset=Organization.objects.none(), empty_label=None
    )
    person = forms.IntegerField(label=_("Person number"), min_value=1, required=False)
    file = forms.FileField(label=_("CSV of person numbers (column person_id)"), required=False)

    def __init__(self, *args, organizations=None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if organizations is not None:
            self.fields["organization"].queryset = organizations


class NoticeForm(StyledFormMixin, forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Chamber"), queryset=Organization.objects.none(), empty_label=None
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}))
    industry_section = forms.ChoiceField(label=_("Industry section"), required=False)
    rank = forms.ChoiceField(
        label=_("Rank"), required=False, choices=[("", _("all ranks")), *Rank.choices]
    )

    def __init__(self, *args, organizations=None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if organizations is not None:
            self.fields["organization"].queryset = organizations
        self.fields["industry_section"].choices = [("", _("all industries"))] + [
            (k, f"{k} {v[0]}") for k, v in SECTIONS.items()
        ]


class DecideForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)
