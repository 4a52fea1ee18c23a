from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .annual import annual_report
from .forms import PeriodForm
from .selectors import report_org


def _counts(name: str, **fields: str):
    """A serializer (for the schema only) of integer figures with their meaning."""
    return type(
        name,
        (serializers.Serializer,),
        {k: serializers.IntegerField(help_text=v) for k, v in fields.items()},
    )


def _kinds(name: str, kinds: list[str], item):
    return type(name, (serializers.Serializer,), {k: item() for k in kinds})


def _rate(text: str):
    return serializers.FloatField(
        allow_null=True,
        help_text=f"{text}; a share 0..1 rounded once to 0.1 % (three decimals, half up), "
        "null without a denominator.",
    )


_VisitCounts = _counts(
    "VisitCounts",
    count="家次: (visit, enterprise) pairs; an enterprise counts once per visit to it.",
    visits="次: visit records.",
    enterprises="家: distinct enterprises visited. Always count ≥ visits and count ≥ enterprises.",
)
_EventCounts = _counts(
    "EventCounts",
    count="Events held (场): started in the period, not draft or cancelled.",
    attendance="人次: people checked in, summed over check-ins.",
    enterprises="Distinct enterprises with a check-in.",
)


def _report_schema():
    from chamber.activities.choices import EventKind
    from chamber.casework.choices import VisitKind

    class ReportMembers(serializers.Serializer):
        total = serializers.IntegerField(help_text="Members at the period's end, each once.")
        total_by_kind = _counts(
            "ReportMembersByKind",
            enterprise="Enterprise members (家).",
            person="Individual members (名).",
            organization="Group members (个).",
        )()
        joined = serializers.IntegerField()
        left = serializers.IntegerField()
        previous_total = serializers.IntegerField(help_text="Members the day before the period.")
        growth_rate = _rate("total / previous_total − 1")

    class ReportVisits(_VisitCounts):
        by_kind = _kinds("ReportVisitsByKind", VisitKind.values, _VisitCounts)()

    class ReportCases(serializers.Serializer):
        raised = serializers.IntegerField(help_text="Received in the period, merged ones not.")
        rejected = serializers.IntegerField()
        accepted = serializers.IntegerField(help_text="受理: raised less rejected.")
        accepted_resolved = serializers.IntegerField(
            help_text="Of `accepted`, resolved by the period's end."
        )
        resolution_rate = _rate("accepted_resolved / accepted")
        resolved = serializers.IntegerField(help_text="Resolved in the period, whenever received.")
        resolved_with_deadline = serializers.IntegerField()
        resolved_on_time = serializers.IntegerField()
        on_time_rate = _rate("resolved_on_time / resolved_with_deadline (按期办结率)")
        followed_up = serializers.IntegerField()
        satisfied = serializers.IntegerField()
        satisfaction_rate = _rate("satisfied / followed_up")
        satisfaction = serializers.FloatField(
            allow_null=True, help_text="Mean follow-up score 1–5, two decimals."
        )
        reopened_rate = _rate("reopened / ever resolved")
        median_days_to_resolve = serializers.FloatField(allow_null=True)
        overdue_now = serializers.IntegerField(help_text="Open and past due today.")

    class ReportEvents(serializers.Serializer):
        by_kind = _kinds("ReportEventsByKind", EventKind.values, _EventCounts)()
        total = _EventCounts()

    class ReportCharity(serializers.Serializer):
        amount = serializers.DecimalField(
            max_digits=16, decimal_places=2, help_text="Money plus valued goods, in CNY."
        )
        amount_cumulative = serializers.DecimalField(max_digits=16, decimal_places=2)
        money = serializers.DecimalField(max_digits=16, decimal_places=2)
        goods = serializers.DecimalField(max_digits=16, decimal_places=2)
        donations = serializers.IntegerField()
        donors = serializers.IntegerField()

    class ReportPolitical(serializers.Serializer):
        posts_held = serializers.IntegerField(
            help_text="Distinct people of the subtree with a post on the period's last day."
        )
        posts_held_by_body = serializers.DictField(child=serializers.IntegerField())
        posts_held_by_level = serializers.DictField(child=serializers.IntegerField())
        elected = serializers.DictField(
            help_text="npc, cppcc, total: posts starting in the period."
        )
        proposals = serializers.DictField(help_text="submitted, filed, replied, reply_rate, …")

    class ReportDues(serializers.Serializer):
        receivable = serializers.DecimalField(
            max_digits=16, decimal_places=2, help_text="Dues of the period's years, CNY."
        )
        received = serializers.DecimalField(max_digits=16, decimal_places=2)
        outstanding = serializers.DecimalField(max_digits=16, decimal_places=2)
        collection_rate = _rate("received / receivable")
        members_owing = serializers.IntegerField()
        members_in_arrears = serializers.IntegerField()

    class ReportOrg(serializers.Serializer):
        code = serializers.CharField()
        name = serializers.CharField()
        name_en = serializers.CharField()
        kind = serializers.CharField()

    class ReportFigures(serializers.Serializer):
        org = ReportOrg()
        members = ReportMembers()
        visits = ReportVisits()
        cases = ReportCases()
        political = ReportPolitical()
        events = ReportEvents()
        charity = ReportCharity()
        meetings = _counts("ReportMeetings", held="Council meetings held in the period.")()
        honors = serializers.ListField(child=serializers.DictField())
        dues = ReportDues()

    class AnnualReport(ReportFigures):
        year = serializers.IntegerField()
        period = serializers.DictField(help_text="kind (year, quarter, custom), start, end.")
        children = ReportFigures(many=True, help_text="The same figures for each child in force.")

    return AnnualReport


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
        responses={200: _report_schema()},
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
        return Response(annual_report(org, form.period()))
