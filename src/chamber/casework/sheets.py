"""Paper visit sheets typed in after the fact (走访记录表): one row per enterprise
visited, with the problem it raised, if any. Rows of the same day, kind and purpose
are one visit; each problem becomes a case raised on that visit, received that day.
Read, checked and written all or nothing by the member import's machinery
(`members.importers.sheets`); the writes are `log_visit` and `raise_case`, so a
sheet obeys every rule a page does, and the figures count each visit on its day."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chamber.members.importers.columns import Column
from chamber.members.importers.reader import Layout
from chamber.members.importers.rows import cell_text, read_date
from chamber.members.importers.sheets import SheetOutcome, run_sheet
from chamber.members.models import Enterprise
from chamber.orgs.models import Organization

from .choices import CaseSource, VisitKind
from .models import Category, Visit
from .services import log_visit, raise_case, update_visit

VISIT_SHEET = Layout(
    (
        Column(
            "date",
            "走访日期",
            gettext_lazy("The day of the visit."),
            "2016-05-12",
            ("日期", "走访时间"),
            required=True,
        ),
        Column(
            "enterprise",
            "企业名称",
            gettext_lazy("The enterprise visited: its name or its credit code."),
            "深圳市宝安示例电子有限公司",
            ("企业", "走访企业", "单位名称", "统一社会信用代码"),
            required=True,
        ),
        Column(
            "kind",
            "走访类型",
            gettext_lazy("大走访, 专家走访, 领导走访 or 调研走访; empty: 大走访."),
            "大走访",
            ("类型",),
        ),
        Column(
            "purpose",
            "走访事由",
            gettext_lazy("What the visit was for."),
            "了解融资需求",
            ("事由", "走访目的"),
        ),
        Column(
            "problem",
            "反映问题",
            gettext_lazy("The problem the enterprise raised, in a line; empty: none."),
            "贷款到期续贷困难",
            ("问题", "诉求"),
        ),
        Column(
            "category",
            "问题类别",
            gettext_lazy("The category of the problem (融资, 用地用房 ...)."),
            "融资",
            ("类别",),
        ),
        Column(
            "description",
            "问题描述",
            gettext_lazy("More about the problem."),
            "",
            ("描述", "详细情况"),
        ),
    )
)

_KINDS = {
    "大走访": VisitKind.ROUTINE,
    "专家走访": VisitKind.EXPERT,
    "领导走访": VisitKind.LEADER,
    "调研走访": VisitKind.SURVEY,
    **{k.value: k.value for k in VisitKind},
}


def find_enterprise(actor: Any, value: str) -> Enterprise:
    """A member enterprise in the actor's scope by its exact name or credit code."""
    value = value.strip()
    found = list(
        Enterprise.objects.visible_to(actor).filter(Q(name=value) | Q(uscc=value.upper()))[:2]
    )
    if not found:
        raise ValidationError(
            {"enterprise": _("No member enterprise you may see is called %(v)s.") % {"v": value}}
        )
    if len(found) > 1:
        raise ValidationError(
            {"enterprise": _("Two enterprises match %(v)s: give the credit code.") % {"v": value}}
        )
    return found[0]


def _category(value: str) -> Category:
    value = value.strip()
    if not value:
        return Category.objects.get(code="other")
    for cat in Category.objects.filter(active=True):
        if value in (cat.code, cat.name, str(cat)):
            return cat
    names = "、".join(str(c) for c in Category.objects.filter(active=True))
    raise ValidationError(
        {
            "category": _("Unknown category %(v)s; use one of: %(names)s.")
            % {"v": value, "names": names}
        }
    )


def import_visit_sheet(
    path: str | Path,
    *,
    actor: Any,
    organization: Organization,
    dry_run: bool = False,
    error_file: str | Path | None = None,
) -> SheetOutcome:
    """Log the visits of a sheet for `organization`, and the problems raised on them."""
    visits: dict[tuple[datetime.date, str, str], Visit] = {}

    def row(number: int, cells: dict[str, Any]) -> Visit:
        errors: dict[str, str] = {}
        day = read_date(cells.get("date"))
        if day is None:
            errors["date"] = _("Not a date: write it as 2016-05-12.")
        kind_text = cell_text(cells.get("kind")).strip()
        kind = _KINDS.get(kind_text or "大走访")
        if kind is None:
            errors["kind"] = _("Unknown kind of visit %(v)s.") % {"v": kind_text}
        try:
            enterprise = find_enterprise(actor, cell_text(cells.get("enterprise")))
        except ValidationError as e:
            errors.update(e.message_dict)
        problem = cell_text(cells.get("problem")).strip()
        category = None
        if problem:
            try:
                category = _category(cell_text(cells.get("category")))
            except ValidationError as e:
                errors.update(e.message_dict)
        if errors:
            raise ValidationError(errors)
        purpose = cell_text(cells.get("purpose")).strip()
        key = (day, kind, purpose)
        visit = visits.get(key)
        new = visit is None
        if new:
            try:
                visit = log_visit(
                    actor=actor,
                    organization=organization,
                    date=day,
                    kind=kind,
                    enterprises=[enterprise],
                    purpose=purpose,
                )
            except ValidationError as e:
                raise ValidationError(
                    {
                        k if k in ("date", "kind") else "enterprise": v
                        for k, v in e.message_dict.items()
                    }
                ) from e
        elif not visit.enterprises.filter(pk=enterprise.pk).exists():
            update_visit(
                actor=actor, visit=visit, enterprises=[*visit.enterprises.all(), enterprise]
            )
        if problem:
            try:
                raise_case(
                    actor=actor,
                    organization=organization,
                    enterprise=enterprise,
                    category=category,
                    title=problem,
                    description=cell_text(cells.get("description")),
                    source=CaseSource.VISIT,
                    visit=visit,
                    received_on=day,
                )
            except ValidationError as e:
                raise ValidationError({"problem": e.messages}) from e
        if new:  # kept only once its row went through (a failed row is rolled back)
            visits[key] = visit
        return visit

    return run_sheet(
        path, layout=VISIT_SHEET, handle_row=row, dry_run=dry_run, error_file=error_file
    )
