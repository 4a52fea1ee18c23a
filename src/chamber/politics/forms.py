"""Forms of the politics pages: filters, the post and proposal forms, and one small
form per lifecycle step. Validation beyond field types is the services' job, so pages
and the API report the same errors."""

from __future__ import annotations

from django import forms
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chamber.core.forms import DateInput, StyledFormMixin
from chamber.members.models import Person
from chamber.orgs.choices import Perm
from chamber.orgs.models import Organization
from chamber.orgs.selectors import visible_organizations

from . import selectors
from .choices import (
    SECTOR_SUGGESTIONS,
    Body,
    Grade,
    Level,
    ProposalKind,
    Satisfaction,
    Status,
    Step,
)
from .models import HandlingUnit, PoliticalPost, Proposal, Topic


def person_label(p: Person) -> str:
    return f"{p.name} · {p.enterprise.name}" if p.enterprise_id else p.name


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return person_label(obj)


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return person_label(obj)


class PersonPicker(forms.Select):
    """A select that renders only the chosen person: the options come from a search
    (htmx), because a register holds far more people than a list should."""

    def optgroups(self, name, value, attrs=None):
        ids = [v for v in value if str(v).isdigit()]
        people = Person.objects.filter(pk__in=ids).select_related("enterprise") if ids else []
        return [
            (None, [self.create_option(name, p.pk, person_label(p), True, i, attrs=attrs)], i)
            for i, p in enumerate(people)
        ]


class OnForm(StyledFormMixin, forms.Form):
    """The date a step happened (today unless recorded after the fact)."""

    on = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)


# --- the delegate register ----------------------------------------------------------------


class RegisterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": _("Name, pinyin or enterprise"), "type": "search"}
        ),
    )
    body = forms.ChoiceField(
        label=_("Body"), required=False, choices=[("", _("All bodies"))] + Body.choices
    )
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("All levels"))] + Level.choices
    )
    term = forms.IntegerField(
        label=_("Term"),
        required=False,
        min_value=1,
        max_value=99,
        widget=forms.NumberInput(attrs={"placeholder": _("Term")}),
    )
    org = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organization.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("All organisations"),
    )
    status = forms.ChoiceField(
        label=_("Posts"),
        required=False,
        choices=[("current", _("in force on the date")), ("all", _("all posts, any time"))],
    )
    on = forms.DateField(label=_("On"), required=False, widget=DateInput())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = visible_organizations(user)


