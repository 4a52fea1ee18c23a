"""Pages: the register, posts, proposals and their steps, the member section; scope
from the outside; query counts that stay flat as rows grow."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from chamber.politics import services
from chamber.politics.choices import Status
from chamber.politics.models import PoliticalPost

from .conftest import REPLY, advance, draft, member, post

pytestmark = pytest.mark.django_db


def test_register_lists_and_filters(client, pol):
    client.force_login(pol.w.staff)
    url = reverse("politics:register")
    body = client.get(url, {"on": "2016-12-31"}).content.decode()
    for name in ("任正非", "李四", "王五"):
        assert name in body
    assert 'id="register-summary"' in body
    body = client.get(url, {"org": "d.fuyong", "on": "2016-12-31"}).content.decode()
    assert "王五" in body and "李四" not in body
    body = client.get(url, {"body": "cppcc", "term": 4, "status": "all"}).content.decode()
    assert "任正非" in body and "李四" not in body
    # Today the 4th term is long over: only in the "all posts" view.
    body = client.get(url, {"term": 4}).content.decode()
    assert "任正非" not in body


def test_register_query_count_is_flat(client, pol, django_assert_max_num_queries):
    for i in range(30):
        post(member(pol.w.xixiang, f"委员{i}", f"西乡企业{i}有限公司"), pol.w.xixiang)
    client.force_login(pol.w.secretary)
    with django_assert_max_num_queries(14):
        r = client.get(reverse("politics:register"), {"on": "2017-01-01"})
    assert r.status_code == 200 and "委员29" in r.content.decode()


def test_secretary_sees_only_own_members_in_register(client, pol):
    client.force_login(pol.w.secretary)
    body = client.get(reverse("politics:register"), {"on": "2016-12-31"}).content.decode()
    assert "任正非" in body and "王五" not in body


def test_record_post_page(client, pol):
    client.force_login(pol.w.secretary)
    url = reverse("politics:post_create")
    page = client.get(url, {"person": pol.nopost_x.pk}).content.decode()
    # The chosen person is the only option rendered (the rest come from the search).
    assert "赵六 · 西乡五金有限公司" in page and "王五" not in page
    data = {
        "person": pol.nopost_x.pk,
        "organization": pol.w.xixiang.pk,
        "body": "npc",
        "level": "4_district",
        "place": "宝安区",
        "term": 6,
        "role": "member",
        "start": "2016-11-28",
    }
    r = client.post(url, data)
    assert r.status_code == 200 and "A people" in r.content.decode()  # role refused
    r = client.post(
        url,
        {**data, "role": "deputy", "next": f"/members/enterprises/{pol.nopost_x.enterprise_id}/"},
    )
    assert r.status_code == 302 and r["Location"].endswith(f"/{pol.nopost_x.enterprise_id}/")
    assert PoliticalPost.objects.filter(person=pol.nopost_x, body="npc").exists()
    # Someone else's member is not a valid choice.
    r = client.post(url, {**data, "person": pol.w.rep_f.pk, "role": "deputy"})
    assert (
        r.status_code == 200
        and not PoliticalPost.objects.filter(person=pol.w.rep_f, term=6, role="deputy")
        .exclude(pk=pol.posts.rep_f.pk)
        .exists()
    )


def test_only_drafts_open_for_editing(client, pol):
    client.force_login(pol.w.staff)
    p = advance(pol, draft(pol), "submitted")
    r = client.get(reverse("politics:proposal_edit", args=[p.pk]))
    assert r.status_code == 302 and r["Location"] == reverse("politics:proposal", args=[p.pk])
    d = draft(pol, title="草稿")
    r = client.post(
        reverse("politics:proposal_edit", args=[d.pk]),
        {
            "kind": "proposal",
            "level": "4_district",
            "place": "宝安区",
            "session_year": 2017,
            "session_term": 5,
            "session_sitting": 2,
            "title": "改过的草稿",
            "lead": pol.w.rep_x.pk,
            "co_submitters": [pol.co_x.pk],
            "topics": "人才住房、交通",
        },
    )
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.title == "改过的草稿" and sorted(t.name for t in d.topics.all()) == [
        "交通",
        "人才住房",
    ]


def test_person_search_is_scoped(client, pol):
    client.force_login(pol.w.secretary)
    body = client.get(reverse("politics:person_options"), {"q": "wang"}).content.decode()
    assert "王五" not in body
    body = client.get(reverse("politics:person_options"), {"q": "zhao"}).content.decode()
    assert "赵六" in body


def test_proposal_pages_and_steps(client, pol):
    client.force_login(pol.w.staff)
    p = advance(pol, draft(pol), "submitted")
    page = client.get(reverse("politics:proposal", args=[p.pk])).content.decode()
    assert 'id="step-file"' in page and 'id="step-decline"' in page and 'id="step-merge"' in page
    assert 'id="step-assign"' not in page
    url = reverse("politics:proposal_step", args=[p.pk, "file"])
    r = client.post(url, {"file-on": "2017-01-20", "file-file_number": "X-1"})
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.status == Status.FILED and p.file_number == "X-1"
    # An illegal step is refused with the reason on the page, nothing changes.
    r = client.post(
        reverse("politics:proposal_step", args=[p.pk, "sign"]), {"sign-on": "2017-02-01"}
    )
    assert r.status_code == 200 and "Possible next steps" in r.content.decode()
    p.refresh_from_db()
    assert p.status == Status.FILED
    r = client.post(
        reverse("politics:proposal_step", args=[p.pk, "assign"]),
        {
            "assign-on": "2017-02-01",
            "assign-lead_unit": pol.fgw.pk,
            "assign-co_handlers": [pol.fgw.pk],
        },
    )
    assert r.status_code == 200 and "lead unit already" in r.content.decode()
    assert (
        client.post(reverse("politics:proposal_step", args=[p.pk, "nonsense"])).status_code == 404
    )


def test_list_and_detail_query_counts(client, pol, django_assert_max_num_queries):
    for i in range(15):
        advance(pol, draft(pol, title=f"提案{i}"), "replied")
    p = draft(pol, title="最后一份")
    advance(pol, p, "replied")
    services.evaluate_proposal(actor=None, proposal=p, on=REPLY, satisfaction="unsatisfied")
    client.force_login(pol.w.staff)
    with django_assert_max_num_queries(16):
        r = client.get(reverse("politics:proposals"))
    assert r.status_code == 200 and "提案14" in r.content.decode()
    with django_assert_max_num_queries(22):
        r = client.get(reverse("politics:proposal", args=[p.pk]))
    assert r.status_code == 200 and 'id="step-rehandle"' in r.content.decode()


def test_member_section(client, pol, django_assert_max_num_queries):
    p = advance(pol, draft(pol), "submitted")
    client.force_login(pol.w.secretary)
    url = reverse("politics:member_section", args=[pol.w.ent_x.pk])
    with django_assert_max_num_queries(14):
        r = client.get(url)
    body = r.content.decode()
    assert r.status_code == 200 and 'id="politics-section"' in body
    assert "第五届" in body or "term 5" in body
    assert p.title in body and "Record a post for 任正非" in body
    # The member page loads it.
    page = client.get(reverse("members:enterprise", args=[pol.w.ent_x.pk])).content.decode()
    assert url in page
    # The leader reads it without the recording links.
    client.force_login(pol.w.leader)
    assert "Record a post" not in client.get(url).content.decode()


def _outside_urls(pol, which):
    """URLs of one street's records: xixiang's (x) or fuyong's (f)."""
    if which == "x":
        person, ent, org, post_ = pol.w.rep_x, pol.w.ent_x, pol.w.xixiang, pol.posts.rep_x
        kwargs = {}
    else:
        person, ent, org, post_ = pol.w.rep_f, pol.w.ent_f, pol.w.fuyong, pol.posts.rep_f
        kwargs = {"kind": "motion", "session_term": 6}
    p = draft(pol, organization=org, lead=person, co_submitters=[], **kwargs)
    editable = draft(pol, organization=org, lead=person, co_submitters=[], **kwargs)
    advance(pol, p, "replied")
    reply = p.replies.get()
    reply.attachment.save("r.txt", ContentFile(b"reply"), save=True)
    return [
        reverse("politics:proposal", args=[p.pk]),
        reverse("politics:proposal_edit", args=[editable.pk]),
        reverse("politics:reply_attachment", args=[p.pk, 1]),
        reverse("politics:member_section", args=[ent.pk]),
        reverse("politics:post_edit", args=[post_.pk]),
        f"/api/v1/proposals/{p.pk}/",
        f"/api/v1/posts/{post_.pk}/",
        f"/admin/politics/proposal/{p.pk}/change/",
        f"/admin/politics/politicalpost/{post_.pk}/change/",
    ]


@pytest.mark.parametrize(
    ("who", "sees_x", "sees_f"),
    [("staff", True, True), ("secretary", True, False), ("other_secretary", False, True)],
)
def test_scope_from_the_outside(client, pol, settings, tmp_path, who, sees_x, sees_f):
    settings.MEDIA_ROOT = tmp_path
    urls = {"x": _outside_urls(pol, "x"), "f": _outside_urls(pol, "f")}
    client.force_login(getattr(pol.w, who))
    for which, sees in (("x", sees_x), ("f", sees_f)):
        for url in urls[which]:
            status = client.get(url).status_code
            if sees:
                assert status == 200, (who, url, status)
            else:
                assert status == 404, (who, url, status)
