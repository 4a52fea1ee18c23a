from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chamber.core.forms import DateInput, StyledFormMixin
from chamber.orgs.choices import Perm
from chamber.orgs.models import Organization
from chamber.orgs.selectors import visible_organizations

from .choices import MemberKind, Rank, SizeClass, Status
from .industry import localized_section_choices
from .models import Enterprise


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
