"""Opening a member spreadsheet safely: what the file really is, whether it is safe to
hand to a reader, where its header is, and its rows as the spreadsheet numbers them.

Every problem with the file itself raises FileProblem with a message meant for the
person who uploaded it; nothing here lets a reader's traceback through. .xlsx (and
.xls) files are read with python-calamine, about 11× faster than openpyxl; CSV with
the csv module after the encoding is detected.
"""

from __future__ import annotations

import codecs
import csv
import html
import io
import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from .columns import COLUMNS, Column, header_key, match_header


@dataclass(frozen=True)
class Layout:
    """The columns a kind of sheet has: the member sheet by default; other imports (a
    visit sheet, a sign-in sheet) pass their own and reuse the rest of this reader."""

    columns: tuple[Column, ...]

    @property
    def required(self) -> list[Column]:
        return [c for c in self.columns if c.required]

    def match(self, raw: object) -> str | None:
        key = header_key(raw)
        for c in self.columns:
            if key in {header_key(h) for h in (c.header, *c.aliases)}:
                return c.key
        return None


class _MemberLayout(Layout):
    def match(self, raw: object) -> str | None:  # the members' precomputed lookup
        return match_header(raw)


MEMBERS = _MemberLayout(tuple(COLUMNS))

MB = 1024 * 1024
HEADER_SEARCH_ROWS = 10
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
OTHER_MAGIC = {
    b"%PDF": "PDF",
    b"\x89PNG": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"GIF8": "GIF",
    b"Rar!": "RAR",
    b"7z\xbc\xaf": "7z",
    b"\x1f\x8b": "gzip",
}


def _limit(name: str, default: int) -> int:
    """A limit from the settings, else the environment, else the default."""
    return int(getattr(settings, name, None) or os.environ.get(name) or default)


def max_upload_bytes() -> int:
    return _limit("CHAMBER_IMPORT_MAX_BYTES", 20 * MB)


def max_uncompressed_bytes() -> int:
    return _limit("CHAMBER_IMPORT_MAX_UNCOMPRESSED", 400 * MB)


