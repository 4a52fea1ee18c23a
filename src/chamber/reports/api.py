from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .annual import annual_report
from .selectors import report_org


class AnnualQuery(serializers.Serializer):
    org = serializers.CharField(help_text="Organisation code, e.g. baoan or baoan.xixiang")
    year = serializers.IntegerField(min_value=1990, max_value=2100)


class AnnualReportView(APIView):
    """The annual report's figures (DESIGN §4) for an organisation's subtree and a
    calendar year (Asia/Shanghai), with the same figures for each child in force then."""

    @extend_schema(
        parameters=[
            OpenApiParameter("org", OpenApiTypes.STR, required=True),
            OpenApiParameter("year", OpenApiTypes.INT, required=True),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        query = AnnualQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        org = report_org(request.user, query.validated_data["org"])
        return Response(annual_report(org, query.validated_data["year"]))
