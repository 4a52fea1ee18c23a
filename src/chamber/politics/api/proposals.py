"""/api/v1/proposals/ with each lifecycle step as a POST action, and the read-only
/api/v1/handling-units/."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from chamber.core import api_fields
from chamber.core.api import StepBody, UserNameField, service_errors, step_schema
from chamber.core.filters import IdFilter
from chamber.core.inputs import FormParser, JSONParser, MultiPartParser
from chamber.core.pagination import CappedCountPagination
from chamber.core.steps import local_day
from chamber.members.api import OrgCodeField, ScopedPKField
from chamber.members.models import Person
from chamber.members.selectors import people
from chamber.orgs.models import Organization

from .. import selectors, services
from ..choices import FINAL, Grade, Level, ProposalKind, Satisfaction, Status, Step
from ..models import HandlingUnit, Proposal, ProposalStep, Reply
from ..subtree import people_in


class HandlingUnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = HandlingUnit
        fields = ["id", "name", "short_name", "level", "active"]


class HandlingUnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Units that handle proposals (reference data, kept in the admin)."""

    serializer_class = HandlingUnitSerializer
    filterset_fields = ["level", "active"]
    ordering = ["name"]

    def get_queryset(self):
        return HandlingUnit.objects.all()


_CHOICE_FIELDS: dict[str, type[serializers.ChoiceField]] = {}


def named_choice_field(choices, name: str, **kwargs) -> serializers.ChoiceField:
    """A choice field whose enum is one named schema component: the same choice sets
    appear under several field names here (status, from_status, to_status), and `kind`
    is also a member's and an organisation's field, so the names drf-spectacular would
    derive from field names collide."""
    schema = {
        "type": "string",
        "enum": list(choices.values),
        "description": ", ".join(f"`{v}` {label}" for v, label in choices.choices),
    }
    if name not in _CHOICE_FIELDS:  # one class per component, or the schema sees two
        _CHOICE_FIELDS[name] = extend_schema_field(schema, component_name=name)(
            type(f"{choices.__name__}Field", (serializers.ChoiceField,), {})
        )
    return _CHOICE_FIELDS[name](choices=choices.choices, **kwargs)


class TopicsField(serializers.ListField):
    """Topics as a list of names; unknown names are created on write."""

    child = serializers.CharField(max_length=50)

    def to_representation(self, data):
        return [t.name for t in data.all()]


class ReplySerializer(serializers.ModelSerializer):
    unit = serializers.StringRelatedField()
    attachment_url = serializers.SerializerMethodField()

    class Meta:
        model = Reply
        fields = [
            "round",
            "unit",
            "replied_on",
            "text",
            "grade",
            "due",
            "late",
            "attachment_url",
            "satisfaction",
            "evaluated_on",
            "evaluation_note",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_attachment_url(self, obj: Reply) -> str | None:
        if not obj.attachment:
            return None
        return reverse("politics:reply_attachment", args=[obj.proposal_id, obj.round])


class StepSerializer(serializers.ModelSerializer):
    step = named_choice_field(Step, "ProposalStepEnum", read_only=True)
    from_status = named_choice_field(Status, "ProposalStatusEnum", read_only=True)
    to_status = named_choice_field(Status, "ProposalStatusEnum", read_only=True)
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)
    actor_name = UserNameField(source="actor")
    unit = serializers.StringRelatedField()

    class Meta:
        model = ProposalStep
        fields = [
            "step",
            "on",
            "from_status",
            "to_status",
            "actor",
            "actor_name",
            "unit",
            "note",
            "at",
        ]


class ProposalSerializer(serializers.ModelSerializer):
    organization = OrgCodeField(help_text="Code of the organisation recording the proposal.")
    kind = named_choice_field(ProposalKind, "ProposalKindEnum")
    status = named_choice_field(Status, "ProposalStatusEnum", read_only=True)
    lead = ScopedPKField(people, Person)
    lead_name = serializers.CharField(source="lead.name", read_only=True)
    co_submitters = ScopedPKField(people, Person, many=True, required=False)
    topics = TopicsField(required=False)
    lead_unit = serializers.StringRelatedField()
    overdue = serializers.SerializerMethodField()
    submit_on = api_fields.DateField(
        write_only=True,
        required=False,
        help_text="On create: submit it on this day too (else it stays a draft).",
    )

    class Meta:
        model = Proposal
        fields = [
            "id",
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
            "lead_name",
            "co_submitters",
            "topics",
            "status",
            "submitted_on",
            "filed_on",
            "file_number",
            "decided_on",
            "decline_reason",
            "passed_on_as_opinion",
            "merged_into",
            "lead_unit",
            "assigned_on",
            "reply_due",
            "due_extended",
            "extension_reason",
            "signed_on",
            "first_replied_on",
            "grade",
            "satisfaction",
            "closed_on",
            "overdue",
            "submit_on",
            "created",
            "updated",
        ]
        read_only_fields = [
            "status",
            "submitted_on",
            "filed_on",
            "file_number",
            "decided_on",
            "decline_reason",
            "passed_on_as_opinion",
            "merged_into",
            "assigned_on",
            "reply_due",
            "due_extended",
            "extension_reason",
            "signed_on",
            "first_replied_on",
            "grade",
            "satisfaction",
            "closed_on",
            "created",
            "updated",
        ]

    @extend_schema_field(serializers.BooleanField())
    def get_overdue(self, obj: Proposal) -> bool:
        return obj.is_overdue()

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["organization"] = instance.organization.code
        return data


