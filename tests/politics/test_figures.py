"""Figures per organisation subtree and period: each person and proposal once."""

import pytest

from chamber.politics import figures, services
from chamber.politics.choices import Body, Level, ProposalKind
from tests.factories import EnterpriseFactory, MembershipFactory, PersonFactory

from .conftest import ELECTION, FILE, SUBMIT, D, advance, draft, member, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def moved(pol):
    """A member who moved from xixiang to fuyong on 1 July 2016, with a municipal CPPCC
    seat since 2015 and a district congress seat from the 2016 election."""
    ent = EnterpriseFactory(name="迁移科技有限公司", legal_representative="钱七")
    person = PersonFactory(name="钱七", enterprise=ent)
    MembershipFactory(
        organization=pol.w.xixiang,
        enterprise=ent,
        representative=person,
        joined=D(2015, 3, 1),
        left=D(2016, 7, 1),
    )
    MembershipFactory(
        organization=pol.w.fuyong, enterprise=ent, representative=person, joined=D(2016, 7, 1)
    )
    post(person, pol.w.fuyong, level=Level.MUNICIPAL, place="深圳市", term=6, start=D(2015, 1, 20))
    post(person, pol.w.fuyong, body=Body.NPC, term=6)
    return person


def test_posts_in_force_by_subtree(pol, moved):
    end_2016 = D(2016, 12, 31)
    district = figures.posts_in_force(pol.w.district, end_2016)
    assert district["people"] == 4 and district["posts"] == 5
    assert district["by_body"] == {Body.NPC: 2, Body.CPPCC: 3}
    assert district["by_level"][Level.DISTRICT] == 4
    assert district["by_level"][Level.MUNICIPAL] == 1
    assert district["by_body_level"][Body.CPPCC][Level.MUNICIPAL] == 1
    assert figures.posts_in_force(pol.w.xixiang, end_2016)["people"] == 2
    assert figures.posts_in_force(pol.w.fuyong, end_2016)["people"] == 2
    # A year earlier: the 4th-term seat and the municipal one.
    assert figures.posts_in_force(pol.w.district, D(2015, 12, 31))["people"] == 2
    assert figures.posts_in_force(pol.w.xixiang, D(2015, 12, 31))["people"] == 2


def test_elected_in_the_year_counts_each_person_once(pol, moved):
    start, end = D(2016, 1, 1), D(2016, 12, 31)
    district = figures.elected(pol.w.district, start, end)
    assert (district[Body.CPPCC], district[Body.NPC], district["total"]) == (2, 2, 4)
    xixiang = figures.elected(pol.w.xixiang, start, end)
    fuyong = figures.elected(pol.w.fuyong, start, end)
    # The mover was a xixiang member in 2016 and a fuyong one: in both streets, once above.
    assert (xixiang[Body.CPPCC], xixiang[Body.NPC]) == (2, 1)
    assert (fuyong[Body.CPPCC], fuyong[Body.NPC]) == (0, 2)
    assert figures.elected(pol.w.district, D(2015, 1, 1), D(2015, 12, 31))[Body.CPPCC] == 1
    assert figures.elected(pol.w.district, D(2017, 1, 1), D(2017, 12, 31))["total"] == 0


@pytest.fixture
def proposals(pol, moved):
    fz = member(pol.w.fuyong, "孙八", "福永模具有限公司")
    post(fz, pol.w.fuyong)
    motion = {"kind": ProposalKind.MOTION, "session_term": 6, "co_submitters": []}
    a = advance(pol, draft(pol, topics=["营商环境"]), "closed")
    b = advance(pol, draft(pol, lead=pol.co_x, co_submitters=[], topics=["交通"]), "submitted")
    services.decline_proposal(actor=None, proposal=b, on=FILE, reason="不属于政协职能")
    c = advance(pol, draft(pol, lead=pol.w.rep_f, topics=["营商环境"], **motion), "replied")
    services.evaluate_proposal(actor=None, proposal=c, on=D(2017, 5, 2), satisfaction="unsatisfied")
    d = advance(pol, draft(pol, topics=["人才住房"]), "assigned")
    e = advance(
        pol, draft(pol, lead=pol.w.rep_f, **{**motion, "co_submitters": [moved]}), "submitted"
    )
    f = advance(pol, draft(pol, lead=pol.co_x, co_submitters=[fz], topics=["人才住房"]), "filed")
    old = draft(pol, session_year=2016, session_term=4, co_submitters=[])
    services.submit_proposal(actor=None, proposal=old, on=D(2016, 3, 1))
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "old": old}


def test_proposal_figures(pol, proposals):
    y = (D(2017, 1, 1), D(2017, 12, 31))
    fig = figures.proposal_figures(pol.w.district, *y, as_of=D(2017, 6, 1))
    assert fig["submitted"] == 6
    assert fig["by_kind"] == {"proposal": 4, "motion": 2, "suggestion": 0}
    assert (fig["filed"], fig["not_filed"], fig["merged"]) == (4, 1, 0)
    assert fig["replied"] == 2 and fig["reply_rate"] == 0.5
    assert fig["grades"] == {"A": 2, "B": 0, "C": 0, "D": 0}
    assert fig["evaluated"] == 2
    assert fig["satisfaction"] == {"satisfied": 1, "basic": 0, "unsatisfied": 1}
    assert fig["satisfaction_rate"] == 0.5
    assert fig["overdue"] == 1  # d: assigned 1 Feb, due 1 May
    assert fig["closed"] == 1
    assert fig["by_topic"]["营商环境"] == 3 and fig["by_topic"]["人才住房"] == 2  # a c e; d f
    # Each street counts what its members submitted; f has submitters in both.
    assert figures.proposal_figures(pol.w.xixiang, *y)["submitted"] == 4  # a b d f
    assert figures.proposal_figures(pol.w.fuyong, *y)["submitted"] == 3  # c e f
    empty = figures.proposal_figures(pol.w.district, D(2015, 1, 1), D(2015, 12, 31))
    assert empty["submitted"] == 0 and empty["reply_rate"] is None
    assert empty["satisfaction_rate"] is None


def test_annual_block_for_the_report(pol, proposals):
    block = figures.annual(pol.w.district, 2016)
    assert block["posts_held"] == 5  # with 孙八, elected in 2016 too
    assert block["elected"][Body.NPC] == 2 and block["elected"][Body.CPPCC] == 3
    assert block["proposals"]["submitted"] == 1
    assert figures.annual(pol.w.district, 2017)["proposals"]["submitted"] == 6
    assert ELECTION.year == 2016 and SUBMIT.year == 2017