class FileProblem(Exception):
    """The file as a whole can't be imported; `message` says why, for its owner."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class FormulaCell:
    ref: str  # "D5"
    row: int  # 1-based
    col: int  # 0-based
    formula: str


@dataclass
class Table:
    """The member sheet of a file: its header and rows, numbered as shown."""

    kind: str  # "xlsx", "xls" or "csv"
    sheet: str
    header_row: int  # 1-based row number of the header
    headers: list[str]  # the header cells as written
    columns: dict[str, int]  # column key -> 0-based index
    ignored: list[str]  # headers that are not ours
    encoding: str = ""
    formulas: list[FormulaCell] = field(default_factory=list)
    expected: int = 0  # rows below the header, for progress (an estimate for CSV)
    _rows: object = None  # an iterable of row lists after the header
    _first_data_row: int = 0

    def rows(self) -> Iterator[tuple[int, list]]:
        """(spreadsheet row number, cell values) for every row below the header."""
        number = self._first_data_row
        for values in self._rows:  # type: ignore[union-attr]
            yield number, values
            number += 1


def sniff(path: Path) -> str:
    """What the file is, from its first bytes (not its name)."""
    with open(path, "rb") as f:
        head = f.read(8)
    if not head:
        raise FileProblem(_("The file is empty."))
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if head.startswith(OLE2_MAGIC):
        return "ole2"
    for magic, what in OTHER_MAGIC.items():
        if head.startswith(magic):
            raise FileProblem(
                _("This is a %(what)s file, not a spreadsheet. Upload an .xlsx or .csv file.")
                % {"what": what}
            )
    return "text"


def open_table(path: str | Path, *, original_name: str = "", layout: Layout = MEMBERS) -> Table:
    path = Path(path)
    size = path.stat().st_size
    limit = max_upload_bytes()
    if size > limit:
        raise FileProblem(
            _("The file is %(size)s MB; files up to %(limit)s MB can be imported. Split it.")
            % {"size": f"{size / MB:.1f}", "limit": f"{limit / MB:.0f}"}
        )
    kind = sniff(path)
    if kind == "zip":
        return _open_xlsx(path, layout)
    if kind == "ole2":
        return _open_ole2(path, layout)
    suffix = Path(original_name or path.name).suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        # Named a workbook but not a zip or OLE2 container: a damaged or truncated
        # download, not a text file in some encoding.
        raise FileProblem(
            _(
                "The file is named %(suffix)s but is not a readable workbook: it is damaged "
                "(its first bytes are not those of an Excel file). Open it in Excel or WPS "
                "and save it again, or export a new copy."
            )
            % {"suffix": suffix}
        )
    return _open_csv(path, layout)


WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xltx", ".et"}


# --- xlsx ---------------------------------------------------------------------------------


def _check_zip(path: Path) -> zipfile.ZipFile:
    try:
        zf = zipfile.ZipFile(path)
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise FileProblem(_("The file is damaged: it is not a readable workbook.")) from e
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            raise FileProblem(_("This is a Word document, not a spreadsheet."))
        raise FileProblem(_("This is a zip file but not an Excel workbook."))
    total = 0
    for info in infos:
        total += info.file_size
        # A zip bomb: a few kilobytes that expand to gigabytes. Spreadsheet XML
        # compresses well, but not a thousandfold.
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MB and ratio > 200:
            raise FileProblem(
                _(
                    "The workbook part %(part)s expands %(ratio)d-fold; this looks like "
                    "a zip bomb and was not opened."
                )
                % {"part": info.filename, "ratio": int(ratio)}
            )
    if total > max_uncompressed_bytes():
        raise FileProblem(
            _(
                "The workbook expands to %(size)s MB when opened, more than the "
                "%(limit)s MB allowed; it was not opened."
            )
            % {"size": f"{total / MB:.0f}", "limit": f"{max_uncompressed_bytes() / MB:.0f}"}
        )
    return zf


def _open_xlsx(path: Path, layout: Layout = MEMBERS) -> Table:
    import python_calamine as pc

    zf = _check_zip(path)
    try:
        wb = pc.CalamineWorkbook.from_path(str(path))
    except pc.PasswordError as e:
        raise FileProblem(
            _("The workbook is protected by a password. Remove the password and upload it again.")
        ) from e
    except Exception as e:  # calamine raises several error types for damaged files
        raise FileProblem(_("The workbook can't be read: %(e)s") % {"e": str(e)[:200]}) from e
    sheet_paths = _sheet_paths(zf)
    tried: list[str] = []
    for index, meta in enumerate(wb.sheets_metadata):
        if str(meta.typ) not in ("SheetTypeEnum.WorkSheet", "WorkSheet"):
            continue
        try:
            sheet = wb.get_sheet_by_index(index)
        except Exception as e:
            raise FileProblem(_("The workbook can't be read: %(e)s") % {"e": str(e)[:200]}) from e
        tried.append(meta.name)
        rows = sheet.iter_rows()
        head: list[list] = []
        for _i in range(HEADER_SEARCH_ROWS):
            try:
                head.append(next(rows))
            except StopIteration:
                break
        found = _find_header(head, layout)
        if found is None:
            continue
        offset, columns, ignored = found
        header_row = sheet.start[0] + offset + 1 if sheet.start else offset + 1
        header_cells = [str(v) for v in head[offset]]
        for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or []:
            if r0 <= header_row - 1 <= r1 and c1 > c0:
                raise FileProblem(
                    _(
                        "The header row has merged cells (%(range)s). Each column needs its "
                        "own header cell: unmerge them."
                    )
                    % {"range": f"{_col_letter(c0)}{r0 + 1}:{_col_letter(c1)}{r1 + 1}"}
                )
        col_offset = sheet.start[1] if sheet.start else 0
        table = Table(
            kind="xlsx",
            sheet=meta.name,
            header_row=header_row,
            headers=header_cells,
            columns=columns,
            ignored=ignored,
            _rows=_chain_rows(head[offset + 1 :], rows),
            _first_data_row=header_row + 1,
            expected=max(0, sheet.height - offset - 1),
        )
        member = sheet_paths.get(meta.name)
        if member:
            table.formulas = _formulas(zf, member, header_row, col_offset)
        return table
    if not tried or all(_sheet_is_empty(wb, i) for i in range(len(tried))):
        raise FileProblem(_("The workbook has no data: its sheets are empty."))
    raise FileProblem(_missing_header_message(tried, layout))


def _sheet_is_empty(wb, index: int) -> bool:
    try:
        sheet = wb.get_sheet_by_index(index)
    except Exception:
        return True
    return sheet.height == 0 or all(not str(v).strip() for row in sheet.iter_rows() for v in row)


def _chain_rows(first: list[list], rest) -> Iterator[list]:
    yield from first
    yield from rest


def _col_letter(index: int) -> str:
    s = ""
    index += 1
    while index:
        index, r = divmod(index - 1, 26)
        s = chr(65 + r) + s
    return s


def _col_index(letters: str) -> int:
    n = 0
    for c in letters:
        n = n * 26 + ord(c) - 64
    return n - 1


def _sheet_paths(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its XML part, from workbook.xml and its relationships."""
    try:
        wb = zf.read("xl/workbook.xml").decode("utf-8", "replace")
        rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    except KeyError:
        return {}
    targets = {
        m.group(1): m.group(2)
        for m in re.finditer(r'<Relationship\b[^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"', rels)
    }
    targets |= {
        m.group(2): m.group(1)
        for m in re.finditer(r'<Relationship\b[^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"', rels)
    }
    out = {}
    for m in re.finditer(r"<(?:\w+:)?sheet\b([^>]*)/?>", wb):
        attrs = m.group(1)
        name = re.search(r'\bname="([^"]*)"', attrs)
        rid = re.search(r'\br:id="([^"]*)"', attrs) or re.search(r'\bid="([^"]*)"', attrs)
        if name and rid and rid.group(1) in targets:
            target = targets[rid.group(1)].lstrip("/")
            if not target.startswith("xl/"):
                target = "xl/" + target
            out[_xml_unescape(name.group(1))] = target
    return out