class ProposalDetailSerializer(ProposalSerializer):
    co_handlers = serializers.StringRelatedField(many=True, read_only=True)
    replies = ReplySerializer(many=True, read_only=True)
    steps = StepSerializer(many=True, read_only=True)
    next_steps = serializers.SerializerMethodField()

    class Meta(ProposalSerializer.Meta):
        fields = [*ProposalSerializer.Meta.fields, "co_handlers", "replies", "steps", "next_steps"]

    @extend_schema_field(serializers.ListField(child=named_choice_field(Step, "ProposalStepEnum")))
    def get_next_steps(self, obj: Proposal) -> list[str]:
        return services.legal_steps(obj)


class ProposalUpdateSerializer(ProposalSerializer):
    class Meta(ProposalSerializer.Meta):
        read_only_fields = [*ProposalSerializer.Meta.read_only_fields, "organization"]


# --- step bodies -------------------------------------------------------------------------


class OnSerializer(StepBody):
    """A proposal step is dated by its day: `on`, or the day of `occurred_at`
    (default today)."""

    on = api_fields.DateField(
        required=False, help_text="The day the step happened (or give occurred_at)."
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        occurred = attrs.pop("occurred_at", None)
        if "on" not in attrs:
            attrs["on"] = local_day(occurred) if occurred is not None else timezone.localdate()
        elif occurred is not None and local_day(occurred) != attrs["on"]:
            raise serializers.ValidationError({"occurred_at": ["It is not the day given as on."]})
        return attrs


class FileSerializer(OnSerializer):
    file_number = serializers.CharField(max_length=30, required=False, allow_blank=True)


class DeclineSerializer(OnSerializer):
    reason = serializers.CharField(max_length=300)
    passed_on_as_opinion = serializers.BooleanField(required=False, default=False)


class MergeSerializer(OnSerializer):
    into = ScopedPKField(selectors.proposals, Proposal)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class AssignSerializer(OnSerializer):
    lead_unit = serializers.PrimaryKeyRelatedField(queryset=HandlingUnit.objects.all())
    co_handlers = serializers.PrimaryKeyRelatedField(
        queryset=HandlingUnit.objects.all(), many=True, required=False
    )


class ReturnSerializer(OnSerializer):
    reason = serializers.CharField(max_length=300)


class ExtendSerializer(OnSerializer):
    due = api_fields.DateField()
    reason = serializers.CharField(max_length=300)


class ReplyStepSerializer(OnSerializer):
    text = serializers.CharField()
    grade = serializers.ChoiceField(choices=Grade.choices)
    unit = serializers.PrimaryKeyRelatedField(
        queryset=HandlingUnit.objects.all(),
        required=False,
        allow_null=True,
        help_text="The replying unit (default: the lead unit).",
    )
    attachment = serializers.FileField(required=False, allow_null=True)


class EvaluateSerializer(OnSerializer):
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class NoteSerializer(OnSerializer):
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


# --- the viewset -------------------------------------------------------------------------


class ProposalFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=ProposalKind.choices)
    level = filters.ChoiceFilter(choices=Level.choices)
    status = filters.ChoiceFilter(
        choices=[*Status.choices, ("open", "open"), ("final", "final"), ("overdue", "overdue")],
        method="by_status",
    )
    topic = filters.CharFilter(field_name="topics__name")
    organization = filters.CharFilter(
        method="in_org", help_text="Organisation code: a submitter is (or was) its member."
    )
    person = IdFilter(method="by_person", help_text="Lead or co-submitter id.")
    submitted_after = filters.DateFilter(field_name="submitted_on", lookup_expr="gte")
    submitted_before = filters.DateFilter(field_name="submitted_on", lookup_expr="lte")

    class Meta:
        model = Proposal
        fields = ["kind", "level", "session_year", "session_term", "lead", "lead_unit", "grade"]

    def by_status(self, qs, name, value):
        if value == "overdue":
            return qs.overdue()
        if value == "open":
            return qs.exclude(status__in=FINAL)
        if value == "final":
            return qs.filter(status__in=FINAL)
        return qs.filter(status=value)

    def in_org(self, qs, name, value):
        org = Organization.objects.filter(code=value).first()
        if org is None:
            return qs.none()
        members = people_in(org)
        co = Proposal.co_submitters.through.objects.filter(
            proposal=OuterRef("pk"), person__in=members
        )
        return qs.filter(Q(lead__in=members) | Exists(co))

    def by_person(self, qs, name, value):
        co = Proposal.co_submitters.through.objects.filter(proposal=OuterRef("pk"), person=value)
        return qs.filter(Q(lead=value) | Exists(co))


