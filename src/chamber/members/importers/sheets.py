"""Small record sheets typed in after the fact (a visit sheet, an event's sign-in sheet),
checked and written the way the member import is: the same reader (file type by its
bytes, header found under a title, rows numbered as shown), every problem located
(sheet, row, column, value, reason), all or nothing (one bad row and nothing is
written), and the same error workbook to fix and upload again.

A sheet kind gives its `Layout` and a function that takes one row's cells (column key
→ value) and writes it through the services; a ValidationError keyed by a column key
is put on that cell, any other on the row."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from .errorbook import write_error_workbook
from .reader import FileProblem, Layout, open_table
from .rows import RowError, cell_text

RowHandler = Callable[[int, dict[str, Any]], Any]


@dataclass
class SheetOutcome:
    rows: int = 0  # rows read (blank rows skipped)
    written: list[Any] = field(default_factory=list)  # what each row's handler returned
    errors: list[RowError] = field(default_factory=list)
    problem: str = ""  # the file as a whole cannot be read
    error_file: Path | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and not self.problem


def _locate(
    e: ValidationError, sheet: str, row: int, cells: dict[str, Any], table
) -> list[RowError]:
    headers = {
        key: (table.headers[i] if i < len(table.headers) else key, i)
        for key, i in table.columns.items()
    }
    out = []
    items = e.message_dict.items() if hasattr(e, "error_dict") else [("", e.messages)]
    for key, messages in items:
        header, col = headers.get(key, ("", -1))
        value = cell_text(cells.get(key)) if key in cells else ""
        for message in messages:
            out.append(RowError(sheet, row, str(header), value, str(message), col))
    return out


def run_sheet(
    path: str | Path,
    *,
    layout: Layout,
    handle_row: RowHandler,
    finish: Callable[[], Any] | None = None,
    dry_run: bool = False,
    error_file: str | Path | None = None,
) -> SheetOutcome:
    """Read every row, hand it to `handle_row` inside one transaction, and keep it all
    only if no row failed (and not `dry_run`). With `error_file`, a failed run writes
    the error workbook there. `finish` runs after the last row (e.g. checks that need
    every row)."""
    outcome = SheetOutcome()
    try:
        table = open_table(path, layout=layout)
    except FileProblem as e:
        outcome.problem = e.message
        return outcome
    with transaction.atomic():
        for number, values in table.rows():
            cells = {key: values[i] if i < len(values) else "" for key, i in table.columns.items()}
            if not any(cell_text(v).strip() for v in cells.values()):
                continue
            outcome.rows += 1
            try:
                with transaction.atomic():  # a failed row leaves nothing half-written
                    outcome.written.append(handle_row(number, cells))
            except ValidationError as e:
                outcome.errors.extend(_locate(e, table.sheet, number, cells, table))
        if not outcome.errors and finish is not None:
            try:
                finish()
            except ValidationError as e:
                outcome.errors.extend(_locate(e, table.sheet, 0, {}, table))
        if outcome.errors or dry_run:
            transaction.set_rollback(True)
    if outcome.errors and error_file is not None:
        outcome.error_file = write_error_workbook(path, outcome.errors, error_file, layout=layout)
    return outcome


# --- The kinds of sheet other apps add (they sit above members: they register here) ---


@dataclass(frozen=True)
class SheetKind:
    """A kind of record sheet: its name on the command line (`chamber import NAME`),
    its columns, what it is imported into (`"org"`, an organisation by code, or
    `"event"`, an event by id), and the function that imports it:
    `run(path, actor=, target=, dry_run=, error_file=)`."""

    name: str
    layout: Layout
    target: str
    run: Callable[..., SheetOutcome]
    find_target: Callable[[str], Any]


SHEET_KINDS: dict[str, SheetKind] = {}


def register_sheet(kind: SheetKind) -> None:
    SHEET_KINDS[kind.name] = kind
