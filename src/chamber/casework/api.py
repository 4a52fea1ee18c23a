"""REST endpoints for visits and cases. Querysets come from the scoped selectors; every
write, and every workflow step (a POST action on a case), calls a service."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from chamber.core import api_fields
from chamber.core.api import (
    OccurredAtField,
    StepBody,
    UserNameField,
    service_errors,
    step_schema,
)
from chamber.core.filters import IdFilter
from chamber.core.inputs import FormParser, JSONParser, MultiPartParser
from chamber.core.pagination import CappedCountPagination
from chamber.members import selectors as member_selectors
from chamber.members.api import OrgCodeField, ScopedPKField
from chamber.members.models import Enterprise, Person
from chamber.orgs.choices import Perm
from chamber.orgs.models import Organization

from . import selectors, services
from .choices import OPEN_STATUSES, CaseSource, Priority, Satisfaction, Status, VisitKind
from .models import Case, CaseEvent, Category, Department, Expert, Visit, VisitAttachment

User = get_user_model()


# --- Reference data ----------------------------------------------------------------------


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "code", "name", "name_en", "time_limit_days", "active"]


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name", "name_en", "active"]


class ExpertSerializer(serializers.ModelSerializer):
    class Meta:
        model = Expert
        fields = ["id", "name", "title", "affiliation", "fields", "active"]


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    """Case categories and their time limits in working days."""

    serializer_class = CategorySerializer
    queryset = Category.objects.order_by("sort_order", "code")
    pagination_class = None


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Departments a case can be handed to (交办)."""

    serializer_class = DepartmentSerializer
    queryset = Department.objects.order_by("sort_order", "name")
    pagination_class = None


class ExpertViewSet(viewsets.ReadOnlyModelViewSet):
    """The expert pool."""

    serializer_class = ExpertSerializer
    queryset = Expert.objects.filter(active=True).order_by("name")


# --- Visits ------------------------------------------------------------------------------


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = VisitAttachment
        fields = ["id", "name", "kind", "size", "content_type", "uploaded", "url"]

    def get_url(self, obj: VisitAttachment) -> str:
        return reverse("casework:attachment", args=[obj.pk])


class VisitCaseSerializer(serializers.Serializer):
    """A problem raised on the visit, created with it."""

    enterprise = serializers.IntegerField(help_text="Id of one of the enterprises visited.")
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=Category.objects.filter(active=True)
    )
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)


class VisitSerializer(serializers.ModelSerializer):
    organization = OrgCodeField()
    enterprises = ScopedPKField(member_selectors.enterprises, Enterprise, many=True)
    staff = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        many=True,
        required=False,
    )
    staff_names = serializers.ListField(
        child=UserNameField(), source="staff.all", read_only=True, help_text="姓名 of the staff."
    )
    leaders = ScopedPKField(member_selectors.people, Person, many=True, required=False)
    experts = serializers.PrimaryKeyRelatedField(
        queryset=Expert.objects.filter(active=True), many=True, required=False
    )
    attachments = AttachmentSerializer(many=True, read_only=True)
    cases = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    new_cases = VisitCaseSerializer(
        many=True, write_only=True, required=False, help_text="Problems raised on the visit."
    )

    class Meta:
        model = Visit
        fields = [
            "id",
            "organization",
            "date",
            "kind",
            "enterprises",
            "staff",
            "staff_names",
            "leaders",
            "experts",
            "others",
            "purpose",
            "notes",
            "attachments",
            "cases",
            "new_cases",
            "created",
            "updated",
        ]
        read_only_fields = ["created", "updated"]


