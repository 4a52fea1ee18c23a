"""The import pages: upload, preview, confirm; errors with their workbook; scope; and
the background task for files too long to check within the request."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from openpyxl import load_workbook

from chamber.members.importers import jobs
from chamber.members.models import Enterprise, Membership

from .import_helpers import make_xlsx, row

ImportJob = jobs.ImportJob


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with translation.override("en"):
        yield


def upload(client, world, tmp_path, rows, org=None, name="m.xlsx"):
    path = make_xlsx(tmp_path / name, rows)
    return client.post(
        "/members/import/",
        {
            "organization": (org or world.xixiang).pk,
            "file": SimpleUploadedFile(name, path.read_bytes()),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_upload_preview_confirm(client, world, tmp_path, django_assert_max_num_queries):
    client.force_login(world.secretary)
    assert client.get("/members/import/").status_code == 200
    resp = upload(client, world, tmp_path, [row(n=i) for i in range(3)])
    job = ImportJob.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/members/import/{job.pk}/"
    assert job.status == "checked" and job.changes == 9  # 3 enterprises, people, memberships
    assert (tmp_path / "media" / job.file).exists()  # stored under MEDIA_ROOT/imports/
    assert job.file.startswith("imports/")
    assert not Enterprise.objects.filter(name__contains="测试导入").exists()  # preview only
    with django_assert_max_num_queries(8):
        page = client.get(f"/members/import/{job.pk}/").content.decode()
    assert 'id="confirm-form"' in page and "深圳市测试导入1电子有限公司" in page
    client.post(f"/members/import/{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.status == "done"
    assert Membership.objects.filter(organization=world.xixiang).count() == 4
    directory = client.get("/members/", {"q": "测试导入"}).content.decode()
    assert "深圳市测试导入2电子有限公司" in directory
    # confirming twice writes nothing more
    client.post(f"/members/import/{job.pk}/confirm/")
    assert Membership.objects.filter(organization=world.xixiang).count() == 4


def test_errors_are_shown_located_with_the_workbook(client, world, tmp_path):
    client.force_login(world.secretary)
    upload(client, world, tmp_path, [row(n=1), row(n=2, contact_phone="1391234")])
    job = ImportJob.objects.get()
    assert job.status == "invalid" and job.error_count == 1
    page = client.get(f"/members/import/{job.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="confirm-form"' not in page
    assert "<td>3</td><td>联系电话</td>" in page and "11 digits, got 7" in page
    resp = client.get(f"/members/import/{job.pk}/errors/")
    ws = load_workbook(io.BytesIO(b"".join(resp.streaming_content))).active
    assert ws["F3"].comment is not None and "11 digits" in ws["F3"].comment.text
    assert client.post(f"/members/import/{job.pk}/confirm/").status_code == 302
    assert not Enterprise.objects.filter(name__contains="测试导入").exists()


def test_file_problems_are_shown_not_raised(client, world, tmp_path):
    client.force_login(world.secretary)
    client.post(
        "/members/import/",
        {"organization": world.xixiang.pk, "file": SimpleUploadedFile("m.xlsx", b"%PDF-1.7")},
    )
    job = ImportJob.objects.get()
    assert job.status == "invalid"
    assert "PDF" in client.get(f"/members/import/{job.pk}/").content.decode()


def test_template_download(client, world):
    client.force_login(world.secretary)
    resp = client.get("/members/import/template/")
    wb = load_workbook(io.BytesIO(b"".join(resp.streaming_content)))
    assert wb.sheetnames == ["会员名册", "选项", "填写说明"]


def test_scope(client, world, tmp_path):
    client.force_login(world.secretary)
    resp = upload(client, world, tmp_path, [row(n=1)], org=world.fuyong)
    assert resp.status_code == 200 and "Select a valid choice" in resp.content.decode()
    assert not ImportJob.objects.exists()
    upload(client, world, tmp_path, [row(n=1)])
    job = ImportJob.objects.get()
    client.force_login(world.other_secretary)  # another user's import is not found
    assert client.get(f"/members/import/{job.pk}/").status_code == 404
    assert client.post(f"/members/import/{job.pk}/confirm/").status_code == 404
    client.force_login(world.leader)  # read-only role
    assert client.get("/members/import/").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_long_files_run_in_the_background_with_progress(client, world, tmp_path, settings):
    settings.CHAMBER_IMPORT_INLINE_BYTES = 0  # every file counts as long
    client.force_login(world.secretary)
    upload(client, world, tmp_path, [row(n=i) for i in range(30)])
    job = ImportJob.objects.get()
    jobs.wait_all()
    job.refresh_from_db()
    assert job.status == "checked" and (job.done, job.total) == (30, 30)
    assert job.outcome["counts"]["enterprise"]["create"] == 30
    assert not Enterprise.objects.filter(name__contains="测试导入").exists()
    client.post(f"/members/import/{job.pk}/confirm/")
    jobs.wait_all()
    job.refresh_from_db()
    assert job.status == "done" and job.finished is not None
    assert Enterprise.objects.filter(name__contains="测试导入").count() == 30


def test_running_job_page_polls_and_a_dead_one_says_so(client, world, tmp_path):
    client.force_login(world.secretary)
    upload(client, world, tmp_path, [row(n=1)])
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status="writing", phase="write", done=5, total=10)
    page = client.get(f"/members/import/{job.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in page and 'aria-valuenow="50"' in page
    ImportJob.objects.filter(pk=job.pk).update(
        updated=timezone.now() - datetime.timedelta(minutes=5)
    )
    page = client.get(f"/members/import/{job.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "every 1s" not in page and "Nothing was written" in page