def _xml_unescape(s: str) -> str:
    """XML text as written: the five entities and numeric character references
    (openpyxl and others write `&#28857;` for 点 in a formula)."""
    return html.unescape(s)


_FORMULA = re.compile(rb"<c\b([^>]*)>\s*<f\b[^>]*?(?:/>|>([^<]*)</f>)")
_REF = re.compile(rb'\br="([A-Z]+)([0-9]+)"')


def _formulas(
    zf: zipfile.ZipFile, member: str, header_row: int, col_offset: int, limit: int = 1000
) -> list[FormulaCell]:
    """Cells below the header that hold a formula. calamine reads a formula's cached
    value (or nothing, if the file was never opened in Excel): an import must not take
    a computed figure for typed data, so these are reported as errors."""
    out: list[FormulaCell] = []
    try:
        f = zf.open(member)
    except KeyError:
        return out
    carry = b""
    with f:
        while len(out) < limit:
            chunk = f.read(4 * MB)
            if not chunk:
                break
            data = carry + chunk
            # keep the tail: a cell may straddle the chunk boundary
            cut = data.rfind(b"<c ")
            if cut <= 0:
                cut = len(data)
            block, carry = data[:cut], data[cut:]
            if b"<f" not in block:
                continue
            for m in _FORMULA.finditer(block):
                ref = _REF.search(m.group(1))
                if not ref:
                    continue
                row = int(ref.group(2))
                if row <= header_row:
                    continue
                out.append(
                    FormulaCell(
                        ref=(ref.group(1) + ref.group(2)).decode(),
                        row=row,
                        col=_col_index(ref.group(1).decode()) - col_offset,
                        formula="=" + _xml_unescape((m.group(2) or b"").decode("utf-8", "replace")),
                    )
                )
        if carry and b"<f" in carry and len(out) < limit:
            for m in _FORMULA.finditer(carry):
                ref = _REF.search(m.group(1))
                if ref and int(ref.group(2)) > header_row:
                    out.append(
                        FormulaCell(
                            ref=(ref.group(1) + ref.group(2)).decode(),
                            row=int(ref.group(2)),
                            col=_col_index(ref.group(1).decode()) - col_offset,
                            formula="="
                            + _xml_unescape((m.group(2) or b"").decode("utf-8", "replace")),
                        )
                    )
    return out


def _open_ole2(path: Path, layout: Layout = MEMBERS) -> Table:
    with open(path, "rb") as f:
        data = f.read(2 * MB)
    if "EncryptionInfo".encode("utf-16-le") in data or b"EncryptedPackage" in data.replace(
        b"\x00", b""
    ):
        raise FileProblem(
            _("The workbook is protected by a password. Remove the password and upload it again.")
        )
    import python_calamine as pc

    try:
        wb = pc.CalamineWorkbook.from_path(str(path))
    except pc.PasswordError as e:
        raise FileProblem(
            _("The workbook is protected by a password. Remove the password and upload it again.")
        ) from e
    except Exception as e:
        raise FileProblem(
            _("This is an old-format file that can't be read as a spreadsheet: %(e)s")
            % {"e": str(e)[:200]}
        ) from e
    for index, meta in enumerate(wb.sheets_metadata):
        try:
            sheet = wb.get_sheet_by_index(index)
        except Exception:
            continue
        rows = sheet.iter_rows()
        head = [r for _i, r in zip(range(HEADER_SEARCH_ROWS), rows, strict=False)]
        found = _find_header(head, layout)
        if found is None:
            continue
        offset, columns, ignored = found
        header_row = (sheet.start[0] if sheet.start else 0) + offset + 1
        return Table(
            kind="xls",
            sheet=meta.name,
            header_row=header_row,
            headers=[str(v) for v in head[offset]],
            columns=columns,
            ignored=ignored,
            _rows=_chain_rows(head[offset + 1 :], rows),
            _first_data_row=header_row + 1,
        )
    raise FileProblem(_missing_header_message([m.name for m in wb.sheets_metadata], layout))


