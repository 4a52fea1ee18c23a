"""Demo council and honours: the district's fourth executive committee (执委会) with its
five numbered meetings, the fifth on 2017-03-20 reviewing 2016 as the seed reports;
each old street chamber's council (理事会); and the honours the seed lists (2016
national 五好 to the district, 双强 sites, provincial 优秀商会示范点) plus some to
members."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from chamber.activities.choices import CouncilKind, CouncilRole, HonorLevel
from chamber.activities.models import (
    Council,
    Honor,
    Meeting,
    MeetingAttendance,
    Resolution,
    Term,
    TermMember,
)
from chamber.members.choices import Rank

from .timeline import numeral

if TYPE_CHECKING:
    from .activities import Builder

YEARS = (2014, 2015, 2016, 2017)
OLD_STREETS = ["xinan", "xixiang", "fuyong", "shajing", "songgang", "shiyan"]


# --- council -------------------------------------------------------------------------


def build_council(b: Builder) -> None:
    rng = b.rng
    root, s = b.root, b.streets
    exec_committee = Council.objects.create(
        organization=root,
        kind=CouncilKind.EXECUTIVE,
        name="执行委员会（理事会）",
        short_name="执委会",
        name_en="Executive Committee",
    )
    term = Term.objects.create(
        council=exec_committee,
        number=4,
        starts=datetime.date(2012, 12, 20),
        ends=datetime.date(2017, 12, 19),
    )
    # the register's leading members from its first year sit on the committee (the
    # demo register starts in 2013, so their seats are not dated: the whole term)
    leaders, seen = [], set()
    for m in sorted(b.members, key=lambda m: (m.rank, m.joined, m.enterprise_id)):
        if m.person_id and m.rank != Rank.MEMBER and m.person_id not in seen:
            seen.add(m.person_id)
            leaders.append(m)
    leaders = leaders[:45]
    roles = [CouncilRole.CHAIR] + [CouncilRole.VICE_CHAIR] * 8 + [CouncilRole.STANDING_MEMBER] * 14
    seats = [
        TermMember(
            term=term,
            person_id=m.person_id,
            enterprise_id=m.enterprise_id,
            role=roles[i] if i < len(roles) else CouncilRole.MEMBER,
            since=term.starts,
        )
        for i, m in enumerate(leaders)
    ]
    TermMember.objects.bulk_create(seats)
    agenda = {
        1: ["选举产生第四届执委会主席、副主席", "审议通过《章程》修正案"],
        5: [
            "总结四届执委会（理事会）2016年工作",
            "审议2017年工作要点",
            "通报2016年度全国“五好”县级工商联评选结果",
        ],
    }
    dates = [
        datetime.date(2012, 12, 20),
        datetime.date(2014, 2, 21),
        datetime.date(2015, 3, 13),
        datetime.date(2016, 3, 18),
        datetime.date(2017, 3, 20),
    ]
    _meetings(b, term, dates, agenda, seats)
    # each old street chamber's council (理事会), second term from 2014
    for code in OLD_STREETS:
        council = Council.objects.create(
            organization=s[code],
            kind=CouncilKind.COUNCIL,
            name="理事会",
            short_name="理事会",
            name_en="Council",
            quorum_numerator=1,
            quorum_denominator=2,
        )
        t = Term.objects.create(council=council, number=2, starts=datetime.date(2014, 1, 10))
        local = [
            m for m in b.members if m.org_id == s[code].pk and m.person_id and m.rank != Rank.MEMBER
        ]
        local = sorted(local, key=lambda m: (m.rank, m.enterprise_id))[:15]
        street_seats = [
            TermMember(
                term=t,
                person_id=m.person_id,
                enterprise_id=m.enterprise_id,
                role=CouncilRole.CHAIR
                if i == 0
                else CouncilRole.VICE_CHAIR
                if i < 4
                else CouncilRole.MEMBER,
                since=t.starts,
            )
            for i, m in enumerate(local)
        ]
        TermMember.objects.bulk_create(street_seats)
        _meetings(
            b,
            t,
            [datetime.date(y, rng.randint(1, 3), rng.randint(5, 25)) for y in YEARS],
            {},
            street_seats,
        )


def _meetings(b: Builder, term: Term, dates, agenda, seats, first: int = 1) -> None:
    rng = b.rng
    rows = []
    for n, day in enumerate(dates, start=first):
        items = agenda.get(n) or [
            f"总结{day.year - 1}年工作",
            f"审议{day.year}年工作要点",
            "审议财务工作报告",
        ]
        rows.append(
            Meeting(
                term=term,
                number=n,
                date=day,
                place="宝安区工商联会议室",
                agenda="\n".join(items),
            )
        )
    Meeting.objects.bulk_create(rows)
    present, resolutions = [], []
    for meeting in rows:
        attending = [seat for seat in seats if rng.random() < 0.86]
        present += [MeetingAttendance(meeting=meeting, member=seat) for seat in attending]
        for i, item in enumerate(meeting.agenda_items, start=1):
            text = item if item.startswith(("审议", "选举")) else f"审议通过：{item}"
            resolutions.append(
                Resolution(
                    meeting=meeting,
                    number=i,
                    text=text,
                    adopted=True,
                    votes_for=len(attending),
                    votes_against=0,
                    abstentions=0,
                )
            )
    MeetingAttendance.objects.bulk_create(present)
    Resolution.objects.bulk_create(resolutions)


def build_council_later(b: Builder) -> None:
    """The executive committee's terms after the fourth (five years each, the one in
    force on the load date included) and the old streets' councils' later terms, with
    their members, chosen among the leading members in office when the term begins, and
    a meeting a year up to the load date."""
    rng, demo = b.rng, b.demo
    root, s = b.root, b.streets
    exec_committee = Council.objects.get(organization=root, kind=CouncilKind.EXECUTIVE)
    first = Term.objects.get(council=exec_committee, number=4)
    for offset, starts in demo.terms(first.starts)[1:]:
        number = first.number + offset
        term = Term.objects.create(
            council=exec_committee,
            number=number,
            starts=starts,
            ends=demo.term_end(starts),
        )
        roles = (
            [CouncilRole.CHAIR] + [CouncilRole.VICE_CHAIR] * 8 + [CouncilRole.STANDING_MEMBER] * 14
        )
        seats = _seats(term, _leading(b.members, starts, 45), roles)
        agenda = {1: [f"选举产生第{numeral(number)}届执委会主席、副主席", "审议通过工作报告"]}
        dates = [starts] + [
            d
            for year in demo.later_years
            if starts.year < year
            and (d := datetime.date(year, 3, rng.randint(10, 25))) <= demo.today
            and (term.ends is None or d <= term.ends)
        ]
        _meetings(b, term, dates, agenda, seats)
    for code in OLD_STREETS:
        council = Council.objects.get(organization=s[code], kind=CouncilKind.COUNCIL)
        term = Term.objects.get(council=council, number=2)
        meetings = term.meetings.count()
        seats = list(term.members.all())
        terms = demo.terms(term.starts)
        for year in demo.later_years:
            day = datetime.date(year, rng.randint(1, 3), rng.randint(5, 25))
            offset, starts = max(t for t in terms if t[1] <= day)
            if 2 + offset > term.number:
                # a new term: the council is elected anew among the street's leading members
                term.ends = starts - datetime.timedelta(days=1)
                term.save(update_fields=["ends"])
                term = Term.objects.create(council=council, number=2 + offset, starts=starts)
                local = [m for m in b.members if m.org_id == s[code].pk]
                roles = [CouncilRole.CHAIR] + [CouncilRole.VICE_CHAIR] * 3
                seats = _seats(term, _leading(local, term.starts, 15), roles)
                meetings = 0
            if day > demo.today:
                break
            _meetings(b, term, [day], {}, seats, first=meetings + 1)
            meetings += 1


def _leading(members: list, day: datetime.date, n: int) -> list:
    """The first `n` people among members in office on `day`, council ranks first."""
    out, seen = [], set()
    for m in sorted(members, key=lambda m: (m.rank, m.joined, m.enterprise_id)):
        if m.person_id and m.active(day) and m.person_id not in seen:
            seen.add(m.person_id)
            out.append(m)
    return out[:n]


def _seats(term: Term, leaders: list, roles: list[str]) -> list[TermMember]:
    seats = [
        TermMember(
            term=term,
            person_id=m.person_id,
            enterprise_id=m.enterprise_id,
            role=roles[i] if i < len(roles) else CouncilRole.MEMBER,
            since=term.starts,
        )
        for i, m in enumerate(leaders)
    ]
    TermMember.objects.bulk_create(seats)
    return seats


# --- honours --------------------------------------------------------------------------


def build_honors(b: Builder) -> None:
    rng = b.rng
    root, s = b.root, b.streets
    rows = [] if b.later else _seed_honours(root, s)
    members = [m for m in b.members if m.rank in (Rank.PRESIDENT, Rank.VICE_PRESIDENT)]
    titles = [
        ("广东省优秀民营企业", HonorLevel.PROVINCIAL, "广东省工商联"),
        ("深圳市光彩事业贡献奖", HonorLevel.MUNICIPAL, "深圳市光彩事业促进会"),
        ("宝安区慈善之星", HonorLevel.DISTRICT, "宝安区慈善会"),
        ("深圳市守合同重信用企业", HonorLevel.MUNICIPAL, "深圳市市场监督管理局"),
    ]
    for year in b.years:
        if year == b.demo.today.year:
            continue  # a year's honours are announced after it ends
        for m in rng.sample(members, min(len(members), 4)):
            title, level, body = rng.choice(titles)
            if not m.active(datetime.date(year, 12, 31)):
                continue
            org_id = m.org_id
            rows.append(
                Honor(
                    organization_id=org_id,
                    enterprise_id=m.enterprise_id,
                    title=title,
                    level=level,
                    awarding_body=body,
                    year=year,
                )
            )
    Honor.objects.bulk_create(rows)
    b.counts["honors"] = len(rows)


def _seed_honours(root, s) -> list[Honor]:
    """The organisations' honours the seed lists."""
    rows = [
        Honor(
            organization=root,
            title="全国“五好”县级工商联",
            level=HonorLevel.NATIONAL,
            awarding_body="全国工商联",
            year=2016,
            note="再次获评",
        ),
        Honor(
            organization=root,
            title="全国“五好”县级工商联",
            level=HonorLevel.NATIONAL,
            awarding_body="全国工商联",
            year=2014,
        ),
        Honor(
            organization=s["xixiang"],
            title="“双强”基层组织示范点",
            level=HonorLevel.MUNICIPAL,
            awarding_body="深圳市工商联",
            year=2015,
        ),
    ]
    for code in ("shajing", "songgang"):
        rows.append(
            Honor(
                organization=s[code],
                title="“双强”组织示范点",
                level=HonorLevel.MUNICIPAL,
                awarding_body="深圳市工商联",
                year=2016,
            )
        )
    for code in ("xinan", "fuyong"):
        rows.append(
            Honor(
                organization=s[code],
                title="优秀商会示范点",
                level=HonorLevel.PROVINCIAL,
                awarding_body="广东省工商联",
                year=2016,
            )
        )
    return rows
