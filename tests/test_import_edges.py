"""Import edges (issue 14, item 4): a GBK CSV behind a UTF-8 byte-order mark, a damaged
.xlsx, a file whose new credit codes were imported meanwhile, a formula in a name cell
through the command, and ID numbers kept out of the error workbook."""

from __future__ import annotations

import codecs

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from openpyxl import Workbook, load_workbook

from chamber.members.importers.errorbook import write_error_workbook
from chamber.members.importers.pipeline import Importer, import_members
from chamber.members.importers.reader import open_table
from chamber.members.importers.rows import RowError
from chamber.members.models import Enterprise, Membership, Person

from .import_helpers import HEADERS, make_csv, make_xlsx, row
from .test_import import TODAY, register_state, run

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_gbk_csv_behind_a_utf8_bom_is_read_as_gbk(world, tmp_path):
    plain = make_csv(
        tmp_path / "p.csv", [row(n=i, address="深圳市宝安区西乡街道") for i in range(2)], "gbk"
    )
    path = tmp_path / "bom.csv"
    path.write_bytes(codecs.BOM_UTF8 + plain.read_bytes())
    out = run(world, path)
    assert out.ok and out.written, (out.problem, [e.as_dict() for e in out.errors])
    assert out.encoding == "gb18030"
    ent = Enterprise.objects.get(name="深圳市测试导入1电子有限公司")
    assert ent.registered_address == "深圳市宝安区西乡街道"


def test_undecodable_text_is_located_not_a_python_error(world, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(
        codecs.BOM_UTF8 + "企业名称,统一社会信用代码\n".encode() + b"\x81\x20\xff\xff\n"
    )
    before = register_state()
    out = run(world, path)
    assert "neither UTF-8 nor GBK" in out.problem and "line 2" in out.problem
    assert "codec" not in out.problem and "decode" not in out.problem
    assert register_state() == before


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[200:],  # the start cut off
        lambda b: bytes(x ^ 0x5A for x in b),  # scrambled
        lambda b: b"\x00" * 16 + b[16:],  # header zeroed
    ],
)
def test_a_damaged_xlsx_is_called_damaged(world, tmp_path, damage):
    good = make_xlsx(tmp_path / "g.xlsx", [row(n=1)])
    path = tmp_path / "会员.xlsx"
    path.write_bytes(damage(good.read_bytes()))
    before = register_state()
    out = run(world, path, original_name="会员.xlsx")
    assert "damaged" in out.problem, out.problem
    assert "UTF-8" not in out.problem and "encoding" not in out.problem
    assert register_state() == before


def test_confirming_after_the_same_codes_were_imported_meanwhile(world, tmp_path):
    mine = make_xlsx(tmp_path / "a.xlsx", [row(n=1), row(n=2), row(n=3)])
    theirs = make_xlsx(tmp_path / "b.xlsx", [row(n=2)])
    importer = Importer(actor=world.secretary, organization=world.xixiang, today=TODAY)
    importer.check(open_table(mine))
    assert importer.outcome.ok
    # meanwhile another file brings one of the same new codes
    assert run(world, theirs, actor=world.staff).written
    before = register_state()
    importer.write_checked("a.xlsx")  # the checked plan is written now
    out = importer.outcome
    assert not out.written
    (e,) = out.errors
    assert (e.row, e.column, e.value) == (3, "统一社会信用代码", row(n=2)["uscc"])
    assert "was added to the register" in e.reason and "IntegrityError" not in e.reason
    assert register_state() == before


def test_confirming_through_the_job_after_the_codes_arrived(world, tmp_path):
    """The page's flow: check, another import, confirm: the confirm plans again and
    updates the enterprise the other file created (no error, no duplicate)."""
    from chamber.members.importers import jobs

    class Upload:
        name = "a.xlsx"

        def __init__(self, path):
            self.data = path.read_bytes()

        def chunks(self):
            yield self.data

    mine = make_xlsx(tmp_path / "a.xlsx", [row(n=1), row(n=2)])
    job = jobs.store_upload(Upload(mine), user=world.secretary, organization=world.xixiang)
    jobs.start(job, "check")
    job.refresh_from_db()
    assert job.status == jobs.ImportJob.Status.CHECKED
    assert run(world, make_xlsx(tmp_path / "b.xlsx", [row(n=2)]), actor=world.staff).written
    jobs.start(job, "write")
    job.refresh_from_db()
    assert job.status == jobs.ImportJob.Status.DONE, (job.problem, job.errors)
    assert Enterprise.objects.filter(uscc=row(n=2)["uscc"]).count() == 1


def _formula_sheet(path):
    wb = Workbook()
    ws = wb.active
    ws.title = "会员名册"
    ws.append(HEADERS)
    r = row(n=1)
    ws.append(['=CONCATENATE("点","心")', r["uscc"]])
    ws.append([row(n=2)["name"], row(n=2)["uscc"], "", "", "", "", "", "", "", "", "", "", ""])
    wb.save(path)
    return path


