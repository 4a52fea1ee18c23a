"""Exporting the member directory to .xlsx and .csv, in the columns of the import
template, so an export imports back unchanged.

Rows come from `selectors.directory` with the same DirectoryFilters as the page: the
export is exactly what the user sees, in their scope. Only enterprise members are
written (the sheet is keyed by the credit code). Mobile numbers are masked unless the
user's role may see personal data in that organisation. A text a spreadsheet would run
as a formula (= + - @ at its start) gets a leading ' ; the import takes it off again.
Every export is audited with its filters and row count.
"""

from __future__ import annotations

import csv
import datetime
import io
import itertools
from collections.abc import Iterator
from decimal import Decimal
from typing import IO, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from chamber.core import audit
from chamber.core.masking import mask_mobile
from chamber.core.xlsx import row_values
from chamber.orgs import scope
from chamber.orgs.choices import Perm

from . import selectors
from .choices import MemberKind
from .importers.columns import (
    COLUMNS,
    KIND_ENTERPRISE,
    RANK_LABELS,
    SHEET_NAME,
    SIZE_LABELS,
)
from .importers.rows import FORMULA_START
from .industry import industry_label
from .selectors import SORTS, DirectoryFilters

ORG_HEADER = "所属商会"
HEADERS = [c.header for c in COLUMNS] + [ORG_HEADER]
FORMATS = ("xlsx", "csv")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
_FIELDS = [
    "enterprise__name",
    "enterprise__uscc",
    "enterprise__legal_representative",
    "enterprise__contact_name",
    "enterprise__contact_phone",
    "enterprise__industry_section",
    "enterprise__industry_division",
    "enterprise__size_class",
    "enterprise__registered_capital",
    "enterprise__employees",
    "enterprise__revenue",
    "enterprise__registered_address",
    "enterprise__founded",
    "joined",
    "rank",
    "enterprise__note",
    "organization__name",
    "organization_id",
]


def neutralise(value: str) -> str:
    if value and value[0] in FORMULA_START:
        return "'" + value
    return value


def filename(fmt: str, when: datetime.datetime | None = None) -> str:
    when = timezone.localtime(when or timezone.now())
    return f"members-{when:%Y%m%d-%H%M}.{fmt}"


class _System:
    """The command line without --user: the whole register (audited as the system)."""

    is_authenticated = is_active = is_superuser = True
    pk = None


def rows(user: Any, filters: DirectoryFilters) -> Iterator[list]:
    """The export's rows (values in HEADERS order), straight from the database."""
    if user is None:
        user = _System()
    full = scope.org_ids(user, Perm.VIEW_PERSONAL)
    qs = (
        selectors.directory(user, filters)
        .filter(kind=MemberKind.ENTERPRISE)
        .order_by(SORTS.get(filters.sort, "sort_key"), "id")
        .values_list(*_FIELDS)
    )
    for (
        name,
        uscc,
        legal,
        contact,
        phone,
        section,
        division,
        size,
        capital,
        employees,
        revenue,
        address,
        founded,
        joined,
        rank,
        note,
        org_name,
        org_id,
    ) in qs.iterator(chunk_size=2000):
        if phone and full is not scope.ALL and org_id not in full:
            phone = mask_mobile(phone)
        yield [
            neutralise(name),
            uscc,
            KIND_ENTERPRISE,
            neutralise(legal),
            neutralise(contact),
            phone,
            industry_label(section, division, english=False) if section or division else "",
            SIZE_LABELS.get(size, ""),
            capital,
            employees,
            revenue,
            neutralise(address),
            founded,
            joined,
            RANK_LABELS.get(rank, ""),
            neutralise(note),
            org_name,
        ]


