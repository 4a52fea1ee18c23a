"""Casework pages: the queue, the case page and its step forms, the visit form that
raises cases, the member page section, figures; and their query counts."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chamber.casework import services
from chamber.casework.models import Case, Visit

from ..factories import EnterpriseFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def make_cases(world, cw, n):
    cases = []
    for i in range(n):
        case = cw.raise_case(title=f"问题{i}", received_on=datetime.date(2016, 3, 1))
        services.assign_case(actor=world.secretary, case=case, assignee=world.secretary)
        if i % 2:
            services.hand_over_case(actor=world.secretary, case=case, department=cw.dept)
        cases.append(case)
    return cases


def test_queue_tabs_and_counts(client, world, cw):
    make_cases(world, cw, 3)
    cw.raise_case(title="未分派")
    client.force_login(world.secretary)
    r = client.get(reverse("casework:queue"))
    assert r.status_code == 200
    assert r.context["which"] == "mine" and len(r.context["page"].rows) == 3
    counts = r.context["counts"]
    # the handed-over case got a new due date from today's hand-over
    assert counts["mine"] == 3 and counts["open"] == 4 and counts["overdue"] == 2
    r = client.get(reverse("casework:queue") + "?queue=overdue")
    assert [c.title for c in r.context["page"].rows] == ["问题0", "问题2"]
    r = client.get(reverse("casework:queue") + "?queue=due_soon")
    assert [c.title for c in r.context["page"].rows] == []


def test_queue_and_member_section_query_counts(client, world, cw, django_assert_max_num_queries):
    make_cases(world, cw, 4)
    for _ in range(3):
        services.log_visit(
            actor=world.secretary,
            organization=world.xixiang,
            date=datetime.date(2017, 5, 1),
            enterprises=[world.ent_x],
            experts=[cw.expert],
            kind="expert",
        )
    client.force_login(world.secretary)
    client.get(reverse("casework:queue"))  # warm the session

    def measure(url):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    urls = [
        reverse("casework:queue") + "?queue=all",
        reverse("casework:visits"),
        reverse("casework:member_section", args=[world.ent_x.pk]),
        reverse("casework:case", args=[Case.objects.first().pk]),
    ]
    before = {u: measure(u) for u in urls}
    make_cases(world, cw, 12)
    for _ in range(8):
        services.log_visit(
            actor=world.secretary,
            organization=world.xixiang,
            date=datetime.date(2017, 5, 2),
            enterprises=[world.ent_x],
            experts=[cw.expert],
            kind="expert",
        )
    for url in urls:  # more rows, the same queries: no N+1
        with django_assert_max_num_queries(before[url]):
            client.get(url)
        assert before[url] <= 20, (url, before[url])


def test_case_page_shows_timeline_and_legal_steps(client, world, cw):
    case = make_cases(world, cw, 2)[1]  # handed over
    client.force_login(world.secretary)
    r = client.get(reverse("casework:case", args=[case.pk]))
    body = r.content.decode()
    steps = [s for s, _l, _f in r.context["step_forms"]]
    # the likely next step first, then the others in the workflow's order
    assert steps == ["resolve", "assign", "return", "reject", "merge", "urge"]
    assert cw.dept.name in body and 'id="case-timeline"' in body
    client.force_login(world.leader)
    r = client.get(reverse("casework:case", args=[case.pk]))
    assert r.context["step_forms"] == []


def test_step_form_posts_through_the_service(client, world, cw):
    case = make_cases(world, cw, 1)[0]
    client.force_login(world.secretary)
    url = reverse("casework:case_step", args=[case.pk, "hand_over"])
    r = client.post(url, {"hand_over-department": cw.dept.pk, "hand_over-comment": "请办理"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.department == cw.dept and case.status == "in_progress"
    # an invalid step form comes back with the error next to the field
    r = client.post(reverse("casework:case_step", args=[case.pk, "resolve"]), {})
    assert r.status_code == 400 and r.context["open_step"] == "resolve"
    # an illegal step says why
    r = client.post(
        reverse("casework:case_step", args=[case.pk, "follow_up"]),
        {"follow_up-satisfaction": "satisfied", "follow_up-score": "5"},
    )
    assert r.status_code == 400
    assert "in progress" in r.content.decode()
    assert client.post(reverse("casework:case_step", args=[case.pk, "explode"])).status_code == 404


def test_visit_form_raises_cases(client, world, cw):
    second = EnterpriseFactory(name="西乡第二企业")
    MembershipFactory(organization=world.xixiang, enterprise=second)
    client.force_login(world.secretary)
    r = client.get(reverse("casework:visit_create") + f"?enterprise={world.ent_x.pk}")
    assert r.status_code == 200 and world.ent_x.name in r.content.decode()
    data = {
        "organization": world.xixiang.pk,
        "date": "2017-05-10",
        "kind": "routine",
        "enterprises": [world.ent_x.pk, second.pk],
        "purpose": "大走访",
        "cases-TOTAL_FORMS": "3",
        "cases-INITIAL_FORMS": "0",
        "cases-MIN_NUM_FORMS": "0",
        "cases-MAX_NUM_FORMS": "20",
        "cases-0-enterprise": second.pk,
        "cases-0-category": cw.financing.pk,
        "cases-0-title": "贷款难",
        "cases-0-priority": "2_high",
        "cases-1-enterprise": world.ent_x.pk,
        "cases-1-category": cw.policy.pk,
        "cases-1-title": "政策咨询",
        "cases-1-priority": "3_normal",
        "cases-2-enterprise": world.ent_x.pk,  # a removed row: no problem given
        "cases-2-title": "",
    }
    r = client.post(reverse("casework:visit_create"), data)
    assert r.status_code == 302, r.context and (
        r.context["form"].errors,
        r.context["formset"].errors,
    )
    visit = Visit.objects.get()
    assert set(visit.enterprises.all()) == {world.ent_x, second}
    assert sorted(visit.cases.values_list("title", flat=True)) == ["政策咨询", "贷款难"]
    assert visit.cases.get(title="贷款难").enterprise == second


def test_visit_form_errors_are_shown(client, world, cw):
    client.force_login(world.secretary)
    data = {
        "organization": world.xixiang.pk,
        "date": "2017-05-10",
        "kind": "expert",
        "enterprises": [world.ent_x.pk],
        "cases-TOTAL_FORMS": "1",
        "cases-INITIAL_FORMS": "0",
        "cases-0-enterprise": world.ent_x.pk,
        "cases-0-title": "没有分类",
    }
    r = client.post(reverse("casework:visit_create"), data)
    assert r.status_code == 200
    assert r.context["formset"].errors[0]["category"]
    assert not Visit.objects.exists()
    data["cases-0-category"] = cw.financing.pk
    r = client.post(reverse("casework:visit_create"), data)
    assert "An expert visit needs at least one expert." in r.content.decode()
    assert not Visit.objects.exists()


def test_case_form_for_the_hotline(client, world, cw):
    client.force_login(world.secretary)
    r = client.get(reverse("casework:case_create") + f"?enterprise={world.ent_x.pk}")
    assert r.status_code == 200
    r = client.post(
        reverse("casework:case_create"),
        {
            "organization": world.xixiang.pk,
            "enterprise": world.ent_x.pk,
            "source": "hotline",
            "received_on": "2017-05-10",
            "category": cw.financing.pk,
            "title": "热线反映融资难",
            "priority": "3_normal",
        },
    )
    case = Case.objects.get()
    assert r.status_code == 302 and case.source == "hotline"
    assert (
        client.get(reverse("casework:case_create") + f"?enterprise={world.ent_f.pk}").status_code
        == 404
    )


def test_member_page_loads_the_section(client, world, cw):
    cw.raise_case(title="会员页面上的问题")
    client.force_login(world.secretary)
    page = client.get(reverse("members:enterprise", args=[world.ent_x.pk])).content.decode()
    assert reverse("casework:member_section", args=[world.ent_x.pk]) in page
    section = client.get(reverse("casework:member_section", args=[world.ent_x.pk])).content.decode()
    assert "会员页面上的问题" in section and 'id="casework-section"' in section


def test_attachment_upload_page(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    visit = services.log_visit(
        actor=world.secretary,
        organization=world.xixiang,
        date=datetime.date(2017, 5, 10),
        enterprises=[world.ent_x],
    )
    client.force_login(world.secretary)
    url = reverse("casework:visit", args=[visit.pk])
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    r = client.post(
        url,
        {"files": [SimpleUploadedFile("a.png", png), SimpleUploadedFile("b.pdf", b"%PDF-1.5 x")]},
    )
    assert r.status_code == 302 and visit.attachments.count() == 2
    r = client.post(url, {"files": [SimpleUploadedFile("c.exe", b"MZ")]})
    assert r.status_code == 400 and "only photos" in r.content.decode()
    att = visit.attachments.first()
    r = client.get(reverse("casework:attachment", args=[att.pk]))
    assert r.status_code == 200 and b"".join(r.streaming_content) == png
    assert r["Content-Type"] == "image/png"


def test_figures_and_leaders_pages(client, world, cw):
    make_cases(world, cw, 2)
    client.force_login(world.staff)
    r = client.get(reverse("casework:figures") + "?org=d&start=2016-01-01&end=2016-12-31")
    assert r.status_code == 200 and r.context["data"]["cases"]["raised"] == 2
    assert 'id="fig-children"' in r.content.decode()
    r = client.get(reverse("casework:leaders") + "?org=d&start=2016-01-01&end=2016-12-31")
    assert r.status_code == 200
    r = client.get(reverse("casework:figures") + "?org=d&start=2016-12-31&end=2016-01-01")
    assert r.context["data"] is None
