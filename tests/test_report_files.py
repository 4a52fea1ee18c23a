"""A large scope's .docx/.xlsx is built by a background task, its progress on a page."""

from __future__ import annotations

from chamber.core.queue import run_queued
from chamber.reports.models import ReportFile


def test_a_large_report_file_is_built_in_the_background(client, world, settings, tmp_path):
    settings.CHAMBER_REPORT_INLINE_MEMBERS = 0
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.staff)
    resp = client.get("/reports/d/download.docx?year=2017")
    rf = ReportFile.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/reports/files/{rf.pk}/"
    page = client.get(resp["Location"]).content.decode()
    assert 'hx-trigger="every 1s"' in page and 'aria-valuenow="0"' in page
    run_queued()
    rf.refresh_from_db()
    assert rf.status == "done" and rf.path.exists()
    page = client.get(f"/reports/files/{rf.pk}/").content.decode()
    assert "every 1s" not in page and 'aria-valuenow="100"' in page
    body = b"".join(client.get(f"/reports/files/{rf.pk}/download/").streaming_content)
    assert body[:2] == b"PK"  # a .docx is a zip
    client.force_login(world.secretary)  # another user's file is not found
    assert client.get(f"/reports/files/{rf.pk}/").status_code == 404
    assert client.get(f"/reports/files/{rf.pk}/download/").status_code == 404


def test_a_small_scope_downloads_at_once(client, world):
    client.force_login(world.staff)
    resp = client.get("/reports/d/download.xlsx?year=2017")
    assert resp.status_code == 200 and not ReportFile.objects.exists()
