"""/api/v1/posts/: members' posts in congresses and CPPCC committees."""

from __future__ import annotations

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from chamber.core import api_fields
from chamber.core.api import service_errors
from chamber.core.pagination import CappedCountPagination
from chamber.members.api import OrgCodeField, ScopedPKField
from chamber.members.models import Person
from chamber.orgs.choices import Perm
from chamber.orgs.models import Organization

from .. import selectors, services
from ..choices import Body, Level, PostRole
from ..models import PoliticalPost
from ..subtree import people_in


def _changeable_people(user):
    return Person.objects.visible_to(user, Perm.CHANGE)


class PostSerializer(serializers.ModelSerializer):
    person = ScopedPKField(_changeable_people, Person)
    person_name = serializers.CharField(source="person.name", read_only=True)
    organization = OrgCodeField(help_text="Code of the organisation recording the post.")
    body_label = serializers.CharField(read_only=True)
    in_force = serializers.SerializerMethodField()

    class Meta:
        model = PoliticalPost
        fields = [
            "id",
            "person",
            "person_name",
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
            "body_label",
            "in_force",
            "created",
            "updated",
        ]
        read_only_fields = ["created", "updated"]

    @extend_schema_field(serializers.BooleanField())
    def get_in_force(self, obj: PoliticalPost) -> bool:
        return obj.is_in_force()

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["organization"] = instance.organization.code
        return data


class PostUpdateSerializer(PostSerializer):
    """On update a post keeps its person and recorder."""

    class Meta(PostSerializer.Meta):
        read_only_fields = ["person", "organization", "created", "updated"]


class EndPostSerializer(serializers.Serializer):
    end = api_fields.DateField()
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class PostFilter(filters.FilterSet):
    body = filters.ChoiceFilter(choices=Body.choices)
    level = filters.ChoiceFilter(choices=Level.choices)
    role = filters.ChoiceFilter(choices=PostRole.choices)
    in_force_on = filters.DateFilter(method="by_date", help_text="Posts held on this day.")
    organization = filters.CharFilter(
        method="in_org", help_text="Organisation code: people who are (or were) its members."
    )
    started_after = filters.DateFilter(field_name="start", lookup_expr="gte")
    started_before = filters.DateFilter(field_name="start", lookup_expr="lte")

    class Meta:
        model = PoliticalPost
        fields = ["body", "level", "term", "role", "sector", "person", "place"]

    def by_date(self, qs, name, value):
        return qs.in_force(value)

    def in_org(self, qs, name, value):
        org = Organization.objects.filter(code=value).first()
        return qs.filter(person__in=people_in(org)) if org else qs.none()


class PostViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Posts the caller may see: where the person is visible, or recorded by an
    organisation in the caller's scope. Ending a post is a POST action; posts are kept."""

    filterset_class = PostFilter
    pagination_class = CappedCountPagination
    ordering_fields = ["start", "end", "level", "id"]
    ordering = ["id"]

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return PostUpdateSerializer
        return PostSerializer

    def get_queryset(self):
        return selectors.posts(self.request.user).select_related("person", "organization")

    def perform_create(self, serializer):
        with service_errors():
            serializer.instance = services.record_post(
                actor=self.request.user, **serializer.validated_data
            )

    def perform_update(self, serializer):
        data = {
            k: v
            for k, v in serializer.validated_data.items()
            if k not in ("person", "organization")
        }
        with service_errors():
            serializer.instance = services.update_post(
                actor=self.request.user, post=serializer.instance, **data
            )
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    @extend_schema(request=EndPostSerializer, responses={200: PostSerializer})
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk=None) -> Response:
        post = self.get_object()
        body = EndPostSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            services.end_post(actor=request.user, post=post, **body.validated_data)
        fresh = self.get_queryset().get(pk=post.pk)  # in force is computed by the query
        return Response(PostSerializer(fresh, context=self.get_serializer_context()).data)