# --- csv ----------------------------------------------------------------------------------


def detect_encoding(data: bytes) -> str:
    """The encoding `decode_text` reads `data` with."""
    return decode_text(data)[1]


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding). BOM first; else UTF-8 if the bytes are valid UTF-8; else
    GB18030 (a superset of GBK and GB2312, what Excel on a Chinese Windows writes as
    "CSV"). A UTF-8 byte-order mark in front of GBK text (some editors add one when
    they re-save) is taken off and the rest read as GBK: the mark does not make the
    text UTF-8."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as e:
            raise FileProblem(
                _(
                    "The text file says it is UTF-16 but has unreadable bytes at position "
                    "%(pos)d. Save it as CSV UTF-8 or as .xlsx."
                )
                % {"pos": e.start}
            ) from e
    bom = data.startswith(codecs.BOM_UTF8)
    body = data[len(codecs.BOM_UTF8) :] if bom else data
    try:
        return body.decode("utf-8"), "utf-8-sig" if bom else "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return body.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as e:
        raise FileProblem(
            _(
                "The text file is neither UTF-8 nor GBK/GB18030 (unreadable bytes on line "
                "%(line)d, at byte %(pos)d). Save it as CSV UTF-8 or as .xlsx."
            )
            % {"line": body[: e.start].count(b"\n") + 1, "pos": e.start + (3 if bom else 0)}
        ) from e


def _open_csv(path: Path, layout: Layout = MEMBERS) -> Table:
    data = path.read_bytes()
    sample = data[:8192]
    if not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and b"\x00" in sample:
        raise FileProblem(_("This is a binary file, not a spreadsheet or CSV text."))
    text, encoding = decode_text(data)
    del data
    if not text.strip():
        raise FileProblem(_("The file is empty."))
    first = text.split("\n", 1)[0]
    delimiter = max([",", "\t", ";"], key=first.count)
    if first.count(delimiter) == 0:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    head: list[list] = []
    try:
        for _i in range(HEADER_SEARCH_ROWS):
            head.append(next(reader))
    except StopIteration:
        pass
    except csv.Error as e:
        raise FileProblem(_("The CSV text can't be read: %(e)s") % {"e": e}) from e
    found = _find_header(head, layout)
    if found is None:
        raise FileProblem(_missing_header_message(["CSV"], layout))
    offset, columns, ignored = found
    return Table(
        kind="csv",
        sheet=path.stem if not path.stem.isdigit() else "CSV",
        header_row=offset + 1,
        headers=head[offset],
        columns=columns,
        ignored=ignored,
        encoding=encoding,
        expected=max(0, text.count("\n") - offset - 1),
        _rows=_csv_rows(head[offset + 1 :], reader),
        _first_data_row=offset + 2,
    )


def _csv_rows(first: list[list], reader) -> Iterator[list]:
    yield from first
    try:
        yield from reader
    except csv.Error as e:
        raise FileProblem(
            _("The CSV text can't be read near line %(line)d: %(e)s")
            % {"line": reader.line_num, "e": e}
        ) from e


# --- header -------------------------------------------------------------------------------


def _find_header(
    head: list[list], layout: Layout = MEMBERS
) -> tuple[int, dict[str, int], list[str]] | None:
    """The first row that names every required column: (its index, key -> column
    index, headers that are not ours). Rows above it (a title) are skipped."""
    for offset, row in enumerate(head):
        columns: dict[str, int] = {}
        ignored: list[str] = []
        duplicate = None
        for i, cell in enumerate(row):
            if not str(cell).strip():
                continue
            key = layout.match(cell)
            if key is None:
                ignored.append(str(cell))
            elif key in columns:
                duplicate = (key, columns[key], i)
            else:
                columns[key] = i
        if all(c.key in columns for c in layout.required):
            if duplicate:
                key, a, b = duplicate
                header = next(c.header for c in layout.columns if c.key == key)
                raise FileProblem(
                    _("Two columns (%(a)s and %(b)s) are both %(header)s; keep one.")
                    % {"a": _col_letter(a), "b": _col_letter(b), "header": header}
                )
            return offset, columns, ignored
    return None


def _missing_header_message(sheets: list[str], layout: Layout = MEMBERS) -> str:
    return _(
        "No sheet has the columns %(required)s in its first %(n)d rows (looked at: "
        "%(sheets)s). Start from the template."
    ) % {
        "required": ", ".join(c.header for c in layout.required),
        "n": HEADER_SEARCH_ROWS,
        "sheets": ", ".join(sheets) or "-",
    }
