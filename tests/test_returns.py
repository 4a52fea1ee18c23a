"""The yearly statistical return: prepare, correct with a reason, approve, submit,
resubmit as a new version, frozen figures and differences, a city adding up its
districts, the signed file between deployments, and the scoped API."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from chamber.core.models import AuditEntry
from chamber.members import services as members
from chamber.orgs.choices import OrgKind, Role
from chamber.returns import services
from chamber.returns.choices import Status
from chamber.returns.models import Return

from .conftest import _user
from .factories import EnterpriseFactory, make_org

pytestmark = pytest.mark.django_db

YEAR = 2016


def line(ret, figure):
    return ret.lines.get(figure=figure)


def submitted(w, org=None, year=YEAR):
    ret = services.prepare_return(actor=w.staff, organization=org or w.district, year=year)
    services.approve_return(actor=w.leader, ret=ret)
    return services.submit_return(actor=w.staff, ret=ret)


def test_a_return_starts_from_the_figures_and_goes_through_approval(world):
    w = world
    ret = services.prepare_return(actor=w.staff, organization=w.district, year=YEAR)
    assert ret.version == 1 and ret.status == Status.DRAFT
    assert line(ret, "members.total").computed == "2"
    with pytest.raises(ValidationError):
        services.submit_return(actor=w.staff, ret=ret)  # not approved
    with pytest.raises(PermissionDenied):
        services.approve_return(actor=w.staff, ret=ret)  # staff do not approve
    services.approve_return(actor=w.leader, ret=ret)
    with pytest.raises(ValidationError):  # locked once approved
        services.correct_figure(
            actor=w.staff, line=line(ret, "members.total"), value="3", reason="x"
        )
    services.submit_return(actor=w.staff, ret=ret)
    ret.refresh_from_db()
    assert ret.status == Status.SUBMITTED and ret.locked


def test_a_correction_needs_a_reason_and_keeps_the_computed_value(world):
    w = world
    ret = services.prepare_return(actor=w.staff, organization=w.district, year=YEAR)
    total = line(ret, "members.total")
    with pytest.raises(ValidationError) as e:
        services.correct_figure(actor=w.staff, line=total, value="5", reason="  ")
    assert "reason" in e.value.message_dict
    with pytest.raises(ValidationError):
        services.correct_figure(actor=w.staff, line=total, value="-1", reason="x")
    services.correct_figure(actor=w.staff, line=total, value="5", reason="三家企业漏录")
    total.refresh_from_db()
    assert (total.computed, total.reported, total.reason) == ("2", "5", "三家企业漏录")
    entry = AuditEntry.objects.filter(object_id=ret.pk).latest("id")
    assert entry.changes["members.total"] == ["2", "5"]


def test_resubmission_is_a_new_version_with_a_reason_and_the_old_one_is_kept(world):
    w = world
    first = submitted(w)
    with pytest.raises(ValidationError) as e:
        services.prepare_return(actor=w.staff, organization=w.district, year=YEAR)
    assert "reason" in e.value.message_dict
    second = services.prepare_return(
        actor=w.staff, organization=w.district, year=YEAR, reason="更正会员数"
    )
    services.approve_return(actor=w.leader, ret=second)
    services.submit_return(actor=w.staff, ret=second)
    first.refresh_from_db()
    assert first.status == Status.SUPERSEDED and second.version == 2
    assert Return.objects.filter(organization=w.district, year=YEAR).count() == 2


def test_a_submitted_year_is_frozen_and_later_records_are_differences(world):
    w = world
    ret = submitted(w)
    members.admit_member(
        actor=w.staff, organization=w.xixiang, joined=dt.date(2016, 5, 1),
        enterprise=EnterpriseFactory(),
    )  # fmt: skip
    assert line(ret, "members.total").reported == "2"  # not silently added
    diffs = {d["figure"]: d for d in services.differences(ret)}
    assert diffs["members.total"] == {"figure": "members.total", "in_return": "2", "now": "3"}


def test_a_city_adds_its_districts_submitted_returns_and_its_own_records(world):
    w = world
    city = make_org("city", "测试市工商联", kind=OrgKind.CITY)
    from chamber.orgs.services import move_organization

    move_organization(actor=w.admin, org=w.district, new_parent=city)
    w.district.refresh_from_db()
    other = make_org("city.other", "另一区工商联", parent=city, kind=OrgKind.FEDERATION)
    own = make_org("city.own", "市直属商会", parent=city, kind=OrgKind.INDUSTRY)
    members.admit_member(
        actor=None, organization=own, joined=dt.date(2015, 1, 1), enterprise=EnterpriseFactory()
    )
    members.admit_member(
        actor=None, organization=other, joined=dt.date(2015, 1, 1), enterprise=EnterpriseFactory()
    )
    district_ret = services.prepare_return(actor=None, organization=w.district, year=YEAR)
    services.correct_figure(
        actor=None, line=line(district_ret, "members.total"), value="10", reason="补报"
    )
    services.approve_return(actor=None, ret=district_ret)
    services.submit_return(actor=None, ret=district_ret)
    city_ret = services.prepare_return(actor=None, organization=city, year=YEAR)
    # 10 reported by the district + 1 of the city's own chamber; `other` has not submitted.
    assert line(city_ret, "members.total").computed == "11"
    from chamber.returns.selectors import children_status

    status = {row["org"].code: row["submitted"] for row in children_status(city, YEAR)}
    assert status["d"] == district_ret and status["city.other"] is None


def test_only_a_federation_prepares_a_return(world):
    with pytest.raises(ValidationError):
        services.prepare_return(actor=world.staff, organization=world.xixiang, year=YEAR)


@pytest.fixture
def keys(tmp_path, settings):
    call_command("return", "keygen", "-o", str(tmp_path / "d"))
    trusted = tmp_path / "trusted"
    trusted.mkdir()
    (tmp_path / "d.pem").rename(trusted / "d.pem")
    settings.RETURN_SIGNING_KEY = str(tmp_path / "d.key")
    settings.RETURN_TRUSTED_KEYS = str(trusted)
    return tmp_path


def test_a_signed_return_file_is_imported_and_a_tampered_one_refused(world, keys):
    w = world
    ret = submitted(w)
    out = keys / "d-2016.json"
    call_command("return", "export", "--org", "d", "--year", "2016", "-o", str(out))
    doc = json.loads(out.read_text())
    tampered = keys / "tampered.json"
    doc["payload"]["lines"][0]["reported"] = "999"
    tampered.write_text(json.dumps(doc))
    with pytest.raises(CommandError, match="签名不符"):
        call_command("return", "import", str(tampered))
    with pytest.raises(CommandError, match="不是Chamber年报文件"):
        (keys / "junk.json").write_text("{}")
        call_command("return", "import", str(keys / "junk.json"))
    # The parent's database: the same codes, this return not there yet.
    lines = {li.figure: li.reported for li in ret.lines.all()}
    Return.objects.all().delete()
    call_command("return", "import", str(out))
    got = Return.objects.get()
    assert got.source == "imported" and got.status == Status.SUBMITTED
    assert {li.figure: li.reported for li in got.lines.all()} == lines
    with pytest.raises(CommandError, match="已导入过"):
        call_command("return", "import", str(out))


def test_an_unknown_signer_is_refused(world, keys, settings, tmp_path):
    submitted(world)
    out = keys / "r.json"
    call_command("return", "export", "--org", "d", "--year", "2016", "-o", str(out))
    settings.RETURN_TRUSTED_KEYS = str(tmp_path / "nowhere")
    with pytest.raises(CommandError, match="没有d的公钥"):
        call_command("return", "import", str(out))


def test_the_api_lists_a_federations_returns_and_its_childrens_only(world, client):
    w = world
    submitted(w)
    elsewhere = make_org("e", "别区工商联")
    services.prepare_return(actor=None, organization=elsewhere, year=YEAR)
    client.force_login(w.leader)
    body = client.get("/api/v1/returns/").json()
    rows = body["results"] if isinstance(body, dict) else body
    assert [r["organization"] for r in rows] == ["d"]
    other = Return.objects.get(organization=elsewhere)
    assert client.get(f"/api/v1/returns/{other.pk}/").status_code == 404
    secretary = _user("sec2", w.xixiang, Role.SECRETARY, is_staff=True)
    client.force_login(secretary)
    body = client.get("/api/v1/returns/").json()
    assert (body["results"] if isinstance(body, dict) else body) == []


def test_pages_prepare_correct_approve_submit(world, client, django_assert_max_num_queries):
    w = world
    client.force_login(w.staff)
    r = client.post("/returns/d/", {"year": "2016", "reason": ""})
    ret = Return.objects.get(organization=w.district)
    assert r.status_code == 302 and r["Location"] == f"/returns/r/{ret.pk}/"
    total = line(ret, "members.total")
    client.post(f"/returns/r/{ret.pk}/correct/", {"line": total.pk, "value": "4", "reason": ""})
    total.refresh_from_db()
    assert total.reported == "2"  # refused: no reason
    client.post(
        f"/returns/r/{ret.pk}/correct/", {"line": total.pk, "value": "4", "reason": "漏录两家"}
    )
    total.refresh_from_db()
    assert (total.reported, total.reason) == ("4", "漏录两家")
    with django_assert_max_num_queries(25):
        page = client.get(f"/returns/r/{ret.pk}/")
    assert "漏录两家" in page.content.decode()
    client.force_login(w.leader)
    client.post(f"/returns/r/{ret.pk}/approve/")
    client.force_login(w.staff)
    client.post(f"/returns/r/{ret.pk}/submit/")
    ret.refresh_from_db()
    assert ret.status == Status.SUBMITTED
    assert client.get("/returns/d/?year=2016").status_code == 200


def test_another_federations_return_is_404_on_every_url(world, client):
    elsewhere = make_org("e", "别区工商联")
    other = services.prepare_return(actor=None, organization=elsewhere, year=YEAR)
    client.force_login(world.staff)
    assert client.get("/returns/e/").status_code == 404
    assert client.get(f"/returns/r/{other.pk}/").status_code == 404
    assert client.post(f"/returns/r/{other.pk}/approve/").status_code == 404
    assert client.post(f"/returns/r/{other.pk}/submit/").status_code == 404
