"""Councils, terms, numbered meetings, quorum, resolutions, honours."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from chamber.activities import selectors, services
from chamber.activities.choices import CouncilKind, CouncilRole, HonorLevel
from chamber.activities.numerals import chinese, english_ordinal

from ..factories import PersonFactory
from .conftest import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def term(world):
    council = services.create_council(
        actor=world.staff,
        organization=world.district,
        kind=CouncilKind.EXECUTIVE,
        name="执行委员会",
        short_name="执委会",
        name_en="Executive Committee",
    )
    services.create_term(
        actor=world.staff,
        council=council,
        number=3,
        starts=datetime.date(2007, 12, 1),
        ends=datetime.date(2012, 12, 1),
    )
    return services.create_term(
        actor=world.staff, council=council, starts=datetime.date(2012, 12, 20)
    )


@pytest.fixture
def seats(world, term):
    people = [world.rep_x, world.rep_f] + [
        make_member(world.xixiang, f"执委企业{i}有限公司", f"执委{i}")[1] for i in range(4)
    ]
    return [
        services.add_term_member(
            actor=world.staff,
            term=term,
            person=p,
            role=CouncilRole.CHAIR if i == 0 else CouncilRole.MEMBER,
        )
        for i, p in enumerate(people)
    ]


@pytest.mark.parametrize(
    ("n", "zh", "en"),
    [
        (1, "一", "1st"),
        (4, "四", "4th"),
        (5, "五", "5th"),
        (10, "十", "10th"),
        (11, "十一", "11th"),
        (12, "十二", "12th"),
        (20, "二十", "20th"),
        (22, "二十二", "22nd"),
        (105, "一百零五", "105th"),
    ],
)
def test_numerals(n, zh, en):
    assert chinese(n) == zh and english_ordinal(n) == en


def test_terms_and_meetings_are_numbered_in_turn(world, term, seats):
    assert term.number == 4
    dates = [datetime.date(y, 3, 20) for y in (2013, 2014, 2015, 2016, 2017)]
    meetings = [services.create_meeting(actor=world.staff, term=term, date=d) for d in dates]
    assert [m.number for m in meetings] == [1, 2, 3, 4, 5]
    with translation.override("zh-hans"):
        assert meetings[4].name == "第四届执委会第五次会议"
        assert term.name == "第四届执行委员会"
    with translation.override("en"):
        assert meetings[4].name == "5th meeting of the 4th Executive Committee"
    with pytest.raises(ValidationError) as e:
        services.create_meeting(actor=world.staff, term=term, date=dates[0], number=5)
    assert "number" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        services.create_meeting(actor=world.staff, term=term, date=datetime.date(2011, 1, 1))
    assert "date" in e.value.message_dict


def test_quorum_is_two_thirds_of_the_seats(world, term, seats):
    meeting = services.create_meeting(actor=world.staff, term=term, date=datetime.date(2017, 3, 20))
    services.set_attendance(actor=world.staff, meeting=meeting, members=seats[:3])
    q = selectors.quorum(meeting)
    assert q == {"seats": 6, "required": 4, "present": 3, "met": False}
    services.set_attendance(actor=world.staff, meeting=meeting, members=seats[:4])
    assert selectors.quorum(meeting)["met"] is True
    # a member who left before the meeting no longer counts as a seat
    services.end_term_member(actor=world.staff, seat=seats[5], until=datetime.date(2016, 1, 1))
    assert selectors.quorum(meeting)["seats"] == 5
    with pytest.raises(ValidationError) as e:
        services.set_attendance(actor=world.staff, meeting=meeting, members=[seats[5]])
    assert "members" in e.value.message_dict


def test_attendance_only_from_the_terms_members(world, term, seats):
    other = services.create_council(
        actor=world.secretary,
        organization=world.xixiang,
        kind=CouncilKind.COUNCIL,
        name="理事会",
        short_name="理事会",
    )
    other_term = services.create_term(
        actor=world.secretary, council=other, starts=datetime.date(2014, 1, 1)
    )
    stranger = services.add_term_member(actor=world.secretary, term=other_term, person=world.rep_x)
    meeting = services.create_meeting(actor=world.staff, term=term, date=datetime.date(2017, 3, 20))
    with pytest.raises(ValidationError, match="do not sit on this term"):
        services.set_attendance(actor=world.staff, meeting=meeting, members=[stranger])


def test_resolutions_votes_cannot_exceed_attendance(world, term, seats):
    meeting = services.create_meeting(actor=world.staff, term=term, date=datetime.date(2017, 3, 20))
    services.set_attendance(actor=world.staff, meeting=meeting, members=seats[:4])
    r1 = services.add_resolution(
        actor=world.staff,
        meeting=meeting,
        text="审议通过2016年工作报告",
        votes_for=4,
        votes_against=0,
        abstentions=0,
    )
    r2 = services.add_resolution(actor=world.staff, meeting=meeting, text="审议通过2017年工作要点")
    assert (r1.number, r2.number) == (1, 2)
    with pytest.raises(ValidationError, match="only 4 members attended"):
        services.add_resolution(actor=world.staff, meeting=meeting, text="x", votes_for=5)
    with pytest.raises(ValidationError):
        services.add_resolution(actor=world.staff, meeting=meeting, text=" ")


def test_minutes_are_attached(world, term, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    meeting = services.create_meeting(actor=world.staff, term=term, date=datetime.date(2017, 3, 20))
    services.attach_minutes(
        actor=world.staff, meeting=meeting, file=SimpleUploadedFile("纪要.docx", b"minutes")
    )
    meeting.refresh_from_db()
    assert meeting.minutes.read() == b"minutes"


def test_council_rules(world, term):
    with pytest.raises(ValidationError) as e:
        services.create_council(
            actor=world.staff,
            organization=world.district,
            kind=CouncilKind.EXECUTIVE,
            name="执行委员会",
            short_name="执委会",
        )
    assert "kind" in e.value.message_dict
    with pytest.raises(PermissionDenied):
        services.create_meeting(actor=world.secretary, term=term, date=datetime.date(2017, 1, 1))
    with pytest.raises(ValidationError) as e:
        services.create_council(
            actor=world.secretary,
            organization=world.xixiang,
            kind=CouncilKind.STANDING,
            name="常委会",
            short_name="",
            quorum_numerator=4,
            quorum_denominator=3,
        )
    assert {"short_name", "quorum_numerator"} <= set(e.value.message_dict)
    services.add_term_member(actor=world.staff, term=term, person=world.rep_x)
    with pytest.raises(ValidationError):
        services.add_term_member(actor=world.staff, term=term, person=world.rep_x)


def test_a_seat_needs_a_person_in_the_register(world, term):
    stranger = PersonFactory(name="路人")
    with pytest.raises(ValidationError) as e:
        services.add_term_member(actor=world.staff, term=term, person=stranger)
    assert "person" in e.value.message_dict


def test_honours(world):
    h = services.award_honor(
        actor=world.secretary,
        organization=world.xixiang,
        title="“双强”基层组织示范点",
        level=HonorLevel.MUNICIPAL,
        awarding_body="深圳市工商联",
        year=2016,
    )
    assert h.recipient == world.xixiang
    with pytest.raises(ValidationError, match="already"):
        services.award_honor(
            actor=world.secretary,
            organization=world.xixiang,
            title="“双强”基层组织示范点",
            level=HonorLevel.MUNICIPAL,
            awarding_body="深圳市工商联",
            year=2016,
        )
    with pytest.raises(ValidationError) as e:
        services.award_honor(
            actor=world.secretary,
            organization=world.xixiang,
            title="",
            level="galactic",
            awarding_body="",
            year=2999,
            enterprise=world.ent_x,
            person=world.rep_x,
        )
    assert {"title", "level", "awarding_body", "year", "person"} <= set(e.value.message_dict)
    with pytest.raises(PermissionDenied):
        services.award_honor(
            actor=world.secretary,
            organization=world.fuyong,
            title="x",
            level=HonorLevel.DISTRICT,
            awarding_body="y",
            year=2016,
        )
    member = services.award_honor(
        actor=world.secretary,
        organization=world.xixiang,
        enterprise=world.ent_x,
        title="广东省优秀民营企业",
        level=HonorLevel.PROVINCIAL,
        awarding_body="广东省工商联",
        year=2016,
    )
    assert member.recipient_name == world.ent_x.name
    services.withdraw_honor(actor=world.secretary, honor=member, reason="录错")
    assert not type(member).objects.filter(pk=member.pk).exists()
