"""Recording, changing and ending posts through the services."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from chamber.core.models import AuditEntry
from chamber.politics import services
from chamber.politics.choices import Body, Level, PostRole
from chamber.politics.models import PoliticalPost

from .conftest import ELECTION, D, post

pytestmark = pytest.mark.django_db


def record(pol, actor=None, **kw):
    fields = {
        "person": pol.nopost_x,
        "organization": pol.w.xixiang,
        "body": Body.CPPCC,
        "level": Level.MUNICIPAL,
        "place": "深圳市",
        "term": 6,
        "role": PostRole.MEMBER,
        "start": D(2015, 1, 20),
        "sector": "经济界",
    }
    fields.update(kw)
    return services.record_post(actor=actor, **fields)


def test_secretary_records_a_post_for_own_member(pol):
    p = record(pol, actor=pol.w.secretary)
    assert p.is_in_force(D(2016, 12, 31)) and not p.is_in_force(D(2015, 1, 19))
    assert p.body_label == "深圳市 CPPCC, term 6"
    with translation.override("zh-hans"):
        assert p.body_label.startswith("深圳市") and p.body_label.endswith("第六届")
    entry = AuditEntry.objects.get(object_id=p.pk, object_type__model="politicalpost")
    assert entry.actor == pol.w.secretary and entry.organization_id == pol.w.xixiang.pk
    # The trail belongs to the person's enterprise, so its member page shows it.
    assert entry.subject_id == pol.nopost_x.enterprise_id
    assert entry.changes["place"] == "深圳市"


def test_rights_to_record(pol):
    with pytest.raises(PermissionDenied):
        record(pol, actor=pol.w.other_secretary, organization=pol.w.fuyong)  # not their member
    with pytest.raises(PermissionDenied):
        record(pol, actor=pol.w.secretary, organization=pol.w.fuyong)  # not their chamber
    with pytest.raises(PermissionDenied):
        record(pol, actor=pol.w.leader, organization=pol.w.district)  # read-only
    assert record(pol, actor=pol.w.staff, organization=pol.w.district).pk


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"role": PostRole.DEPUTY}, "role"),  # a CPPCC has members, not deputies
        ({"body": Body.NPC, "role": PostRole.MEMBER}, "role"),
        ({"end": D(2015, 1, 20)}, "end"),
        ({"end": D(2014, 1, 1)}, "end"),
        ({"term": 0}, "term"),
        ({"term": 100}, "term"),
        ({"place": ""}, "place"),
        ({"level": "galactic"}, "level"),
        ({"body": "senate"}, "body"),
    ],
)
def test_invalid_posts_are_refused_by_field(pol, fields, field):
    with pytest.raises(ValidationError) as e:
        record(pol, **fields)
    assert field in e.value.message_dict
    assert not PoliticalPost.objects.filter(person=pol.nopost_x).exists()


def test_the_same_seat_twice_is_refused(pol):
    record(pol)
    with pytest.raises(ValidationError) as e:
        record(pol, start=D(2016, 3, 1), role=PostRole.STANDING_MEMBER)
    assert "赵六" in e.value.message_dict["term"][0]
    # Another body, or the same body's next term, is fine.
    record(pol, body=Body.NPC, role=PostRole.DEPUTY)
    record(pol, term=7, start=D(2020, 1, 1))


def test_national_posts_have_no_place(pol):
    p = record(pol, level=Level.NATIONAL, place="北京", term=12, start=D(2013, 3, 3))
    assert p.place == ""


def test_end_and_update_post(pol):
    p = record(pol)
    services.end_post(actor=pol.w.secretary, post=p, end=D(2017, 5, 1), note="辞去委员职务")
    p.refresh_from_db()
    assert p.end == D(2017, 5, 1) and p.note == "辞去委员职务"
    assert not p.is_in_force(D(2017, 5, 1)) and p.is_in_force(D(2017, 4, 30))
    with pytest.raises(ValidationError) as e:
        services.end_post(actor=pol.w.secretary, post=p, end=D(2017, 6, 1))
    assert "2017-05-01" in e.value.message_dict["end"][0]
    services.update_post(actor=pol.w.staff, post=p, role=PostRole.STANDING_MEMBER)
    p.refresh_from_db()
    assert p.role == PostRole.STANDING_MEMBER
    with pytest.raises(ValidationError):
        services.update_post(actor=pol.w.staff, post=p, person=pol.co_x)
    with pytest.raises(PermissionDenied):
        services.update_post(actor=pol.w.other_secretary, post=p, note="x")
    changes = AuditEntry.objects.filter(object_id=p.pk, object_type__model="politicalpost")
    assert changes.count() == 3


def test_in_force_queryset(pol):
    on = D(2016, 12, 31)
    held = set(PoliticalPost.objects.in_force(on).values_list("person__name", flat=True))
    assert held == {"任正非", "李四", "王五"}
    # The 4th-term seat ended the day the 5th term began.
    assert not pol.posts.rep_x_old.is_in_force(ELECTION)
    assert pol.posts.rep_x_old.is_in_force(ELECTION.replace(day=27))


def test_chinese_numerals_for_terms():
    from chamber.politics.models import zh_number

    assert [zh_number(n) for n in (1, 5, 10, 11, 13, 20, 21, 99)] == [
        "一",
        "五",
        "十",
        "十一",
        "十三",
        "二十",
        "二十一",
        "九十九",
    ]


def test_helper_records_posts(pol):
    p = post(pol.nopost_x, pol.w.xixiang, body=Body.NPC, term=6)
    assert p.role == PostRole.DEPUTY
