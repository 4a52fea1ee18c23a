"""Importing members from spreadsheets: the happy path, re-import, every error kind,
files that are not what they claim, encodings, scope."""

from __future__ import annotations

import datetime
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from openpyxl import Workbook, load_workbook

from chamber.core import text
from chamber.core.models import AuditEntry
from chamber.members.importers.errorbook import write_error_workbook
from chamber.members.importers.pipeline import import_members
from chamber.members.importers.reader import FileProblem, detect_encoding, open_table
from chamber.members.importers.template import write_template
from chamber.members.models import Enterprise, Membership, Person
from tests.factories import valid_uscc

from .import_helpers import HEADERS, make_csv, make_xlsx, row

TODAY = datetime.date(2024, 6, 1)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def run(world, path, actor=None, org=None, **kw):
    return import_members(
        actor=actor or world.secretary,
        organization=org or world.xixiang,
        path=path,
        today=TODAY,
        **kw,
    )


def register_state():
    """Everything an import may touch, to prove it touched nothing."""
    return (
        list(Enterprise.objects.order_by("id").values()),
        list(Person.objects.order_by("id").values()),
        list(Membership.objects.order_by("id").values()),
    )


# --- happy path ------------------------------------------------------------------------


def test_import_creates_enterprises_people_memberships_and_audit(world, tmp_path):
    path = make_xlsx(tmp_path / "m.xlsx", [row(n=i) for i in range(3)])
    out = run(world, path)
    assert out.ok and out.written, out.errors
    assert out.counts["enterprise"]["create"] == 3
    ent = Enterprise.objects.get(name="深圳市测试导入1电子有限公司")
    assert ent.industry_section == "C" and ent.industry_division == "39"
    assert ent.revenue == Decimal("3200.00") and ent.employees == 85
    assert ent.founded == datetime.date(2015, 3, 1)
    assert ent.size_class == "small" and not ent.size_class_manual  # computed: industry
    assert "ceshidaoru" in ent.search_text  # pinyin search forms, as the services make them
    m = Membership.objects.get(enterprise=ent, organization=world.xixiang)
    assert m.rank == "4_director" and m.joined == datetime.date(2017, 1, 10)
    assert m.representative.name == "张伟" and m.representative.mobile == "13900000001"
    assert (m.sort_key, m.initials) == (text.full_pinyin(ent.name), text.initials(ent.name))
    assert ent.search_text == text.search_text(ent.name, ent.uscc, ent.legal_representative)
    # one IMPORT entry, and CREATE entries for each record with the enterprise as subject
    assert AuditEntry.objects.filter(action="import", organization_id=world.xixiang.pk).count() == 1
    trail = AuditEntry.objects.filter(
        subject_type__model="enterprise", subject_id=ent.pk, action="create"
    )
    assert trail.count() == 3
    assert {e.object_type.model for e in trail} == {"enterprise", "person", "membership"}


def test_reimporting_the_same_file_changes_nothing(world, tmp_path):
    path = make_xlsx(tmp_path / "m.xlsx", [row(n=i) for i in range(4)])
    assert run(world, path).written
    before = register_state()
    out = run(world, path)
    assert out.ok and out.changes == 0
    assert out.counts["enterprise"]["same"] == 4
    assert register_state() == before  # not even an `updated` stamp moved


def test_update_changes_only_what_the_row_says_and_keeps_empty_cells(world, tmp_path):
    run(world, make_xlsx(tmp_path / "a.xlsx", [row(n=1, note="老备注")]))
    changed = row(n=1, employees=2000, revenue=50000, rank="副会长", note="")
    out = run(world, make_xlsx(tmp_path / "b.xlsx", [changed]))
    assert out.written and out.counts["enterprise"]["update"] == 1
    ent = Enterprise.objects.get(uscc=changed["uscc"])
    assert ent.employees == 2000 and ent.size_class == "large"  # recomputed
    assert ent.note == "老备注"  # an empty cell keeps the value
    m = Membership.objects.get(enterprise=ent, organization=world.xixiang)
    assert m.rank == "2_vice_president"
    update = AuditEntry.objects.get(
        action="update", object_type__model="enterprise", object_id=ent.pk
    )
    assert update.changes["employees"] == [85, 2000]