def _step(name: str, body: type[serializers.Serializer], doc: str, attr: str = "", **kwargs):
    """A POST action running the step's service with the validated body."""
    name = Step(name).value

    def run(self, request: Request, pk=None) -> Response:
        proposal = self.get_object()
        data = body(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        with service_errors():
            services.STEP_FUNCTIONS[name](
                actor=request.user, proposal=proposal, **data.validated_data
            )
        fresh = self.get_queryset().get(pk=proposal.pk)
        return Response(ProposalDetailSerializer(fresh, context=self.get_serializer_context()).data)

    # DRF maps the route to the method by name: name it as its attribute before decorating.
    run.__name__ = attr or name
    run.__doc__ = doc
    run = action(detail=True, methods=["post"], url_path=name, url_name=name, **kwargs)(run)
    return step_schema(request=body, response=ProposalDetailSerializer)(run)


class ProposalViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Proposals the caller may see: recorded in their scope, or submitted by people
    they see. A draft is edited with PUT/PATCH; every later change is a step (POST
    .../<step>/), refused with a 400 saying why when it is not legal now."""

    filterset_class = ProposalFilter
    pagination_class = CappedCountPagination
    ordering_fields = ["submitted_on", "reply_due", "session_year", "id"]
    ordering = ["-id"]

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return ProposalUpdateSerializer
        if self.action == "list":
            return ProposalSerializer
        return ProposalDetailSerializer

    def get_queryset(self):
        qs = (
            selectors.proposals(self.request.user)
            .select_related("organization", "lead", "lead_unit")
            .prefetch_related("co_submitters", "topics")
        )
        if self.action != "list":
            qs = qs.prefetch_related(
                "co_handlers",
                Prefetch("replies", queryset=Reply.objects.select_related("unit")),
                Prefetch("steps", queryset=ProposalStep.objects.select_related("actor", "unit")),
            )
        return qs

    def perform_create(self, serializer):
        with service_errors():
            serializer.instance = services.create_proposal(
                actor=self.request.user, **serializer.validated_data
            )

    def perform_update(self, serializer):
        data = {
            k: v
            for k, v in serializer.validated_data.items()
            if k not in ("organization", "submit_on")
        }
        with service_errors():
            serializer.instance = services.update_proposal(
                actor=self.request.user, proposal=serializer.instance, **data
            )

    submit = _step(Step.SUBMIT, OnSerializer, "Submit a draft (every submitter needs a post).")
    file = _step(Step.FILE, FileSerializer, "File it (立案).")
    decline = _step(Step.DECLINE, DeclineSerializer, "Not filed, with the reason.")
    merge = _step(Step.MERGE, MergeSerializer, "Merge it into another proposal.")
    assign = _step(Step.ASSIGN, AssignSerializer, "Assign to a lead unit and co-handlers.")
    sign = _step(Step.SIGN, OnSerializer, "The lead unit signs for it.")
    return_ = _step(Step.RETURN, ReturnSerializer, "Returned as wrongly assigned.", attr="return_")
    extend = _step(Step.EXTEND, ExtendSerializer, "Extend the reply due date.")
    reply = _step(
        Step.REPLY,
        ReplyStepSerializer,
        "The unit's reply, graded A-D (multipart for an attachment).",
        parser_classes=[MultiPartParser, FormParser, JSONParser],
    )
    evaluate = _step(Step.EVALUATE, EvaluateSerializer, "The submitter's evaluation.")
    rehandle = _step(Step.REHANDLE, NoteSerializer, "Handle again after an unsatisfied one.")
    close = _step(Step.CLOSE, NoteSerializer, "Close it.")
