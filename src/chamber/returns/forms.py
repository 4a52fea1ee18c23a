from django import forms
from django.utils.translation import gettext_lazy as _


class PrepareForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    reason = forms.CharField(
        label=_("Reason for a new version"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed only when the year's return was submitted already."),
    )


class CorrectForm(forms.Form):
    line = forms.IntegerField(widget=forms.HiddenInput)
    value = forms.CharField(label=_("Reported value"), max_length=40)
    reason = forms.CharField(label=_("Reason for the correction"), max_length=500, required=False)