def test_existing_enterprise_of_another_chamber_joins_this_one(world, tmp_path):
    path = make_xlsx(
        tmp_path / "m.xlsx", [row(name=world.ent_f.name, uscc=world.ent_f.uscc, contact_phone="")]
    )
    out = run(world, path)
    assert out.written
    assert out.counts["enterprise"]["create"] == 0
    assert Membership.objects.filter(enterprise=world.ent_f, organization=world.xixiang).exists()
    assert Membership.objects.filter(enterprise=world.ent_f, organization=world.fuyong).exists()


def test_renaming_refreshes_the_directory_name(world, tmp_path):
    path = make_xlsx(
        tmp_path / "m.xlsx", [row(name="深圳市新名字科技有限公司", uscc=world.ent_x.uscc)]
    )
    assert run(world, path).written
    world.m_x.refresh_from_db()
    assert world.m_x.name == "深圳市新名字科技有限公司"
    assert world.m_x.initials == "xmzkjyxgs"


def test_people_matched_by_name_and_mobile(world, tmp_path):
    run(
        world,
        make_xlsx(
            tmp_path / "a.xlsx", [row(n=1, contact_name="李四", contact_phone="13711112222")]
        ),
    )
    # a second enterprise with the same contact: the same person
    run(
        world,
        make_xlsx(
            tmp_path / "b.xlsx", [row(n=2, contact_name="李四", contact_phone="13711112222")]
        ),
    )
    assert Person.objects.filter(name="李四", mobile="13711112222").count() == 1
    # the same name with another mobile is another person
    run(
        world,
        make_xlsx(
            tmp_path / "c.xlsx", [row(n=3, contact_name="李四", contact_phone="13711113333")]
        ),
    )
    assert Person.objects.filter(name="李四").count() == 2


def test_headers_are_matched_tolerantly(world, tmp_path):
    headers = [
        "单位名称",
        "信用代码",
        "手机",
        "行业门类",
        "注册资本（万元）",
        " 从业 人数 ",
        "＊入会日期",
        "备注栏",
    ]
    r = row(n=5)
    data = [
        [r["name"], r["uscc"], "139 0000 0005", "制造业", "1,200", "85人", "2017年1月10日", "x"]
    ]
    wb = Workbook()
    ws = wb.active
    ws.append(["西乡街道商会会员名册"])  # a title row above the header
    ws.append(headers)
    for values in data:
        ws.append(values)
    wb.save(tmp_path / "m.xlsx")
    out = run(world, tmp_path / "m.xlsx")
    assert out.ok, [e.as_dict() for e in out.errors]
    assert out.ignored == ["备注栏"]
    ent = Enterprise.objects.get(uscc=r["uscc"])
    assert ent.industry_section == "C" and ent.registered_capital == Decimal("1200")
    assert ent.contact_phone == "13900000005"
    m = Membership.objects.get(enterprise=ent)
    assert m.joined == datetime.date(2017, 1, 10)


def test_template_imports_as_is_and_its_example_row_is_skipped(world, tmp_path):
    path = tmp_path / "t.xlsx"
    write_template(str(path))
    wb = load_workbook(path)
    assert wb.sheetnames[0] == "会员名册" and "填写说明" in wb.sheetnames
    ws = wb["会员名册"]
    assert [c.value for c in ws[1]] == HEADERS
    lists = {str(dv.sqref)[0] for dv in ws.data_validations.dataValidation}
    assert lists == {"C", "G", "H", "O"}  # kind, industry, size class, rank
    out = run(world, path)
    assert "no member rows" in out.problem  # the example row is not a member
    values = row(n=7)
    ws.cell(row=3, column=1, value=values["name"])
    ws.cell(row=3, column=2, value=values["uscc"])
    wb.save(path)
    out = run(world, path)
    assert out.ok and out.rows == 1 and out.written


