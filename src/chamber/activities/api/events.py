"""/api/v1/events/ and /api/v1/registrations/. Steps are POST actions: announce,
close, cancel, register and check-in on an event; cancel, check-in and undo-check-in
on a registration."""

from __future__ import annotations

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from chamber.core.api import StepBody, service_errors, step_schema
from chamber.core.filters import YearFilter
from chamber.members import selectors as member_selectors
from chamber.members.models import Enterprise, Person

from .. import selectors, services
from ..choices import CheckInMethod, EventKind, EventStatus, RegistrationStatus
from ..models import CheckIn, Event, EventSpeaker, Registration
from .common import AnyOrgCodeField, OrgCodeField, ReasonSerializer, ScopedPKField


class SpeakerSerializer(serializers.ModelSerializer):
    class Meta:
        model = EventSpeaker
        fields = ["name", "affiliation", "topic", "is_expert"]


class AttendanceSerializer(serializers.Serializer):
    seats = serializers.IntegerField(help_text="People on confirmed sign-ups")
    waiting = serializers.IntegerField(help_text="Sign-ups on the waiting list")
    attendance = serializers.IntegerField(help_text="People checked in (person-times, 人次)")


class EventSerializer(serializers.ModelSerializer):
    organization = OrgCodeField(help_text="Code of the organiser (where you may change records).")
    co_organizers = AnyOrgCodeField(many=True, required=False)
    open_to = AnyOrgCodeField(
        many=True, required=False, help_text="Members of these organisations may sign up."
    )
    speakers = SpeakerSerializer(many=True, required=False)
    attendance = serializers.SerializerMethodField()
    state = serializers.SerializerMethodField(
        help_text="The workflow's state: the status, or `held` once the event's last day "
        "has passed (it takes no more sign-ups)."
    )

    class Meta:
        model = Event
        # the service validates (uniqueness included), as for the pages
        validators: list = []
        fields = [
            "id",
            "organization",
            "co_organizers",
            "open_to",
            "kind",
            "title",
            "status",
            "state",
            "starts_at",
            "ends_at",
            "place",
            "destination",
            "city",
            "capacity",
            "registration_deadline",
            "description",
            "cancel_reason",
            "speakers",
            "attendance",
            "created",
            "updated",
        ]
        read_only_fields = ["status", "cancel_reason", "created", "updated"]
        extra_kwargs = {"ends_at": {"required": False}}

    @extend_schema_field(serializers.CharField())
    def get_state(self, obj: Event) -> str:
        return obj.state

    @extend_schema_field(AttendanceSerializer)
    def get_attendance(self, obj: Event) -> dict:
        if hasattr(obj, "seats"):
            return {"seats": obj.seats, "waiting": obj.waiting, "attendance": obj.attendance}
        f = selectors.attendance(obj)
        return {"seats": f["seats"], "waiting": f["waiting"], "attendance": f["attendance"]}

    def validate(self, attrs):
        # Model validation is the service's (the page and the API give the same errors).
        return attrs

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["organization"] = instance.organization.code
        return data


class EventFilter(filters.FilterSet):
    organization = filters.CharFilter(
        method="in_org", help_text="Organisation code: events it or its subtree (co-)organises."
    )
    kind = filters.ChoiceFilter(choices=EventKind.choices)
    status = filters.ChoiceFilter(choices=EventStatus.choices)
    starts_after = filters.DateFilter(field_name="starts_at", lookup_expr="date__gte")
    starts_before = filters.DateFilter(field_name="starts_at", lookup_expr="date__lte")
    year = YearFilter(field_name="starts_at")

    class Meta:
        model = Event
        # the service validates (uniqueness included), as for the pages
        validators: list = []
        fields = ["kind", "status", "destination"]

    def in_org(self, qs, name, value):
        from chamber.orgs.models import Organization

        org = Organization.objects.filter(code=value).first()
        return qs.touching(org) if org else qs.none()


