"""The published schemes as data: 全国"五好"县级工商联, "四好"商会 and "双强". The
dimensions are the published ones; the indicators, weights and thresholds are Chamber's
defaults (threshold_is_default), to be set by each federation."""

from decimal import Decimal

from django.db import migrations

C, M = "computed", "manual"

# (code, name, name_en, applies_to, note, [(dimension, dimension_en, [indicators])])
# indicator: (name, name_en, weight, method, figure, comparison, threshold)
SCHEMES = [
    (
        "wuhao-county",
        "全国“五好”县级工商联",
        'National "Five Goods" county-level federation',
        "县级工商联",
        "每两年确认一次。",
        [
            (
                "政治引领好",
                "Good political guidance",
                [
                    (
                        "理想信念教育活动开展情况",
                        "Ideals and beliefs education",
                        20,
                        M,
                        "",
                        "",
                        None,
                    ),
                ],
            ),
            (
                "队伍建设好",
                "Good team building",
                [
                    (
                        "会员年增长率",
                        "Annual member growth",
                        10,
                        C,
                        "members.growth_rate",
                        ">=",
                        "0.05",
                    ),
                    (
                        "全年举办培训次数",
                        "Trainings held",
                        10,
                        C,
                        "events.by_kind.training.count",
                        ">=",
                        "2",
                    ),
                ],
            ),
            (
                "商会发展好",
                "Good chamber development",
                [
                    (
                        "会员企业党的组织覆盖率",
                        "Party organisation coverage",
                        10,
                        C,
                        "party.organization_coverage",
                        ">=",
                        "0.5",
                    ),
                    ("基层商会规范化建设", "Standardised chambers", 10, M, "", "", None),
                ],
            ),
            (
                "作用发挥好",
                "Good performance of role",
                [
                    (
                        "诉求办结率",
                        "Resolution rate of problems",
                        15,
                        C,
                        "cases.resolution_rate",
                        ">=",
                        "0.9",
                    ),
                    (
                        "执委会（理事会）会议召开次数",
                        "Executive committee meetings held",
                        5,
                        C,
                        "meetings.held",
                        ">=",
                        "2",
                    ),
                ],
            ),
            (
                "工作保障好",
                "Good working support",
                [
                    (
                        "机构、编制、经费保障情况",
                        "Organisation, staffing and funding",
                        20,
                        M,
                        "",
                        "",
                        None,
                    ),
                ],
            ),
        ],
    ),
    (
        "sihao-chamber",
        "“四好”商会",
        '"Four Goods" chamber of commerce',
        "商会",
        "",
        [
            (
                "政治引领好",
                "Good political guidance",
                [
                    (
                        "会员企业党的工作覆盖率",
                        "Party work coverage",
                        15,
                        C,
                        "party.work_coverage",
                        ">=",
                        "0.5",
                    ),
                    ("政治学习和主题教育", "Political study", 10, M, "", "", None),
                ],
            ),
            (
                "队伍建设好",
                "Good team building",
                [
                    (
                        "会员年增长率",
                        "Annual member growth",
                        15,
                        C,
                        "members.growth_rate",
                        ">=",
                        "0.05",
                    ),
                    ("班子和秘书处建设", "Leadership and secretariat", 10, M, "", "", None),
                ],
            ),
            (
                "服务发展好",
                "Good service to development",
                [
                    (
                        "诉求办结率",
                        "Resolution rate of problems",
                        15,
                        C,
                        "cases.resolution_rate",
                        ">=",
                        "0.9",
                    ),
                    (
                        "全年举办培训次数",
                        "Trainings held",
                        10,
                        C,
                        "events.by_kind.training.count",
                        ">=",
                        "2",
                    ),
                ],
            ),
            (
                "自律规范好",
                "Good self-discipline",
                [
                    (
                        "会费收缴率",
                        "Dues collection rate",
                        10,
                        C,
                        "dues.collection_rate",
                        ">=",
                        "0.9",
                    ),
                    ("章程执行和财务管理", "Statutes and finances", 15, M, "", "", None),
                ],
            ),
        ],
    ),
    (
        "shuangqiang",
        "“双强”商会",
        '"Two Strongs" chamber',
        "商会",
        "",
        [
            (
                "党建强",
                "Strong party building",
                [
                    (
                        "会员企业党的组织覆盖率",
                        "Party organisation coverage",
                        25,
                        C,
                        "party.organization_coverage",
                        ">=",
                        "0.5",
                    ),
                    (
                        "会员企业党的工作覆盖率",
                        "Party work coverage",
                        15,
                        C,
                        "party.work_coverage",
                        ">=",
                        "0.8",
                    ),
                    (
                        "商会党组织活动开展情况",
                        "Activities of the chamber's party organisation",
                        10,
                        M,
                        "",
                        "",
                        None,
                    ),
                ],
            ),
            (
                "发展强",
                "Strong development",
                [
                    (
                        "会员年增长率",
                        "Annual member growth",
                        20,
                        C,
                        "members.growth_rate",
                        ">=",
                        "0.05",
                    ),
                    (
                        "诉求办结率",
                        "Resolution rate of problems",
                        15,
                        C,
                        "cases.resolution_rate",
                        ">=",
                        "0.9",
                    ),
                    ("服务会员发展成效", "Results of services to members", 15, M, "", "", None),
                ],
            ),
        ],
    ),
]


def forwards(apps, schema_editor):
    Scheme = apps.get_model("scorecards", "Scheme")
    Dimension = apps.get_model("scorecards", "Dimension")
    Indicator = apps.get_model("scorecards", "Indicator")
    for code, name, name_en, applies_to, note, dims in SCHEMES:
        if Scheme.objects.filter(code=code).exists():
            continue  # run again after a test's flush (tests/conftest.py)
        scheme = Scheme.objects.create(
            code=code, name=name, name_en=name_en, applies_to=applies_to, note=note
        )
        for d_order, (d_name, d_en, inds) in enumerate(dims, 1):
            dim = Dimension.objects.create(scheme=scheme, order=d_order, name=d_name, name_en=d_en)
            for i_order, (i_name, i_en, weight, method, figure, cmp, threshold) in enumerate(
                inds, 1
            ):
                Indicator.objects.create(
                    dimension=dim,
                    order=i_order,
                    name=i_name,
                    name_en=i_en,
                    weight=Decimal(weight),
                    method=method,
                    figure=figure,
                    comparison=cmp,
                    threshold=Decimal(threshold) if threshold else None,
                    threshold_is_default=True,
                )


def unload(apps, schema_editor):
    apps.get_model("scorecards", "Scheme").objects.filter(code__in=[s[0] for s in SCHEMES]).delete()


class Migration(migrations.Migration):
    dependencies = [("scorecards", "0001_initial")]
    operations = [migrations.RunPython(forwards, unload)]
