"""Exporting the directory: scoped and filtered like the page, masked per role,
formula-safe, audited, and an export imports back unchanged."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.utils import translation
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token

from chamber.core.models import AuditEntry
from chamber.members.exporters import HEADERS, export_members
from chamber.members.importers.pipeline import import_members
from chamber.members.models import Enterprise, Membership, Person
from chamber.members.selectors import DirectoryFilters

from .import_helpers import make_xlsx, row


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def read_xlsx(data: bytes) -> list[list]:
    ws = load_workbook(io.BytesIO(data)).active
    return [[c.value for c in r] for r in ws.iter_rows()]


def read_csv(data: bytes) -> list[list]:
    assert data.startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to read UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def state():
    return (
        list(Enterprise.objects.order_by("id").values()),
        list(Person.objects.order_by("id").values()),
        list(Membership.objects.order_by("id").values()),
    )


def fill(world, tmp_path, n=5, **extra):
    rows = [row(n=i, **extra) for i in range(n)]
    out = import_members(
        actor=world.secretary,
        organization=world.xixiang,
        path=make_xlsx(tmp_path / "in.xlsx", rows),
    )
    assert out.written, out.errors
    return rows


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_round_trip_changes_nothing(world, tmp_path, fmt):
    # typed as text in the source sheet ('=...), as Excel keeps a text that looks like a formula
    fill(world, tmp_path, note="'=SUM(A1:A9)", address="'+86 深圳")
    before = state()
    path = tmp_path / f"out.{fmt}"
    n = export_members(
        actor=world.secretary, filters=DirectoryFilters(org=world.xixiang), fmt=fmt, out=str(path)
    )
    assert n == 6  # the world's member and the five imported
    out = import_members(actor=world.secretary, organization=world.xixiang, path=path)
    assert out.ok, [e.as_dict() for e in out.errors]
    assert out.changes == 0 and out.counts["enterprise"]["same"] == 6
    assert state() == before
    assert Enterprise.objects.filter(note="=SUM(A1:A9)").count() == 5  # restored exactly


def test_formulas_are_neutralised(world, tmp_path):
    fill(world, tmp_path, n=1, note='\'=HYPERLINK("http://x")', legal_representative="'@cmd")
    assert Enterprise.objects.filter(legal_representative="@cmd").count() == 1
    path = tmp_path / "out.xlsx"
    export_members(
        actor=world.secretary,
        filters=DirectoryFilters(org=world.xixiang),
        fmt="xlsx",
        out=str(path),
    )
    ws = load_workbook(path).active
    cells = [c for r in ws.iter_rows() for c in r]
    assert not any(c.data_type == "f" for c in cells)
    notes = [c.value for c in cells if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert notes == ['\'=HYPERLINK("http://x")']
    assert "'@cmd" in [c.value for c in cells]


def test_mobile_masked_unless_the_role_may_see_personal_data(world, tmp_path):
    fill(world, tmp_path, n=1)
    full = tmp_path / "full.csv"
    export_members(actor=world.secretary, filters=DirectoryFilters(), fmt="csv", out=str(full))
    masked = tmp_path / "masked.csv"
    export_members(
        actor=world.leader, filters=DirectoryFilters(org=world.xixiang), fmt="csv", out=str(masked)
    )
    phone = HEADERS.index("联系电话")
    full_rows = {r[1]: r[phone] for r in read_csv(full.read_bytes())[1:]}
    masked_rows = {r[1]: r[phone] for r in read_csv(masked.read_bytes())[1:]}
    code = row(n=0)["uscc"]
    assert full_rows[code] == "13900000000"
    assert masked_rows[code] == "139****0000"
    # a masked export still imports back without changing the stored number
    before = state()
    out = import_members(actor=world.staff, organization=world.xixiang, path=masked)
    assert out.ok and out.changes == 0 and state() == before


def test_export_is_scoped_filtered_and_audited(world, tmp_path):
    path = tmp_path / "x.csv"
    n = export_members(actor=world.secretary, filters=DirectoryFilters(), fmt="csv", out=str(path))
    names = [r[0] for r in read_csv(path.read_bytes())[1:]]
    assert n == 1 and names == [world.ent_x.name]  # never fuyong's member
    entry = AuditEntry.objects.get(action="export", actor=world.secretary)
    assert entry.changes["rows"] == 1 and entry.changes["format"] == "csv"
    assert entry.changes["filters"]["status"] == "active"
    n = export_members(
        actor=world.staff, filters=DirectoryFilters(q="福永"), fmt="csv", out=str(path)
    )
    assert n == 1 and read_csv(path.read_bytes())[1][0] == world.ent_f.name


def test_export_button_keeps_the_page_filters(client, world):
    client.force_login(world.staff)
    page = client.get("/members/", {"q": "福永", "status": "active"})
    assert (
        "/members/export/?q=%E7%A6%8F%E6%B0%B8&amp;status=active&amp;format=xlsx"
        in page.content.decode()
    )
    resp = client.get("/members/export/", {"q": "福永", "format": "xlsx"})
    assert resp.status_code == 200
    rows = read_xlsx(b"".join(resp.streaming_content))
    assert rows[0] == HEADERS and [r[0] for r in rows[1:]] == [world.ent_f.name]


def test_export_page_scope(client, world):
    client.force_login(world.secretary)
    resp = client.get("/members/export/", {"org": "d.fuyong", "format": "csv"})
    rows = read_csv(b"".join(resp.streaming_content))
    # fuyong is not in the secretary's scope: the filter is refused and nothing leaks
    assert world.ent_f.name not in {r[0] for r in rows}
    client.force_login(world.outsider)
    assert client.get("/members/export/", {"format": "csv"}).status_code == 403


def test_api_export(client, world):
    token = Token.objects.create(user=world.staff)
    resp = client.get(
        "/api/v1/memberships/export/",
        {"format": "xlsx", "org": "d.fuyong"},
        HTTP_AUTHORIZATION=f"Token {token.key}",
    )
    assert resp.status_code == 200
    rows = read_xlsx(b"".join(resp.streaming_content))
    assert [r[1] for r in rows[1:]] == [world.ent_f.uscc]
    resp = client.get(
        "/api/v1/memberships/export/", {"format": "csv"}, HTTP_AUTHORIZATION=f"Token {token.key}"
    )
    assert resp.status_code == 200 and resp["Content-Type"].startswith("text/csv")
    assert AuditEntry.objects.filter(action="export", actor=world.staff).count() == 2
    token = Token.objects.create(user=world.secretary)
    resp = client.get(
        "/api/v1/memberships/export/",
        {"format": "csv"},
        HTTP_AUTHORIZATION=f"Token {token.key}",
    )
    assert world.ent_f.uscc not in b"".join(resp.streaming_content).decode("utf-8-sig")


def test_export_command(world, tmp_path, capsys):
    path = tmp_path / "all.xlsx"
    call_command("export", "members", "-o", str(path), "--org", "d")
    assert "2 members written" in capsys.readouterr().out
    rows = read_xlsx(path.read_bytes())
    assert {r[1] for r in rows[1:]} == {world.ent_x.uscc, world.ent_f.uscc}
    assert AuditEntry.objects.filter(action="export", actor=None).exists()