class VisitFilter(filters.FilterSet):
    organization = filters.CharFilter(method="in_org", help_text="Organisation code (subtree).")
    date = filters.DateFromToRangeFilter()
    kind = filters.ChoiceFilter(choices=VisitKind.choices)
    enterprise = IdFilter(field_name="enterprises")
    expert = IdFilter(field_name="experts")

    class Meta:
        model = Visit
        fields = ["kind"]

    def in_org(self, qs, name, value):
        org = Organization.objects.filter(code=value).first()
        return qs.filter(organization__path__startswith=org.path) if org else qs.none()


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class VisitViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Visits of the caller's organisations. Creating a visit may raise cases in the same
    step (`new_cases`); photos and documents are POSTed to `attachments`."""

    serializer_class = VisitSerializer
    filterset_class = VisitFilter
    pagination_class = CappedCountPagination
    ordering_fields = ["date", "id"]
    ordering = ["-date", "-id"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return (
            selectors.visits(self.request.user)
            .select_related("organization")
            .prefetch_related("enterprises", "staff", "leaders", "experts", "attachments", "cases")
        )

    def perform_create(self, serializer):
        d = dict(serializer.validated_data)
        cases = d.pop("new_cases", [])
        with service_errors():
            serializer.instance = services.log_visit(
                actor=self.request.user,
                organization=d["organization"],
                date=d["date"],
                kind=d.get("kind", VisitKind.ROUTINE),
                enterprises=d["enterprises"],
                staff=d.get("staff", []),
                leaders=d.get("leaders", []),
                experts=d.get("experts", []),
                others=d.get("others", ""),
                purpose=d.get("purpose", ""),
                notes=d.get("notes", ""),
                cases=cases,
            )

    def perform_update(self, serializer):
        d = dict(serializer.validated_data)
        d.pop("organization", None)
        d.pop("new_cases", None)
        with service_errors():
            serializer.instance = services.update_visit(
                actor=self.request.user, visit=serializer.instance, **d
            )

    @extend_schema(request=AttachmentUploadSerializer, responses={201: AttachmentSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def attachments(self, request: Request, pk=None) -> Response:
        visit = self.get_object()
        body = AttachmentUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            att = services.add_attachment(
                actor=request.user, visit=visit, upload=body.validated_data["file"]
            )
        return Response(AttachmentSerializer(att).data, status=201)


# --- Cases -------------------------------------------------------------------------------


class CaseEventSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)
    actor_name = UserNameField(source="actor")
    # Plain strings: the same values as the case's `status` enum (one enum in the schema).
    from_status = serializers.CharField(read_only=True, help_text="A case status, or empty.")
    to_status = serializers.CharField(read_only=True, help_text="A case status.")

    class Meta:
        model = CaseEvent
        fields = [
            "id",
            "step",
            "from_status",
            "to_status",
            "actor",
            "actor_name",
            "at",
            "entered_at",
            "entered_late",
            "comment",
            "data",
        ]


class CaseSerializer(serializers.ModelSerializer):
    organization = OrgCodeField()
    enterprise = ScopedPKField(member_selectors.enterprises, Enterprise)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=Category.objects.filter(active=True)
    )
    visit = ScopedPKField(selectors.visits, Visit, required=False, allow_null=True)
    assignee = serializers.SlugRelatedField(slug_field="username", read_only=True)
    assignee_name = UserNameField(source="assignee")
    department = serializers.PrimaryKeyRelatedField(read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True, default=None)
    overdue = serializers.SerializerMethodField()
    next_steps = serializers.SerializerMethodField()
    received_on = api_fields.DateField(required=False)
    occurred_at = OccurredAtField(
        required=False,
        allow_null=True,
        write_only=True,
        help_text="When it was received: ISO date or datetime (Asia/Shanghai when naive); "
        "default now (or received_on).",
    )

    class Meta:
        model = Case
        fields = [
            "id",
            "organization",
            "enterprise",
            "enterprise_name",
            "visit",
            "source",
            "category",
            "title",
            "description",
            "priority",
            "status",
            "received_on",
            "due_on",
            "overdue",
            "assignee",
            "assignee_name",
            "department",
            "department_name",
            "handed_over_on",
            "return_count",
            "escalated",
            "urge_count",
            "last_urged_on",
            "resolution",
            "resolved_on",
            "satisfaction",
            "satisfaction_score",
            "follow_up_comment",
            "followed_up_on",
            "reopen_count",
            "closed_on",
            "merged_into",
            "next_steps",
            "created",
            "occurred_at",
        ]
        read_only_fields = [
            f
            for f in fields
            if f
            not in (
                "organization",
                "enterprise",
                "visit",
                "source",
                "category",
                "title",
                "description",
                "priority",
                "received_on",
                "occurred_at",
            )
        ]

    @extend_schema_field(serializers.BooleanField())
    def get_overdue(self, obj: Case) -> bool:
        return obj.is_overdue(self.context.get("today"))

    @extend_schema_field(
        serializers.ListField(
            child=serializers.CharField(),
            help_text="Steps the caller may take now: the names of the POST actions.",
        )
    )
    def get_next_steps(self, obj: Case) -> list[str]:
        request = self.context.get("request")
        return [
            str(s).replace("_", "-")
            for s in services.next_steps(obj, request.user if request else None)
        ]


class CaseDetailSerializer(CaseSerializer):
    events = CaseEventSerializer(many=True, read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "events"]


class CaseFilter(filters.FilterSet):
    organization = filters.CharFilter(method="in_org", help_text="Organisation code (subtree).")
    status = filters.MultipleChoiceFilter(choices=Status.choices)
    category = filters.CharFilter(field_name="category__code")
    assignee = filters.CharFilter(field_name="assignee__username")
    received_on = filters.DateFromToRangeFilter()
    resolved_on = filters.DateFromToRangeFilter()
    overdue = filters.BooleanFilter(method="is_overdue", help_text="Open and past the due date.")

    class Meta:
        model = Case
        fields = ["status", "category", "department", "enterprise", "source", "escalated", "visit"]

    def in_org(self, qs, name, value):
        org = Organization.objects.filter(code=value).first()
        return qs.filter(organization__path__startswith=org.path) if org else qs.none()

    def is_overdue(self, qs, name, value):
        late = qs.filter(status__in=OPEN_STATUSES, due_on__lt=timezone.localdate())
        return late if value else qs.exclude(pk__in=late.values("pk"))


# Bodies of the step actions.
class CommentBody(StepBody):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class AssignBody(CommentBody):
    assignee = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.filter(is_active=True)
    )


class HandOverBody(CommentBody):
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())


class ReasonBody(StepBody):
    reason = serializers.CharField()


class ResolveBody(StepBody):
    resolution = serializers.CharField()


class FollowUpBody(CommentBody):
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices)
    score = serializers.IntegerField(min_value=1, max_value=5)


class MergeBody(CommentBody):
    into = serializers.IntegerField(help_text="Id of the case this one duplicates.")


class CaseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Cases received by the caller's organisations. A case changes only through its
    steps, each a POST action that answers the case with its timeline, or 400 saying
    why the step is not possible now; `next_steps` lists what the caller may do."""

    filterset_class = CaseFilter
    pagination_class = CappedCountPagination
    ordering_fields = ["received_on", "due_on", "id", "priority"]
    ordering = ["-id"]

    def get_serializer_class(self):
        return CaseSerializer if self.action == "list" else CaseDetailSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def get_queryset(self):
        qs = selectors.cases(self.request.user).select_related(
            "organization", "enterprise", "category", "assignee", "department"
        )
        if self.action != "list":
            qs = qs.prefetch_related("events__actor")
        return qs

    def perform_create(self, serializer):
        d = dict(serializer.validated_data)
        with service_errors():
            serializer.instance = services.raise_case(
                actor=self.request.user,
                organization=d["organization"],
                enterprise=d["enterprise"],
                category=d["category"],
                title=d["title"],
                description=d.get("description", ""),
                priority=d.get("priority", Priority.NORMAL),
                source=d.get("source", CaseSource.OTHER),
                visit=d.get("visit"),
                received_on=d.get("received_on"),
                occurred_at=d.get("occurred_at"),
            )

    def _step(self, request: Request, body_class, run) -> Response:
        case = self.get_object()
        body = body_class(data=request.data)
        body.is_valid(raise_exception=True)
        self._occurred_at = body.validated_data.get("occurred_at")
        with service_errors():
            run(case, body.validated_data)
        fresh = self.get_queryset().get(pk=case.pk)
        return Response(CaseDetailSerializer(fresh, context=self.get_serializer_context()).data)

    def _common(self, request: Request, case: Case) -> dict[str, Any]:
        return {"actor": request.user, "case": case, "occurred_at": self._occurred_at}

    @step_schema(request=AssignBody, response=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk=None) -> Response:
        return self._step(
            request,
            AssignBody,
            lambda c, d: services.assign_case(
                **self._common(request, c), assignee=d["assignee"], comment=d["comment"]
            ),
        )

    @step_schema(request=CommentBody, response=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk=None) -> Response:
        return self._step(
            request,
            CommentBody,
            lambda c, d: services.start_case(**self._common(request, c), comment=d["comment"]),
        )

    @step_schema(request=HandOverBody, response=CaseDetailSerializer)
    @action(detail=True, methods=["post"], url_path="hand-over")
    def hand_over(self, request: Request, pk=None) -> Response:
        return self._step(
            request,
            HandOverBody,
            lambda c, d: services.hand_over_case(
                **self._common(request, c), department=d["department"], comment=d["comment"]
            ),
        )

    @step_schema(request=ReasonBody, response=CaseDetailSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request: Request, pk=None) -> Response:
        return self._step(
            request,
            ReasonBody,
            lambda c, d: services.return_case(**self._common(request, c), reason=d["reason"]),
        )

    @step_schema(request=ResolveBody, response=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk=None) -> Response:
        return self._step(
            request,
            ResolveBody,
            lambda c, d: services.resolve_case(
                **self._common(request, c), resolution=d["resolution"]
            ),
        )

    @step_schema(request=FollowUpBody, response=CaseDetailSerializer)
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request: Request, pk=None) -> Response:
        return self._step(
            request,
            FollowUpBody,
            lambda c, d: services.follow_up_case(
                **self._common(request, c),
                satisfaction=d["satisfaction"],
                score=d["score"],
                comment=d["comment"],
            ),
        )

    @step_schema(request=ReasonBody, response=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk=None) -> Response:
        return self._step(
            request,
            ReasonBody,
            lambda c, d: services.reopen_case(**self._common(request, c), reason=d["reason"]),
        )

    @step_schema(request=CommentBody, response=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk=None) -> Response:
        return self._step(
            request,
            CommentBody,
            lambda c, d: services.close_case(**self._common(request, c), comment=d["comment"]),
        )

    @step_schema(request=ReasonBody, response=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk=None) -> Response:
        return self._step(
            request,
            ReasonBody,
            lambda c, d: services.reject_case(**self._common(request, c), reason=d["reason"]),
        )

    @step_schema(request=MergeBody, response=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk=None) -> Response:
        def run(case: Case, d: dict[str, Any]) -> None:
            into = selectors.cases(request.user, Perm.CHANGE).filter(pk=d["into"]).first()
            if into is None:
                raise serializers.ValidationError(
                    {"into": ["No case with this id that you may change."]}
                )
            services.merge_case(**self._common(request, case), into=into, comment=d["comment"])

        return self._step(request, MergeBody, run)

    @step_schema(request=CommentBody, response=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def urge(self, request: Request, pk=None) -> Response:
        return self._step(
            request,
            CommentBody,
            lambda c, d: services.urge_case(**self._common(request, c), comment=d["comment"]),
        )
