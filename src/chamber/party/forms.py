"""Staff forms for party organisations; the service validates (same errors as the API)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chamber.core.forms import DateInput, StyledFormMixin
from chamber.members.models import Enterprise, Person
from chamber.orgs.choices import Perm
from chamber.orgs.selectors import visible_organizations

from .models import PartyOrganization


class PartyOrganizationForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = PartyOrganization
        fields = [
            "organization",
            "name",
            "kind",
            "enterprises",
            "founded",
            "dissolved",
            "secretary",
            "members_count",
            "note",
        ]
        widgets = {"founded": DateInput(), "dissolved": DateInput()}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = visible_organizations(user, Perm.CHANGE)
        self.fields["organization"].label = _("Recorded by")
        self.fields["enterprises"].queryset = Enterprise.objects.visible_to(user, Perm.CHANGE)
        self.fields["enterprises"].help_text = _(
            "One enterprise; several for a joint party branch; none for the chamber's own."
        )
        self.fields["secretary"].queryset = Person.objects.visible_to(user, Perm.CHANGE)

    def _post_clean(self) -> None:
        pass  # the service validates

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["enterprises"] = list(data.get("enterprises") or [])
        return data