class StepReasonSerializer(StepBody, ReasonSerializer):
    pass


class OptionalReasonSerializer(StepBody):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class RegisterSerializer(StepBody):
    enterprise = ScopedPKField(
        member_selectors.enterprises, Enterprise, required=False, allow_null=True
    )
    person = ScopedPKField(member_selectors.people, Person, required=False, allow_null=True)
    party_size = serializers.IntegerField(min_value=1, default=1)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    walk_in = serializers.BooleanField(
        default=False, help_text="Sign up and check in at once (at the door)."
    )
    over_capacity = serializers.BooleanField(
        default=False, help_text="Admit a walk-in although the event is full."
    )


class CodeSerializer(StepBody):
    code = serializers.CharField(max_length=80, help_text="The QR code's text, or the code typed.")
    headcount = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    method = serializers.ChoiceField(
        choices=[CheckInMethod.CAMERA, CheckInMethod.TYPED], default=CheckInMethod.TYPED
    )


class CheckInSerializer(serializers.ModelSerializer):
    class Meta:
        model = CheckIn
        fields = ["at", "headcount", "method"]


class RegistrationSerializer(serializers.ModelSerializer):
    event = ScopedPKField(selectors.events, Event)
    enterprise = ScopedPKField(
        member_selectors.enterprises, Enterprise, required=False, allow_null=True
    )
    person = ScopedPKField(member_selectors.people, Person, required=False, allow_null=True)
    registrant_name = serializers.CharField(read_only=True)
    qr_payload = serializers.CharField(read_only=True, help_text="What the QR code encodes.")
    check_in = serializers.SerializerMethodField()

    class Meta:
        model = Registration
        # the service validates (uniqueness included), as for the pages
        validators: list = []
        fields = [
            "id",
            "event",
            "enterprise",
            "person",
            "registrant_name",
            "party_size",
            "status",
            "walk_in",
            "note",
            "code",
            "qr_payload",
            "registered_at",
            "status_changed_at",
            "check_in",
        ]
        read_only_fields = ["status", "walk_in", "code", "registered_at", "status_changed_at"]

    @extend_schema_field(CheckInSerializer(allow_null=True))
    def get_check_in(self, obj: Registration) -> dict | None:
        # a missing reverse one-to-one raises an AttributeError subclass
        check = getattr(obj, "check_in", None)
        return CheckInSerializer(check).data if check else None


class EventViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Events organised or co-organised in the caller's scope. New events are drafts;
    `announce` opens sign-up."""

    serializer_class = EventSerializer
    filterset_class = EventFilter
    ordering_fields = ["starts_at", "id", "title"]
    ordering = ["-starts_at", "-id"]

    def get_queryset(self):
        return selectors.with_attendance(
            selectors.events(self.request.user)
            .select_related("organization")
            .prefetch_related("co_organizers", "open_to", "speakers")
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        with service_errors():
            serializer.instance = services.create_event(
                actor=self.request.user,
                organization=data.pop("organization"),
                co_organizers=data.pop("co_organizers", []),
                open_to=data.pop("open_to", []),
                speakers=data.pop("speakers", []),
                **data,
            )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("organization", None)
        with service_errors():
            serializer.instance = services.update_event(
                actor=self.request.user,
                event=serializer.instance,
                co_organizers=data.pop("co_organizers", None),
                open_to=data.pop("open_to", None),
                speakers=data.pop("speakers", None),
                **data,
            )

    def _fresh(self, event: Event) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=event.pk)).data)

    def _event_step(self, request: Request, run, body_class=StepBody) -> Response:
        event = self.get_object()
        body = body_class(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            run(actor=request.user, event=event, **body.validated_data)
        return self._fresh(event)

    @step_schema(request=StepBody, response=EventSerializer)
    @action(detail=True, methods=["post"])
    def announce(self, request: Request, pk=None) -> Response:
        """Open sign-up (from a draft, or reopen; never once the event is held)."""
        return self._event_step(request, services.announce_event)

    @step_schema(request=StepBody, response=EventSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk=None) -> Response:
        """Close sign-up; check-in goes on."""
        return self._event_step(request, services.close_registration)

    @step_schema(request=StepReasonSerializer, response=EventSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk=None) -> Response:
        """Cancel the event and its sign-ups."""
        return self._event_step(request, services.cancel_event, StepReasonSerializer)

    @step_schema(request=RegisterSerializer, response=RegistrationSerializer, status_code=201)
    @action(detail=True, methods=["post"])
    def register(self, request: Request, pk=None) -> Response:
        """Sign up a person, an enterprise or both: confirmed while places are free,
        else on the waiting list. `walk_in` signs up and checks in at once."""
        event = self.get_object()
        body = RegisterSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        with service_errors():
            reg = services.register(actor=request.user, event=event, **body.validated_data)
        return Response(
            RegistrationSerializer(reg, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @step_schema(request=CodeSerializer, response=RegistrationSerializer)
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request: Request, pk=None) -> Response:
        """Check in by the code on a sign-up (scanned or typed). A second check-in of
        the same sign-up is refused (409)."""
        event = self.get_object()
        body = CodeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            check = services.check_in_by_code(
                actor=request.user, event=event, **body.validated_data
            )
        return Response(
            RegistrationSerializer(check.registration, context=self.get_serializer_context()).data
        )


class RegistrationFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=RegistrationStatus.choices)
    checked_in = filters.BooleanFilter(field_name="check_in", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Registration
        # the service validates (uniqueness included), as for the pages
        validators: list = []
        fields = ["event", "enterprise", "person", "status", "walk_in"]


class HeadcountSerializer(StepBody):
    headcount = serializers.IntegerField(min_value=1, required=False, allow_null=True)


class RegistrationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Sign-ups the caller may see: for events in scope, and of members in scope.
    POST creates a sign-up (as the event's `register` step); cancelling and checking
    in are actions, so a sign-up is never deleted."""

    serializer_class = RegistrationSerializer
    filterset_class = RegistrationFilter
    ordering_fields = ["registered_at", "id"]
    ordering = ["id"]

    def get_queryset(self):
        return selectors.registrations(self.request.user).select_related(
            "event", "enterprise", "person", "check_in"
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        with service_errors():
            serializer.instance = services.register(
                actor=self.request.user,
                event=data["event"],
                enterprise=data.get("enterprise"),
                person=data.get("person"),
                party_size=data.get("party_size", 1),
                note=data.get("note", ""),
            )

    def _fresh(self, reg: Registration) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=reg.pk)).data)

    @step_schema(request=OptionalReasonSerializer, response=RegistrationSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk=None) -> Response:
        """Cancel the sign-up; the waiting list moves up."""
        reg = self.get_object()
        body = OptionalReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            services.cancel_registration(
                actor=request.user, registration=reg, **body.validated_data
            )
        return self._fresh(reg)

    @step_schema(request=HeadcountSerializer, response=RegistrationSerializer)
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request: Request, pk=None) -> Response:
        """Check in from the list. Refused (409) if checked in already."""
        reg = self.get_object()
        body = HeadcountSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            services.check_in(
                actor=request.user,
                registration=reg,
                method=CheckInMethod.LIST,
                headcount=body.validated_data.get("headcount"),
                occurred_at=body.validated_data.get("occurred_at"),
            )
        return self._fresh(reg)

    @step_schema(request=StepReasonSerializer, response=RegistrationSerializer)
    @action(detail=True, methods=["post"], url_path="undo-check-in")
    def undo_check_in(self, request: Request, pk=None) -> Response:
        """Take back a check-in made by mistake (audited)."""
        reg = self.get_object()
        body = StepReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            services.undo_check_in(actor=request.user, registration=reg, **body.validated_data)
        return self._fresh(reg)