def write_csv(data: Iterator[list], out: IO[bytes]) -> int:
    """UTF-8 with a BOM, so Excel on a Chinese Windows opens it right.

    The csv module writes None as an empty cell and anything else as str(): a date as
    its ISO form, a Decimal as stored (200.00), so rows go to it as they come."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=False)
    writer = csv.writer(text)
    writer.writerow(HEADERS)
    n = 0
    while True:
        batch = list(itertools.islice(data, 2000))
        if not batch:
            break
        writer.writerows(batch)
        n += len(batch)
    text.flush()
    text.detach()
    return n


def write_xlsx(
    data: Iterator[list],
    out: IO[bytes] | str,
    *,
    headers: list[str] | None = None,
    widths: list[int] | None = None,
    sheet: str = SHEET_NAME,
) -> int:
    """openpyxl in write-only mode: rows stream to disk, memory stays flat. By default
    the directory's sheet; other lists pass their own headers and widths."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill

    headers = headers or HEADERS
    widths = widths or [*(col.width for col in COLUMNS), 16]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    for i, width in enumerate(widths):
        ws.column_dimensions[_letter(i)].width = width
    ws.freeze_panes = "C2"
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="FDE9D9")
    header = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=h)
        cell.font = bold
        cell.fill = fill
        header.append(cell)
    ws.append(header)
    n = 0
    for row in data:
        ws.append(row_values(float(v) if isinstance(v, Decimal) else v for v in row))
        n += 1
    wb.save(out)
    return n


def _letter(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i + 1)


def describe(filters: DirectoryFilters) -> dict[str, Any]:
    return {
        "q": filters.q,
        "org": filters.org.code if filters.org else "",
        "industry": filters.industry,
        "size_class": filters.size_class,
        "rank": filters.rank,
        "kind": filters.kind,
        "status": filters.status,
        "sort": filters.sort,
    }


def export_members(*, actor: Any, filters: DirectoryFilters, fmt: str, out: IO[bytes] | str) -> int:
    """Write the directory as `actor` sees it with `filters` to `out`; audited."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    data = rows(actor, filters)
    if fmt == "csv":
        if isinstance(out, str):
            with open(out, "wb") as f:
                n = write_csv(data, f)
        else:
            n = write_csv(data, out)
    else:
        n = write_xlsx(data, out)
    audit.record(
        actor=actor,
        action=audit.AuditAction.EXPORT,
        organization_id=filters.org.pk if filters.org else None,
        changes={"filters": describe(filters), "rows": n, "format": fmt},
        note=_("Exported %(n)d members") % {"n": n},
    )
    return n


ARREARS_HEADERS = [
    "所属商会",
    "会员名称",
    "会员类型",
    "会员职务",
    "年度",
    "应缴（元）",
    "已缴（元）",
    "欠缴（元）",
]


def export_arrears(
    *, actor: Any, org: Any, year: int | None, out: IO[bytes] | str, q: str = ""
) -> int:
    """The arrears list (dues not paid in full) as `actor` sees it, to .xlsx; audited."""
    qs = selectors.dues_list(actor, org=org, year=year, arrears=True, q=q).select_related(
        "membership"
    )
    kinds = dict(MemberKind.choices)

    def data() -> Iterator[list]:
        for due in qs.iterator(chunk_size=2000):
            owed = selectors.owed(due)
            m = due.membership
            yield [
                m.organization.name,
                neutralise(m.name),
                str(kinds.get(m.kind, m.kind)),
                RANK_LABELS.get(m.rank, ""),
                due.year,
                due.amount,
                owed["paid"],
                owed["outstanding"],
            ]

    n = write_xlsx(
        data(),
        out,
        headers=ARREARS_HEADERS,
        widths=[18, 36, 12, 12, 8, 14, 14, 14],
        sheet="欠缴会费",
    )
    audit.record(
        actor=actor,
        action=audit.AuditAction.EXPORT,
        organization_id=org.pk if org else None,
        changes={"list": "arrears", "org": org.code if org else "", "year": year, "rows": n},
        note=_("Exported %(n)d dues in arrears") % {"n": n},
    )
    return n