class PostForm(StyledFormMixin, forms.ModelForm):
    person = PersonChoiceField(
        label=_("Person"), queryset=Person.objects.none(), widget=PersonPicker()
    )

    class Meta:
        model = PoliticalPost
        fields = [
            "person",
            "organization",
            "body",
            "level",
            "place",
            "term",
            "role",
            "sector",
            "start",
            "end",
            "note",
        ]
        widgets = {
            "start": DateInput(),
            "end": DateInput(),
            "sector": forms.TextInput(attrs={"list": "sector-suggestions"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.visible_to(user, Perm.CHANGE)
        self.fields["organization"].queryset = visible_organizations(user, Perm.CHANGE)
        self.fields["organization"].label = _("Recorded by")
        self.fields["end"].help_text = _("The day the post ended; empty while it is held.")
        self.sector_suggestions = SECTOR_SUGGESTIONS
        if self.instance.pk:
            # A post stays with its person and recorder; record a new one instead.
            del self.fields["person"]
            del self.fields["organization"]

    def _post_clean(self):
        pass  # the service validates (same errors as the API)

    def service_fields(self) -> dict:
        return dict(self.cleaned_data)


# --- proposals ---------------------------------------------------------------------------


class ProposalFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": _("Title, number or submitter"), "type": "search"}
        ),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds"))] + ProposalKind.choices
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Any status")),
            ("open", pgettext_lazy("proposal filter", "open")),
            ("overdue", pgettext_lazy("proposal filter", "overdue")),
            ("final", pgettext_lazy("proposal filter", "finished")),
            *Status.choices,
        ],
    )
    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        min_value=1949,
        max_value=2100,
        widget=forms.NumberInput(attrs={"placeholder": _("Year")}),
    )
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("All levels"))] + Level.choices
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.all(),
        required=False,
        empty_label=_("All topics"),
    )
    unit = forms.ModelChoiceField(
        label=_("Lead unit"),
        queryset=HandlingUnit.objects.all(),
        required=False,
        empty_label=_("All units"),
    )
    org = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organization.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("All organisations"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = visible_organizations(user)


def post_holders(user) -> object:
    """People `user` sees who hold or held a post: the only ones who may submit."""
    return (
        Person.objects.visible_to(user)
        .filter(Exists(PoliticalPost.objects.filter(person=OuterRef("pk"))))
        .select_related("enterprise")
        .order_by("name", "id")
    )


class ProposalForm(StyledFormMixin, forms.ModelForm):
    lead = PersonChoiceField(label=_("Lead submitter"), queryset=Person.objects.none())
    co_submitters = PeopleChoiceField(
        label=_("Co-submitters"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Each must hold a matching post on the submission date."),
    )
    topics = forms.CharField(
        label=_("Topics"),
        required=False,
        help_text=_("Separated by commas, e.g. 营商环境, 人才住房"),
    )
    submit_on = forms.DateField(
        label=_("Submitted on"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty to keep it as a draft."),
    )

    class Meta:
        model = Proposal
        fields = [
            "organization",
            "kind",
            "level",
            "place",
            "session_year",
            "session_term",
            "session_sitting",
            "number",
            "title",
            "text",
            "lead",
            "co_submitters",
        ]
        widgets = {"text": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        holders = post_holders(user)
        self.fields["lead"].queryset = holders
        self.fields["co_submitters"].queryset = holders
        self.fields["organization"].queryset = visible_organizations(user, Perm.CHANGE)
        self.fields["organization"].label = _("Recorded by")
        self.fields["place"].help_text = _("Where the body sits, e.g. 宝安区; empty for national.")
        if self.instance.pk:
            del self.fields["organization"]
            del self.fields["submit_on"]
            self.initial["topics"] = ", ".join(t.name for t in self.instance.topics.all())

    def _post_clean(self):
        pass

    def topic_list(self) -> list[str]:
        raw = self.cleaned_data.get("topics") or ""
        return [
            t.strip() for t in raw.replace("，", ",").replace("、", ",").split(",") if t.strip()
        ]

    def service_fields(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k in self.Meta.fields}
        data["co_submitters"] = list(data.get("co_submitters") or [])
        data["topics"] = self.topic_list()
        return data


# --- one form per step -------------------------------------------------------------------


class StepForm(OnForm):
    def __init__(self, *args, proposal: Proposal, user, **kwargs):
        self.proposal = proposal
        super().__init__(*args, **kwargs)

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


class SubmitForm(StepForm):
    pass


class FileForm(StepForm):
    file_number = forms.CharField(label=_("Filing number"), max_length=30, required=False)


class DeclineForm(StepForm):
    reason = forms.CharField(label=_("Reason"), max_length=300)
    passed_on_as_opinion = forms.BooleanField(
        label=_("Pass it on to the units concerned as an opinion"), required=False
    )


class MergeForm(StepForm):
    into = forms.ModelChoiceField(label=_("Merge into"), queryset=Proposal.objects.none())
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, proposal, user, **kwargs):
        super().__init__(*args, proposal=proposal, user=user, **kwargs)
        self.fields["into"].queryset = selectors.merge_targets(user, proposal)


class AssignForm(StepForm):
    lead_unit = forms.ModelChoiceField(
        label=_("Lead handling unit"), queryset=HandlingUnit.objects.none()
    )
    co_handlers = forms.ModelMultipleChoiceField(
        label=_("Co-handling units"),
        queryset=HandlingUnit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )

    def __init__(self, *args, proposal, user, **kwargs):
        super().__init__(*args, proposal=proposal, user=user, **kwargs)
        self.fields["lead_unit"].queryset = selectors.handling_units()
        self.fields["co_handlers"].queryset = selectors.handling_units()


class SignForm(StepForm):
    pass


class ReturnForm(StepForm):
    reason = forms.CharField(label=_("Why it was wrongly assigned"), max_length=300)


class ExtendForm(StepForm):
    due = forms.DateField(label=_("New due date"), widget=DateInput())
    reason = forms.CharField(label=_("Explanation"), max_length=300)


class ReplyForm(StepForm):
    unit = forms.ModelChoiceField(
        label=_("Replying unit"), queryset=HandlingUnit.objects.none(), required=False
    )
    grade = forms.ChoiceField(label=_("Grade"), choices=Grade.choices)
    text = forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 4}))
    attachment = forms.FileField(label=_("Attachment"), required=False)

    def __init__(self, *args, proposal, user, **kwargs):
        super().__init__(*args, proposal=proposal, user=user, **kwargs)
        ids = [proposal.lead_unit_id, *[u.pk for u in proposal.co_handlers.all()]]
        self.fields["unit"].queryset = HandlingUnit.objects.filter(pk__in=[i for i in ids if i])
        self.fields["unit"].empty_label = _("the lead unit")


class EvaluateForm(StepForm):
    satisfaction = forms.ChoiceField(
        label=_("The submitter's evaluation"),
        choices=Satisfaction.choices,
    )
    note = forms.CharField(
        label=pgettext_lazy("evaluation", "Comment"), max_length=500, required=False
    )


class RehandleForm(StepForm):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class CloseForm(StepForm):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


STEP_FORMS: dict[str, type[forms.Form]] = {
    Step.SUBMIT: SubmitForm,
    Step.FILE: FileForm,
    Step.DECLINE: DeclineForm,
    Step.MERGE: MergeForm,
    Step.ASSIGN: AssignForm,
    Step.SIGN: SignForm,
    Step.RETURN: ReturnForm,
    Step.EXTEND: ExtendForm,
    Step.REPLY: ReplyForm,
    Step.EVALUATE: EvaluateForm,
    Step.REHANDLE: RehandleForm,
    Step.CLOSE: CloseForm,
}