# --- located errors, nothing written -------------------------------------------------------


def errors_of(world, tmp_path, rows, name="bad.xlsx"):
    before = register_state()
    path = make_xlsx(tmp_path / name, rows)
    out = run(world, path)
    assert not out.ok and not out.written
    assert register_state() == before
    return out, path


def test_wrong_check_character_is_located_with_the_expected_one(world, tmp_path):
    good = valid_uscc(4242)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    out, _p = errors_of(world, tmp_path, [row(n=1), row(n=2, uscc=bad)])
    (e,) = out.errors
    assert (e.sheet, e.row, e.column, e.value) == ("会员名册", 3, "统一社会信用代码", bad)
    assert f"expected {good[-1]}" in e.reason


def test_every_error_kind_is_reported_at_its_cell(world, tmp_path):
    rows = [
        row(n=1),
        row(n=2, uscc=valid_uscc(90001)),  # the code of row 2 again
        row(n=3, industry="Z99"),
        row(n=4, founded="2015-13-45"),
        row(n=5, contact_phone="1380013800"),
        row(n=6, name=""),
        row(n=7, employees="八十五"),
        row(n=8, rank="秘书长"),
        row(n=9, size_class="巨型"),
        row(n=10, joined="2099-01-01"),
        row(n=11, uscc="9144030"),
    ]
    out, path = errors_of(world, tmp_path, rows)
    found = {(e.row, e.column): e.reason for e in out.errors}
    assert "row 2" in found[(3, "统一社会信用代码")]
    assert "Unknown industry" in found[(4, "所属行业")]
    assert "date" in found[(5, "成立日期")]
    assert "11 digits, got 10" in found[(6, "联系电话")]
    assert "required" in found[(7, "企业名称")]
    assert "whole number" in found[(8, "从业人数")]
    assert "会长" in found[(9, "会员职务")]
    assert "大型" in found[(10, "企业规模")]
    assert "future" in found[(11, "入会日期")]
    assert "18 characters" in found[(12, "统一社会信用代码")]
    assert out.error_count == 10

    # the error workbook marks the bad cells (red fill + comment) and lists them all
    target = write_error_workbook(path, out.errors, tmp_path / "errors.xlsx")
    wb = load_workbook(target)
    ws = wb["会员名册"]
    cell = ws["G4"]  # 所属行业 of row 4
    assert cell.value == "Z99" and cell.fill.fgColor.rgb.endswith("FFC7CE")
    assert "Unknown industry" in cell.comment.text
    assert ws.cell(row=4, column=len(HEADERS) + 1).value.startswith("所属行业")
    assert ws["G3"].fill.fgColor.rgb in ("00000000", None)  # good cells untouched
    assert wb["错误清单"].max_row == 11


def test_command_exits_non_zero_and_writes_the_error_workbook(world, tmp_path, capsys):
    path = make_xlsx(tmp_path / "bad.xlsx", [row(n=1), row(n=2, industry="Q99")])
    with pytest.raises(CommandError, match="1 errors: nothing was written"):
        call_command("import", "members", str(path), "--org", "d.xixiang")
    err = capsys.readouterr().err
    assert "会员名册!3 所属行业 'Q99'" in err
    assert (tmp_path / "bad.errors.xlsx").exists()
    assert not Enterprise.objects.filter(name__contains="测试导入").exists()


