"""/api/v1/meetings/: council meetings, numbered within their term, with attendance,
quorum and resolutions."""

from __future__ import annotations

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from chamber.core.api import service_errors
from chamber.core.filters import YearFilter
from chamber.orgs.choices import Perm

from .. import selectors, services
from ..models import Meeting, Resolution, Term, TermMember
from .common import ScopedPKField, in_org_subtree


def _change_terms(user):
    return Term.objects.visible_to(user, Perm.CHANGE)


class ResolutionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Resolution
        fields = ["number", "text", "adopted", "votes_for", "votes_against", "abstentions"]
        read_only_fields = ["number"]


class QuorumSerializer(serializers.Serializer):
    seats = serializers.IntegerField()
    required = serializers.IntegerField()
    present = serializers.IntegerField()
    met = serializers.BooleanField()


class AttendeeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="person.name", read_only=True)

    class Meta:
        model = TermMember
        fields = ["id", "person", "name", "role"]


class MeetingSerializer(serializers.ModelSerializer):
    term = ScopedPKField(_change_terms, Term, help_text="The term (届) the meeting belongs to.")
    name = serializers.CharField(read_only=True, help_text="e.g. 第四届执委会第五次会议")
    organization = serializers.SerializerMethodField()
    term_number = serializers.IntegerField(source="term.number", read_only=True)
    quorum = serializers.SerializerMethodField()
    attendees = serializers.SerializerMethodField()
    resolutions = ResolutionSerializer(many=True, read_only=True)
    minutes_attached = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        # the service validates (uniqueness included), as for the pages
        validators: list = []
        fields = [
            "id",
            "term",
            "term_number",
            "number",
            "name",
            "organization",
            "date",
            "place",
            "agenda",
            "guests",
            "quorum",
            "attendees",
            "resolutions",
            "minutes_attached",
        ]
        extra_kwargs = {"number": {"required": False}}

    def validate(self, attrs):
        return attrs

    @extend_schema_field(serializers.CharField())
    def get_organization(self, obj: Meeting) -> str:
        return obj.term.council.organization.code

    @extend_schema_field(QuorumSerializer)
    def get_quorum(self, obj: Meeting) -> dict:
        return selectors.quorum(obj)

    @extend_schema_field(AttendeeSerializer(many=True))
    def get_attendees(self, obj: Meeting) -> list:
        return AttendeeSerializer([a.member for a in obj.attendance.all()], many=True).data

    def get_minutes_attached(self, obj: Meeting) -> bool:
        return bool(obj.minutes)


class MeetingFilter(filters.FilterSet):
    organization = filters.CharFilter(method="in_org", help_text="Organisation code (subtree).")
    year = YearFilter(field_name="date")

    class Meta:
        model = Meeting
        # the service validates (uniqueness included), as for the pages
        validators: list = []
        fields = ["term", "number"]

    def in_org(self, qs, name, value):
        return in_org_subtree(qs, value, "term__council__organization")


class AttendanceBodySerializer(serializers.Serializer):
    members = serializers.ListField(
        child=serializers.IntegerField(), help_text="Ids of the term's members present."
    )


class MeetingViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Meetings of councils in the caller's scope."""

    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter
    ordering_fields = ["date", "id"]
    ordering = ["-date", "-id"]

    def get_queryset(self):
        return selectors.meetings(self.request.user).prefetch_related(
            "resolutions", "attendance__member__person", "term__members"
        )

    def perform_create(self, serializer):
        with service_errors():
            meeting = services.create_meeting(actor=self.request.user, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=meeting.pk)

    def _fresh(self, meeting: Meeting) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=meeting.pk)).data)

    @extend_schema(request=AttendanceBodySerializer, responses={200: MeetingSerializer})
    @action(detail=True, methods=["post"])
    def attendance(self, request: Request, pk=None) -> Response:
        """Who attended (replaces the list)."""
        meeting = self.get_object()
        body = AttendanceBodySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ids = body.validated_data["members"]
        members = list(
            TermMember.objects.filter(term=meeting.term, pk__in=ids).select_related("person")
        )
        if len(members) != len(set(ids)):
            return Response(
                {"members": ["Some ids are not members of this meeting's term."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        with service_errors():
            services.set_attendance(actor=request.user, meeting=meeting, members=members)
        return self._fresh(meeting)

    @extend_schema(request=ResolutionSerializer, responses={201: ResolutionSerializer})
    @action(detail=True, methods=["post"])
    def resolutions(self, request: Request, pk=None) -> Response:
        """Record a resolution (numbered in turn)."""
        meeting = self.get_object()
        body = ResolutionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            res = services.add_resolution(
                actor=request.user, meeting=meeting, **body.validated_data
            )
        return Response(ResolutionSerializer(res).data, status=status.HTTP_201_CREATED)
