from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .forms import PeriodForm
from .selectors import report_org
from .store import stored_report


class AnnualQuery(serializers.Serializer):
    org = serializers.CharField(help_text="Organisation code, e.g. baoan or baoan.xixiang")


class AnnualReportView(APIView):
    """The year's account (DESIGN §4) for an organisation's subtree and a period in
    Asia/Shanghai: a calendar year, a quarter of it, or custom dates; with the same
    figures for each child in force during the period."""

    @extend_schema(
        parameters=[
            OpenApiParameter("org", OpenApiTypes.STR, required=True),
            OpenApiParameter(
                "year",
                OpenApiTypes.INT,
                description="Calendar year; required unless start and end are given.",
            ),
            OpenApiParameter(
                "quarter", OpenApiTypes.INT, enum=[1, 2, 3, 4], description="A quarter of `year`."
            ),
            OpenApiParameter(
                "start", OpenApiTypes.DATE, description="First day of a custom period (with `end`)."
            ),
            OpenApiParameter(
                "end",
                OpenApiTypes.DATE,
                description="Last day of a custom period, at most three years after `start`.",
            ),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        query = AnnualQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        form = PeriodForm(request.query_params, year_required=True)
        if not form.is_valid():
            raise serializers.ValidationError(
                {field: [str(e) for e in errors] for field, errors in form.errors.items()}
            )
        org = report_org(request.user, query.validated_data["org"])
        return Response(stored_report(org, form.period()))
