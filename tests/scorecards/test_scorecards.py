"""Scorecards: the shipped schemes, computed indicators from the report's figures,
manual scores with evidence, the .docx, pages and API under the scope rule."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from chamber.core.models import AuditEntry
from chamber.party import services as party_services
from chamber.party.models import PartyOrgKind
from chamber.scorecards import services
from chamber.scorecards.models import Assessment, Indicator, Method, Scheme
from chamber.scorecards.registry import FIGURES
from tests.factories import EnterpriseFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_shipped_schemes_have_their_published_dimensions():
    dims = {s.code: [d.name for d in s.dimensions.all()] for s in Scheme.objects.all()}
    assert dims["wuhao-county"] == [
        "政治引领好",
        "队伍建设好",
        "商会发展好",
        "作用发挥好",
        "工作保障好",
    ]
    assert dims["sihao-chamber"] == ["政治引领好", "队伍建设好", "服务发展好", "自律规范好"]
    assert dims["shuangqiang"] == ["党建强", "发展强"]
    for scheme in Scheme.objects.all():
        total = sum(i.weight for i in Indicator.objects.filter(dimension__scheme=scheme))
        assert total == 100, scheme.code
    computed = Indicator.objects.filter(method=Method.COMPUTED)
    assert computed.exists() and all(i.figure in FIGURES for i in computed)
    assert all(i.threshold_is_default for i in computed)


@pytest.fixture
def sq(world):
    """双强 for xixiang 2017: 4 member enterprises joined 2015 (growth 0), 2 with a branch."""
    w = world
    extra = [EnterpriseFactory() for _ in range(3)]
    for e in extra:
        MembershipFactory(organization=w.xixiang, enterprise=e)
    for e in (w.ent_x, extra[0]):
        party_services.save_party_organization(
            actor=None,
            organization=w.xixiang,
            enterprises=[e],
            name=f"{e.name}党支部",
            kind=PartyOrgKind.BRANCH,
            founded=datetime.date(2016, 1, 1),
            members_count=3,
        )
    w.scheme = Scheme.objects.get(code="shuangqiang")
    w.a = services.start_assessment(
        actor=w.secretary, scheme=w.scheme, organization=w.xixiang, year=2017
    )
    return w


def _line(card, figure):
    return next(
        line
        for _d, lines, _s in card.dimensions
        for line in lines
        if line.indicator.figure == figure
    )


def test_computed_indicators_meet_their_thresholds(sq):
    card = services.scorecard(sq.a)
    cov = _line(card, "party.organization_coverage")
    assert cov.value == 0.5 and cov.met is True and cov.score == Decimal(25)
    work = _line(card, "party.work_coverage")
    assert work.value == 0.5 and work.met is False and work.score == 0
    growth = _line(card, "members.growth_rate")
    assert growth.value == 0.0 and growth.met is False
    # resolution rate is null without cases: not met, no score
    assert _line(card, "cases.resolution_rate").met is None
    assert card.total == Decimal(25) and card.maximum == 100 and card.unscored == 2


def test_manual_score_with_evidence_is_validated_and_audited(sq):
    w = sq
    ind = Indicator.objects.get(dimension__scheme=w.scheme, name="商会党组织活动开展情况")
    with pytest.raises(ValidationError) as e:
        services.score_indicator(actor=w.secretary, assessment=w.a, indicator=ind, score="11")
    assert "score" in e.value.message_dict
    computed = Indicator.objects.filter(dimension__scheme=w.scheme, method=Method.COMPUTED)[0]
    with pytest.raises(ValidationError):
        services.score_indicator(actor=w.secretary, assessment=w.a, indicator=computed, score=1)
    with pytest.raises(PermissionDenied):
        services.score_indicator(actor=w.other_secretary, assessment=w.a, indicator=ind, score=1)
    f = SimpleUploadedFile("活动记录.pdf", b"%PDF-1.4 test")
    services.score_indicator(
        actor=w.secretary, assessment=w.a, indicator=ind, score="8.5", note="全年6次", files=[f]
    )
    card = services.scorecard(w.a)
    assert card.total == Decimal("33.5") and card.unscored == 1
    entries = AuditEntry.objects.filter(object_type__model="assessment", object_id=w.a.pk)
    assert entries.count() == 2
    assert entries.latest("id").changes["evidence"] == ["活动记录.pdf"]


def test_one_assessment_per_scheme_org_year(sq):
    with pytest.raises(ValidationError):
        services.start_assessment(
            actor=sq.secretary, scheme=sq.scheme, organization=sq.xixiang, year=2017
        )
    with pytest.raises(ValidationError):
        services.start_assessment(
            actor=sq.secretary, scheme=sq.scheme, organization=sq.xixiang, year=1999
        )
    assert Assessment.objects.count() == 1


def test_pages_drill_down_score_and_docx(client, sq):
    w = sq
    client.force_login(w.secretary)
    page = client.get(reverse("scorecards:assessment", args=[w.a.pk])).content.decode()
    drill = reverse("reports:records", args=["d.xixiang", "party", "with_organization"])
    assert f"{drill}?year=2017" in page and "50.0%" in page
    ind = Indicator.objects.get(dimension__scheme=w.scheme, name="服务会员发展成效")
    url = reverse("scorecards:score", args=[w.a.pk, ind.pk])
    p = f"i{ind.pk}-"
    refused = client.post(url, {p + "score": "99"})
    assert refused.status_code == 400 and 'value="99"' in refused.content.decode()
    r = client.post(
        url,
        {
            p + "score": "12",
            p + "note": "x",
            p + "files": [SimpleUploadedFile("a.txt", b"evidence")],
        },
    )
    assert r.status_code == 302
    r = client.get(reverse("scorecards:docx", args=[w.a.pk]))
    doc = Document(io.BytesIO(r.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "西乡街道商会2017年度“双强”商会自评报告" in text and "自评总分：37分" in text
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "50.0%" in cells and "≥50%（默认值）" in cells
    # another street: 404 everywhere
    client.force_login(w.other_secretary)
    for name, args in [
        ("scorecards:assessment", [w.a.pk]),
        ("scorecards:docx", [w.a.pk]),
        ("scorecards:score", [w.a.pk, ind.pk]),
    ]:
        fn = client.post if name == "scorecards:score" else client.get
        assert fn(reverse(name, args=args)).status_code == 404
    assert "双强" not in client.get(reverse("scorecards:list")).content.decode().split("<table")[1]


def test_api(client, sq):
    w = sq
    url = reverse("scorecard-list")
    client.force_login(w.other_secretary)
    assert client.get(url).json()["count"] == 0
    assert client.get(f"{url}{w.a.pk}/").status_code == 404
    r = client.post(
        url,
        {"scheme": "sihao-chamber", "organization": "d.xixiang", "year": 2017},
        content_type="application/json",
    )
    assert r.status_code == 400  # not an organisation it may change
    client.force_login(w.secretary)
    body = client.get(f"{url}{w.a.pk}/").json()
    assert body["scorecard"]["total"] == "25.00"
    assert body["scorecard"]["dimensions"][0]["indicators"][0]["value"] == 0.5
    r = client.post(
        url,
        {"scheme": "sihao-chamber", "organization": "d.xixiang", "year": 2017},
        content_type="application/json",
    )
    assert r.status_code == 201
    r = client.post(
        url,
        {"scheme": "sihao-chamber", "organization": "d.xixiang", "year": 2017},
        content_type="application/json",
    )
    assert r.status_code == 400 and "year" in r.json()