def test_command_with_a_formula_in_a_name_cell(world, tmp_path, capsys):
    path = _formula_sheet(tmp_path / "f.xlsx")
    with pytest.raises(CommandError, match="errors: nothing was written"):
        call_command("import", "members", str(path), "--org", "d.xixiang")
    err = capsys.readouterr().err
    assert '会员名册!2 企业名称 \'=CONCATENATE("点","心")\'' in err
    assert "&#" not in err and "Traceback" not in err and "Could not write" not in err
    book = load_workbook(tmp_path / "f.errors.xlsx")
    ws = book["会员名册"]
    assert "formula" in ws["A2"].comment.text
    assert ws["A2"].fill.fgColor.rgb.endswith("FFC7CE")
    listing = book["错误清单"]
    assert listing.cell(row=2, column=4).value == '=CONCATENATE("点","心")' or (
        "点" in str(listing.cell(row=2, column=4).value)
    )
    assert not Enterprise.objects.filter(name__contains="测试导入").exists()


def test_error_workbook_masks_id_numbers(world, tmp_path):
    id_number = "11010519491231002X"
    path = make_xlsx(
        tmp_path / "ids.xlsx",
        [
            {**row(n=1, industry="Z99"), "身份证号": id_number, "note": f"法人身份证{id_number}"},
            {**row(n=2), "身份证号": "110105194912310021"},
        ],
        headers=[*HEADERS, "身份证号"],
    )
    out = run(world, path)
    assert out.error_count
    target = write_error_workbook(path, out.errors, tmp_path / "e.xlsx")
    # also an error whose value is an ID number
    write_error_workbook(
        path,
        [RowError("会员名册", 2, "身份证号", id_number, "bad", len(HEADERS))],
        tmp_path / "e2.xlsx",
    )
    for book in (target, tmp_path / "e2.xlsx"):
        wb = load_workbook(book)
        text = " ".join(
            str(c.value) for ws in wb.worksheets for r in ws.iter_rows() for c in r if c.value
        )
        assert id_number not in text and "110105194912310021" not in text
        assert "110*************2X" in text or "110" in text
    # the credit codes (which can look like ID numbers) are kept
    wb = load_workbook(target)
    assert wb["会员名册"]["B2"].value == row(n=1)["uscc"]


def test_nothing_written_by_the_formula_file(world, tmp_path):
    path = _formula_sheet(tmp_path / "f2.xlsx")
    before = (Enterprise.objects.count(), Person.objects.count(), Membership.objects.count())
    out = import_members(actor=world.secretary, organization=world.xixiang, path=path, today=TODAY)
    assert out.error_count and not out.written
    assert (
        Enterprise.objects.count(),
        Person.objects.count(),
        Membership.objects.count(),
    ) == before


# --- retention of uploads and error workbooks ----------------------------------------------


class _Upload:
    def __init__(self, path):
        self.name = path.name
        self.data = path.read_bytes()

    def chunks(self):
        yield self.data


def _job(world, path):
    from chamber.members.importers import jobs

    job = jobs.store_upload(_Upload(path), user=world.secretary, organization=world.xixiang)
    jobs.start(job, "check")
    job.refresh_from_db()
    return job


def test_files_are_deleted_when_the_import_ends(world, tmp_path, settings):
    from chamber.members.importers import jobs

    settings.MEDIA_ROOT = tmp_path / "media"
    job = _job(world, make_xlsx(tmp_path / "a.xlsx", [row(n=1)]))
    folder = job.path.parent
    assert job.status == jobs.ImportJob.Status.CHECKED and job.path.is_file()
    jobs.start(job, "write")
    job.refresh_from_db()
    assert job.status == jobs.ImportJob.Status.DONE
    assert job.file == "" and not folder.exists()
    assert Enterprise.objects.filter(uscc=row(n=1)["uscc"]).exists()


def test_waiting_files_are_purged_after_the_retention(world, tmp_path, settings):
    import datetime

    from django.utils import timezone

    from chamber.members.importers import jobs

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CHAMBER_IMPORT_KEEP_DAYS = 3
    bad = _job(world, make_xlsx(tmp_path / "bad.xlsx", [row(n=1, industry="Z99")]))
    assert bad.status == jobs.ImportJob.Status.INVALID and bad.error_path.is_file()
    waiting = _job(world, make_xlsx(tmp_path / "ok.xlsx", [row(n=2)]))
    orphan = settings.MEDIA_ROOT / "imports" / "0123abcd"
    orphan.mkdir(parents=True)
    (orphan / "upload.xlsx").write_bytes(b"x")
    # two days on: nothing goes
    assert jobs.purge(now=timezone.now() + datetime.timedelta(days=2)) == 0
    call_command("purge", "imports", "--days", "3")
    assert bad.error_path.is_file() and waiting.path.is_file()
    # four days on: the files of both jobs and the orphan folder go, the rows stay
    assert jobs.purge(now=timezone.now() + datetime.timedelta(days=4)) == 3
    bad.refresh_from_db()
    waiting.refresh_from_db()
    assert bad.error_file == "" and waiting.file == "" and not orphan.exists()
    assert list((settings.MEDIA_ROOT / "imports").iterdir()) == []
    # confirming the purged check says so instead of failing
    from django.test import Client

    client = Client()
    client.force_login(world.secretary)
    r = client.post(f"/members/import/{waiting.pk}/confirm/", follow=True)
    assert r.status_code == 200
    text = r.content.decode()
    assert "deleted after 3 days" in text or "已在3天后删除" in text
    waiting.refresh_from_db()
    assert waiting.status == jobs.ImportJob.Status.CHECKED