def test_command_imports_and_dry_run_writes_nothing(world, tmp_path, capsys):
    path = make_xlsx(tmp_path / "m.xlsx", [row(n=i) for i in range(3)])
    call_command("import", "members", str(path), "--org", "d.xixiang", "--dry-run")
    assert "Dry run" in capsys.readouterr().out
    assert not Enterprise.objects.filter(name__contains="测试导入").exists()
    call_command("import", "members", str(path), "--org", "d.xixiang", "--user", "xixiang")
    assert Enterprise.objects.filter(name__contains="测试导入").count() == 3
    assert AuditEntry.objects.filter(action="import", actor__username="xixiang").exists()


def test_formulas_are_refused_at_their_cells(world, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    r = row(n=1)
    ws.append([r.get(k, "") for k in ("name", "uscc")] + [""] * 7 + ["=10*85"])
    wb.save(tmp_path / "f.xlsx")
    out = run(world, tmp_path / "f.xlsx")
    (e,) = out.errors
    assert (e.row, e.column, e.value) == (2, "从业人数", "=10*85")
    assert "formula" in e.reason and not out.written


# --- files that are not what they claim ---------------------------------------------------


def problem(world, path) -> str:
    before = register_state()
    out = run(world, path)
    assert out.problem and not out.written
    assert register_state() == before
    return out.problem


def test_not_a_spreadsheet(world, tmp_path):
    (tmp_path / "x.xlsx").write_bytes(b"%PDF-1.4 this is a pdf")
    assert "PDF file, not a spreadsheet" in problem(world, tmp_path / "x.xlsx")
    (tmp_path / "y.csv").write_bytes(b"\x00\x01\x02binary\x00" * 100)
    assert "binary" in problem(world, tmp_path / "y.csv")
    with zipfile.ZipFile(tmp_path / "z.xlsx", "w") as z:
        z.writestr("hello.txt", "hi")
    assert "not an Excel workbook" in problem(world, tmp_path / "z.xlsx")


def test_damaged_and_password_protected(world, tmp_path):
    (tmp_path / "d.xlsx").write_bytes(b"PK\x03\x04" + b"garbage" * 50)
    assert "damaged" in problem(world, tmp_path / "d.xlsx")
    # An encrypted OOXML file is an OLE2 container holding EncryptionInfo/EncryptedPackage.
    ole = bytearray(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024)
    ole += "EncryptionInfo".encode("utf-16-le") + b"\x00" * 512
    (tmp_path / "p.xlsx").write_bytes(bytes(ole))
    assert "password" in problem(world, tmp_path / "p.xlsx")


def test_zip_bomb_is_not_opened(world, tmp_path, settings):
    path = make_xlsx(tmp_path / "b.xlsx", [row(n=1)])
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/media/padding.bin", b"\x00" * (30 * 1024 * 1024))
    assert "zip bomb" in problem(world, path)


def test_too_big_is_refused_before_reading(world, tmp_path, settings):
    settings.CHAMBER_IMPORT_MAX_BYTES = 1024
    path = tmp_path / "big.csv"
    path.write_bytes(b"a,b\n" * 2000)
    assert "files up to" in problem(world, path)


def test_empty_files_and_sheets(world, tmp_path):
    (tmp_path / "e.csv").write_bytes(b"")
    assert "empty" in problem(world, tmp_path / "e.csv")
    wb = Workbook()
    wb.save(tmp_path / "e.xlsx")
    assert "no data" in problem(world, tmp_path / "e.xlsx")
    make_xlsx(tmp_path / "h.xlsx", [])
    assert "no member rows" in problem(world, tmp_path / "h.xlsx")
    wb = Workbook()
    wb.active.append(["姓名", "电话"])
    wb.save(tmp_path / "w.xlsx")
    assert "No sheet has the columns 企业名称, 统一社会信用代码" in problem(
        world, tmp_path / "w.xlsx"
    )


def test_merged_header_cells(world, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    ws.append(list(row(n=1).values())[:2])
    ws.merge_cells("C1:D1")
    wb.save(tmp_path / "m.xlsx")
    assert "merged cells (C1:D1)" in problem(world, tmp_path / "m.xlsx")


def test_duplicate_header_columns(world, tmp_path):
    make_xlsx(tmp_path / "d.xlsx", [row(n=1)], headers=[*HEADERS, "手机"])
    assert "both 联系电话" in problem(world, tmp_path / "d.xlsx")


# --- CSV encodings -----------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_every_encoding_excel_writes(world, tmp_path, encoding):
    path = make_csv(
        tmp_path / "m.csv", [row(n=i, address="深圳市宝安区西乡街道") for i in range(2)], encoding
    )
    out = run(world, path)
    assert out.ok and out.written, [e.as_dict() for e in out.errors]
    ent = Enterprise.objects.get(name="深圳市测试导入1电子有限公司")
    assert ent.registered_address == "深圳市宝安区西乡街道"


def test_encoding_detection():
    assert detect_encoding("企业".encode("gbk")) == "gb18030"
    assert detect_encoding("企业".encode()) == "utf-8"
    assert detect_encoding(b"\xef\xbb\xbf" + "企业".encode()) == "utf-8-sig"
    with pytest.raises(FileProblem):
        detect_encoding(b"\x81\x20\xff\xff")


def test_reader_numbers_rows_as_the_spreadsheet_shows(tmp_path):
    path = make_xlsx(tmp_path / "m.xlsx", [row(n=1), row(n=2)], title="名册")
    table = open_table(path)
    assert table.header_row == 2
    assert [n for n, _v in table.rows()] == [3, 4]


# --- scope ---------------------------------------------------------------------------------


def test_the_organisation_must_be_in_the_users_scope(world, tmp_path):
    path = make_xlsx(tmp_path / "m.xlsx", [row(n=1)])
    with pytest.raises(PermissionDenied):
        run(world, path, actor=world.secretary, org=world.fuyong)
    with pytest.raises(PermissionDenied):
        run(world, path, actor=world.leader, org=world.xixiang)  # read-only role
    assert not Enterprise.objects.filter(name__contains="测试导入").exists()
    assert run(world, path, actor=world.staff, org=world.fuyong).written  # district staff


def test_masked_mobiles_keep_the_stored_number(world, tmp_path):
    run(world, make_xlsx(tmp_path / "a.xlsx", [row(n=1)]))
    masked = row(n=1, contact_phone="139****0001")
    assert run(world, make_xlsx(tmp_path / "b.xlsx", [masked])).changes == 0
    wrong = row(n=1, contact_phone="139****9999")
    out = run(world, make_xlsx(tmp_path / "c.xlsx", [wrong]))
    assert "masked" in out.errors[0].reason


def test_an_accepted_invalid_code_matches_its_enterprise(world, tmp_path):
    code = "91350100M0001TGQXM"  # a 2015 pilot code that fails the check (DOMAIN.md)
    ent = Enterprise.objects.create(name="试点企业有限公司", uscc=code, uscc_check_accepted=True)
    out = run(world, make_xlsx(tmp_path / "a.xlsx", [row(name=ent.name, uscc=code)]))
    assert out.ok, out.errors
    out = run(world, make_xlsx(tmp_path / "b.xlsx", [row(n=3, uscc="91350100M0001TGQXA")]))
    assert "check character" in out.errors[0].reason


def test_one_person_for_rows_sharing_name_and_mobile_across_chunks(world, tmp_path):
    from chamber.members.importers.pipeline import Importer

    rows = [row(n=i, contact_name="王芳", contact_phone="13622223333") for i in range(5)]
    path = make_xlsx(tmp_path / "m.xlsx", rows)
    out = Importer(actor=world.secretary, organization=world.xixiang, chunk=2).run(path)
    assert out.written and out.counts["person"] == {"create": 1, "update": 0, "same": 4}
    (person,) = Person.objects.filter(name="王芳")
    reps = set(
        Membership.objects.filter(enterprise__name__contains="测试导入").values_list(
            "representative_id", flat=True
        )
    )
    assert reps == {person.pk}
