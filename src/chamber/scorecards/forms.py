from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chamber.core.forms import StyledFormMixin
from chamber.orgs.choices import Perm
from chamber.orgs.selectors import visible_organizations

from .models import Scheme


class StartForm(StyledFormMixin, forms.Form):
    scheme = forms.ModelChoiceField(label=_("evaluation scheme"), queryset=Scheme.objects.all())
    organization = forms.ModelChoiceField(label=_("organisation"), queryset=None)
    year = forms.IntegerField(label=_("year"), min_value=2000)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = visible_organizations(user, Perm.CHANGE)
        self.fields["year"].max_value = timezone.localdate().year
        self.fields["year"].initial = timezone.localdate().year - 1


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class ScoreForm(StyledFormMixin, forms.Form):
    score = forms.DecimalField(label=_("score"), min_value=0, decimal_places=2)
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea({"rows": 2}))
    files = MultipleFileField(label=_("evidence"), required=False)
