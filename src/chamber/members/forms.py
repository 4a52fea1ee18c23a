from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chamber.core.forms import DateInput, StyledFormMixin
from chamber.orgs.choices import Perm
from chamber.orgs.models import Organization
from chamber.orgs.selectors import visible_organizations

from .choices import (
    EnterpriseRoleKind,
    Gender,
    MemberKind,
    MilestoneKind,
    PaymentMethod,
    Rank,
    SizeClass,
    Status,
)
from .industry import localized_section_choices
from .models import Enterprise, Person


class DirectoryForm(StyledFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(
            attrs={
                "placeholder": _("Name, pinyin, initials, credit code or legal representative"),
                "type": "search",
                "autocomplete": "off",
            }
        ),
    )
    org = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organization.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("All organisations"),
    )
    industry = forms.ChoiceField(
        label=_("Industry"),
        required=False,
        choices=lambda: [("", _("All industries")), *localized_section_choices()],
    )
    size_class = forms.ChoiceField(
        label=_("Size"), required=False, choices=[("", _("All sizes"))] + SizeClass.choices
    )
    rank = forms.ChoiceField(
        label=_("Rank"), required=False, choices=[("", _("All ranks"))] + Rank.choices
    )
    kind = forms.ChoiceField(
        label=_("Member kind"), required=False, choices=[("", _("All kinds"))] + MemberKind.choices
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            (Status.ACTIVE, pgettext_lazy("membership status", "active")),
            (Status.LEFT, _("left")),
            ("all", _("all")),
        ],
    )
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            ("name", _("name (pinyin)")),
            ("-joined", _("newest members")),
            ("joined", _("oldest members")),
            ("rank", _("rank")),
        ],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = visible_organizations(user)


