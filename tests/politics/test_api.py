"""/api/v1/posts/ and /api/v1/proposals/: writes through services, steps as POST
actions, errors as 400s with reasons, rights as 403s, scope as 404s."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chamber.politics.choices import Status
from chamber.politics.models import PoliticalPost, Proposal

from .conftest import advance, draft

pytestmark = pytest.mark.django_db


def api(client, user):
    client.force_login(user)
    return client


def test_secretary_records_and_ends_a_post(client, pol):
    c = api(client, pol.w.secretary)
    body = {
        "person": pol.nopost_x.pk,
        "organization": "d.xixiang",
        "body": "cppcc",
        "level": "3_municipal",
        "place": "深圳市",
        "term": 6,
        "role": "member",
        "sector": "经济界",
        "start": "2015-01-20",
    }
    r = c.post("/api/v1/posts/", body, content_type="application/json")
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["organization"] == "d.xixiang" and data["person_name"] == "赵六"
    assert data["in_force"] is True
    r = c.post(
        f"/api/v1/posts/{data['id']}/end/", {"end": "2017-05-01"}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["end"] == "2017-05-01"
    assert r.json()["in_force"] is False
    # Ending twice is refused, with the reason.
    r = c.post(
        f"/api/v1/posts/{data['id']}/end/", {"end": "2017-06-01"}, content_type="application/json"
    )
    assert r.status_code == 400 and "2017-05-01" in r.json()["end"][0]
    # A role the body does not have: 400 on the field.
    r = c.post("/api/v1/posts/", {**body, "role": "deputy"}, content_type="application/json")
    assert r.status_code == 400 and "role" in r.json()
    # Another chamber's member cannot be chosen at all.
    r = c.post(
        "/api/v1/posts/", {**body, "person": pol.w.rep_f.pk}, content_type="application/json"
    )
    assert r.status_code == 400 and "person" in r.json()


def test_posts_list_filters_and_scope(client, pol):
    c = api(client, pol.w.staff)
    rows = c.get("/api/v1/posts/?in_force_on=2016-12-31").json()["results"]
    assert {r["person_name"] for r in rows} == {"任正非", "李四", "王五"}
    rows = c.get("/api/v1/posts/?body=npc").json()["results"]
    assert [r["person_name"] for r in rows] == ["王五"]
    rows = c.get("/api/v1/posts/?organization=d.xixiang&term=5").json()["results"]
    assert {r["person_name"] for r in rows} == {"任正非", "李四"}
    c = api(client, pol.w.secretary)
    rows = c.get("/api/v1/posts/").json()["results"]
    assert {r["person_name"] for r in rows} == {"任正非", "李四"}
    assert c.get(f"/api/v1/posts/{pol.posts.rep_f.pk}/").status_code == 404
    r = c.post(f"/api/v1/posts/{pol.posts.rep_f.pk}/end/", {"end": "2017-01-01"})
    assert r.status_code == 404
    assert (
        c.patch(
            f"/api/v1/posts/{pol.posts.rep_f.pk}/", {"note": "x"}, content_type="application/json"
        ).status_code
        == 404
    )


def test_leader_reads_but_cannot_write(client, pol):
    c = api(client, pol.w.leader)
    assert c.get("/api/v1/posts/").status_code == 200
    r = c.post(f"/api/v1/posts/{pol.posts.rep_f.pk}/end/", {"end": "2017-01-01"})
    assert r.status_code == 403
    p = advance(pol, draft(pol), "submitted")
    assert c.get(f"/api/v1/proposals/{p.pk}/").status_code == 200
    r = c.post(f"/api/v1/proposals/{p.pk}/file/", {"on": "2017-01-20"})
    assert r.status_code == 403


def test_proposal_lifecycle_over_the_api(client, pol, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    c = api(client, pol.w.staff)
    body = {
        "organization": "d",
        "kind": "proposal",
        "level": "4_district",
        "place": "宝安区",
        "session_year": 2017,
        "session_term": 5,
        "session_sitting": 2,
        "title": "关于加快创新产业载体建设的提案",
        "lead": pol.w.rep_x.pk,
        "co_submitters": [pol.co_x.pk],
        "topics": ["中国制造2025"],
        "submit_on": "2017-01-10",
    }
    r = c.post("/api/v1/proposals/", body, content_type="application/json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["status"] == "submitted" and r.json()["topics"] == ["中国制造2025"]

    def step(name, data, status=200, **kw):
        r = c.post(f"/api/v1/proposals/{pk}/{name}/", data, **kw)
        assert r.status_code == status, r.content
        return r.json()

    assert step("file", {"on": "2017-01-20", "file_number": "A-7"})["next_steps"] == ["assign"]
    out = step("assign", {"on": "2017-02-01", "lead_unit": pol.fgw.pk, "co_handlers": [pol.rsj.pk]})
    assert out["reply_due"] == "2017-05-01" and out["co_handlers"] == ["区人社局"]
    # A return depends on its date (within ten days): offered, checked when taken.
    assert out["next_steps"] == ["sign", "return", "extend"]
    late = step("return", {"on": "2017-02-20", "reason": "不属本单位职责"}, status=409)
    assert "2017-02-11" in late["detail"] and late["state"] == "assigned"
    assert late["allowed_steps"] == ["sign", "extend"]
    step("sign", {"on": "2017-02-05"})
    upload = SimpleUploadedFile("答复.pdf", b"%PDF-1.4 reply", content_type="application/pdf")
    out = step(
        "reply",
        {"on": "2017-04-20", "text": "已纳入计划。", "grade": "C", "attachment": upload},
        format="multipart",
    )
    assert out["status"] == "replied" and out["replies"][0]["grade"] == "C"
    url = out["replies"][0]["attachment_url"]
    assert c.get(url).status_code == 200
    out = step("evaluate", {"on": "2017-05-02", "satisfaction": "basic", "note": "基本满意"})
    assert out["satisfaction"] == "basic"
    out = step("close", {"on": "2017-05-10"})
    assert out["status"] == "closed"
    assert [s["step"] for s in out["steps"]] == [
        "draft",
        "submit",
        "file",
        "assign",
        "sign",
        "reply",
        "evaluate",
        "close",
    ]
    # An illegal step answers 409 with the reason and the state; nothing changes.
    err = step("sign", {"on": "2017-05-11"}, status=409)
    assert "closed" in err["detail"] and err == {**err, "state": "closed", "allowed_steps": []}
    assert Proposal.objects.get(pk=pk).status == Status.CLOSED


def test_co_submitter_without_post_refused_over_the_api(client, pol):
    c = api(client, pol.w.staff)
    body = {
        "organization": "d",
        "kind": "proposal",
        "level": "4_district",
        "place": "宝安区",
        "session_year": 2017,
        "session_term": 5,
        "session_sitting": 2,
        "title": "关于人才住房的提案",
        "lead": pol.w.rep_x.pk,
        "co_submitters": [pol.co_x.pk, pol.nopost_x.pk],
        "submit_on": "2017-01-10",
    }
    r = c.post("/api/v1/proposals/", body, content_type="application/json")
    assert r.status_code == 400
    assert "赵六" in r.json()["co_submitters"][0]
    assert not Proposal.objects.filter(title="关于人才住房的提案").exists()


def test_draft_is_edited_then_submitted(client, pol):
    c = api(client, pol.w.staff)
    p = draft(pol)
    # submit_on is for creating only: a draft is submitted by the submit step.
    r = c.patch(
        f"/api/v1/proposals/{p.pk}/",
        {"title": "改后的标题", "submit_on": "2017-01-09"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["title"] == "改后的标题"
    assert r.json()["status"] == "drafted"
    r = c.post(f"/api/v1/proposals/{p.pk}/submit/", {"on": "2017-01-10"})
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    r = c.patch(f"/api/v1/proposals/{p.pk}/", {"title": "再改"}, content_type="application/json")
    assert r.status_code == 400 and "draft" in r.json()["non_field_errors"][0]


def test_proposal_scope_from_the_outside(client, pol):
    own = draft(pol, actor=pol.w.secretary, organization=pol.w.xixiang)
    c = api(client, pol.w.other_secretary)
    assert c.get(f"/api/v1/proposals/{own.pk}/").status_code == 404
    assert c.post(f"/api/v1/proposals/{own.pk}/submit/", {"on": "2017-01-10"}).status_code == 404
    assert own.pk not in [r["id"] for r in c.get("/api/v1/proposals/").json()["results"]]
    # The xixiang secretary sees a district-recorded proposal of their members, read-only.
    district = advance(pol, draft(pol), "submitted")
    c = api(client, pol.w.secretary)
    assert c.get(f"/api/v1/proposals/{district.pk}/").status_code == 200
    assert c.post(f"/api/v1/proposals/{district.pk}/file/", {"on": "2017-01-20"}).status_code == 403


def test_list_filters(client, pol):
    a = advance(pol, draft(pol), "assigned")
    advance(pol, draft(pol, title="另一份"), "submitted")
    c = api(client, pol.w.staff)
    ids = [r["id"] for r in c.get("/api/v1/proposals/?status=overdue").json()["results"]]
    assert ids == [a.pk]
    ids = [r["id"] for r in c.get(f"/api/v1/proposals/?person={pol.co_x.pk}").json()["results"]]
    assert len(ids) == 2
    assert c.get("/api/v1/proposals/?organization=d.fuyong").json()["count"] == 0
    assert c.get("/api/v1/proposals/?topic=营商环境").json()["count"] == 2
    assert c.get("/api/v1/handling-units/").json()["count"] == 3
    assert PoliticalPost.objects.count() == 4


def test_api_lists_do_not_grow_with_rows(client, pol, django_assert_max_num_queries):
    from .conftest import member, post

    for i in range(20):
        person = member(pol.w.xixiang, f"委员{i}", f"西乡企业{i}有限公司")
        post(person, pol.w.xixiang)
        draft(pol, title=f"提案{i}", lead=person, co_submitters=[pol.co_x])
    c = api(client, pol.w.secretary)
    with django_assert_max_num_queries(10):
        assert c.get("/api/v1/posts/").json()["count"] == 23  # + 任正非 x2, 李四
    with django_assert_max_num_queries(12):
        rows = c.get("/api/v1/proposals/").json()["results"]
    assert len(rows) == 20 and all(r["topics"] for r in rows)