class EnterpriseForm(StyledFormMixin, forms.ModelForm):
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        help_text=_("Separated by commas, e.g. 高新技术企业, 专精特新"),
    )
    accept_invalid_code = forms.BooleanField(
        label=_(
            "Accept this code although its check character fails (recorded in the audit trail)"
        ),
        required=False,
    )

    class Meta:
        model = Enterprise
        fields = [
            "name",
            "uscc",
            "legal_representative",
            "industry_section",
            "industry_division",
            "size_class",
            "registered_capital",
            "employees",
            "revenue",
            "total_assets",
            "registered_address",
            "business_address",
            "street",
            "founded",
            "listed",
            "stock_code",
            "main_products",
            "contact_name",
            "contact_phone",
            "note",
        ]
        widgets = {"founded": DateInput(), "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = visible_organizations(user).filter(kind="street")
        self.fields["size_class"].help_text = _(
            "Leave empty to compute it from the 2017 thresholds."
        )
        if self.instance.pk:
            self.initial["tags"] = ", ".join(t.name for t in self.instance.tags.all())
        if not self._may_accept(user):
            del self.fields["accept_invalid_code"]
        for f in ("name", "uscc"):
            self.fields[f].required = True

    @staticmethod
    def _may_accept(user) -> bool:
        from chamber.orgs import scope

        return scope.has_any(user, Perm.ACCEPT_INVALID_CODE)

    def _post_clean(self):
        # Model validation (uniqueness, check characters) is the service's job, so the
        # form and the API report exactly the same errors.
        pass

    def service_fields(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k in self.Meta.fields}
        for key in ("industry_section", "industry_division", "size_class"):
            data[key] = data.get(key) or ""
        return data

    def tag_list(self) -> list[str]:
        raw = self.cleaned_data.get("tags") or ""
        return [t.strip() for t in raw.replace("，", ",").split(",") if t.strip()]


class AdmissionForm(StyledFormMixin, forms.Form):
    organization = forms.ModelChoiceField(label=_("Chamber"), queryset=Organization.objects.none())
    rank = forms.ChoiceField(label=_("Rank"), choices=Rank.choices, initial=Rank.MEMBER)
    joined = forms.DateField(label=_("Joined"), widget=DateInput(), initial=timezone.localdate)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = visible_organizations(user, Perm.CHANGE)


class TransferForm(StyledFormMixin, forms.Form):
    to = forms.ModelChoiceField(label=_("Move to"), queryset=Organization.objects.none())
    on = forms.DateField(
        label=pgettext_lazy("transfer", "From"), widget=DateInput(), initial=timezone.localdate
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=200)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = visible_organizations(user, Perm.CHANGE)


class LeaveForm(StyledFormMixin, forms.Form):
    left = forms.DateField(label=_("Left on"), widget=DateInput(), initial=timezone.localdate)
    reason = forms.CharField(label=_("Reason"), max_length=200)


class PersonForm(StyledFormMixin, forms.ModelForm):
    """A person's own fields. Validation (mobile, ID number) is the service's."""

    id_number = forms.CharField(label=_("ID number"), required=False, max_length=30)

    class Meta:
        model = Person
        fields = [
            "name",
            "gender",
            "birth_date",
            "mobile",
            "id_number",
            "title",
            "political_affiliation",
            "education",
            "native_place",
        ]
        widgets = {"birth_date": DateInput()}

    def __init__(self, *args, may_view_personal: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gender"].choices = [("", "—"), *Gender.choices]
        if self.instance.pk:
            # The ID number is never sent back to the browser: left empty, it is kept.
            self.initial["id_number"] = ""
            self.fields["id_number"].help_text = _("Leave empty to keep the number on record.")
            if not may_view_personal:
                self.initial["mobile"] = self.instance.mobile_masked
                for name in ("mobile", "id_number", "political_affiliation"):
                    del self.fields[name]

    def _post_clean(self):
        pass  # the service validates, so the page and the API give the same errors

    def service_fields(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k in self.fields}
        if self.instance.pk and not data.get("id_number"):
            data.pop("id_number", None)
        return data


class PersonSearchForm(StyledFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Name, pinyin or mobile")}),
    )
    org = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("All organisations"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = visible_organizations(user)


class RegisteringOrgForm(StyledFormMixin, forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Registered by"),
        queryset=Organization.objects.none(),
        help_text=_("The organisation whose staff keep this person's record."),
    )

    def __init__(self, *args, user, enterprise: Enterprise | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = visible_organizations(user, Perm.CHANGE)
        self.fields["organization"].queryset = orgs
        # Proposed: the chamber the enterprise belongs to, else the user's only one.
        chamber = (
            orgs.filter(memberships__enterprise=enterprise, memberships__left__isnull=True).first()
            if enterprise is not None
            else None
        )
        if chamber is None and len(orgs[:2]) == 1:
            chamber = orgs.first()
        if chamber is not None:
            self.initial.setdefault("organization", chamber.pk)


class GroupAdmissionForm(AdmissionForm):
    member_org = forms.ModelChoiceField(
        label=_("Member organisation"),
        queryset=Organization.objects.none(),
        help_text=_("The association or chamber that joins as a group member."),
    )
    field_order = ["member_org", "organization", "rank", "joined"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["member_org"].queryset = Organization.objects.order_by("path")


class RoleForm(StyledFormMixin, forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.none())
    role = forms.ChoiceField(label=_("Role at the enterprise"), choices=EnterpriseRoleKind.choices)
    start = forms.DateField(label=_("Held from"), widget=DateInput(), initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, enterprise: Enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = enterprise.people.order_by("name")


class RepresentativeForm(StyledFormMixin, forms.Form):
    person = forms.ModelChoiceField(label=_("New representative"), queryset=Person.objects.none())
    on = forms.DateField(label=_("Held from"), widget=DateInput(), initial=timezone.localdate)

    def __init__(self, *args, enterprise: Enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = enterprise.people.order_by("name")


class EndRoleForm(StyledFormMixin, forms.Form):
    end = forms.DateField(label=_("Held until"), widget=DateInput(), initial=timezone.localdate)


class MilestoneForm(StyledFormMixin, forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)
    kind = forms.ChoiceField(label=_("Kind of milestone"), choices=MilestoneKind.choices)
    description = forms.CharField(label=_("What happened"), max_length=300)


def current_year() -> int:
    return timezone.localdate().year


class DuesFilterForm(StyledFormMixin, forms.Form):
    org = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("All organisations"),
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    arrears = forms.BooleanField(label=_("Arrears only"), required=False)
    q = forms.CharField(label=_("Member"), required=False, max_length=50)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = visible_organizations(user)


class DuesRateForm(StyledFormMixin, forms.Form):
    organization = forms.ModelChoiceField(label=_("Chamber"), queryset=Organization.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, initial=current_year)
    rank = forms.ChoiceField(label=_("Rank"), choices=Rank.choices)
    amount = forms.DecimalField(label=_("Dues (CNY)"), max_digits=14, decimal_places=2, min_value=0)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = visible_organizations(user, Perm.CHANGE)


class PaymentForm(StyledFormMixin, forms.Form):
    amount = forms.DecimalField(
        label=_("Amount (CNY)"), max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput(), initial=timezone.localdate)
    method = forms.ChoiceField(label=_("Payment method"), choices=PaymentMethod.choices)
    receipt_no = forms.CharField(label=_("Receipt number"), max_length=40)
