"""The politics test world: on top of `world`, handling units, a second xixiang member,
a xixiang member without any post, and posts in the district CPPCC and congress."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.utils import translation

from chamber.politics import services
from chamber.politics.choices import Body, Level, PostRole, ProposalKind
from chamber.politics.models import HandlingUnit
from tests.factories import EnterpriseFactory, MembershipFactory, PersonFactory

ELECTION = datetime.date(2016, 11, 28)  # the 5th district CPPCC and 6th congress begin


def member(org, name: str, ent_name: str):
    ent = EnterpriseFactory(name=ent_name, legal_representative=name)
    person = PersonFactory(name=name, enterprise=ent)
    MembershipFactory(organization=org, enterprise=ent, representative=person)
    return person


def post(person, org, *, body=Body.CPPCC, term=5, start=ELECTION, level=Level.DISTRICT, **kw):
    role = kw.pop("role", PostRole.MEMBER if body == Body.CPPCC else PostRole.DEPUTY)
    return services.record_post(
        actor=None,
        person=person,
        organization=org,
        body=body,
        level=level,
        place=kw.pop("place", "宝安区" if level != Level.NATIONAL else ""),
        term=term,
        role=role,
        start=start,
        sector=kw.pop("sector", "工商联界"),
        **kw,
    )


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English (the msgids), whatever the default language."""
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    """Pages and the API answer in English here (the default language is zh-hans)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def pol(world):
    units = {
        name: HandlingUnit.objects.create(name=name, short_name=short, level=Level.DISTRICT)
        for name, short in [
            ("宝安区发展和改革局", "区发改局"),
            ("宝安区人力资源局", "区人社局"),
            ("宝安区经济促进局", "区经促局"),
        ]
    }
    co_x = member(world.xixiang, "李四", "西乡电子有限公司")
    nopost_x = member(world.xixiang, "赵六", "西乡五金有限公司")
    posts = SimpleNamespace(
        rep_x_old=post(
            world.rep_x, world.xixiang, term=4, start=datetime.date(2011, 12, 1), end=ELECTION
        ),
        rep_x=post(world.rep_x, world.xixiang),
        co_x=post(co_x, world.xixiang),
        rep_f=post(world.rep_f, world.fuyong, body=Body.NPC, term=6),
    )
    return SimpleNamespace(
        w=world,
        fgw=units["宝安区发展和改革局"],
        rsj=units["宝安区人力资源局"],
        jcj=units["宝安区经济促进局"],
        co_x=co_x,
        nopost_x=nopost_x,
        posts=posts,
    )


def draft(pol, actor=None, **kw):
    """A district CPPCC proposal of rep_x with co_x, recorded by the district."""
    fields = {
        "organization": pol.w.district,
        "kind": ProposalKind.PROPOSAL,
        "level": Level.DISTRICT,
        "place": "宝安区",
        "session_year": 2017,
        "session_term": 5,
        "session_sitting": 2,
        "title": "关于优化企业服务机制的提案",
        "text": "建议设立企业服务专员。",
        "lead": pol.w.rep_x,
        "co_submitters": [pol.co_x],
        "topics": ["企业服务", "营商环境"],
    }
    fields.update(kw)
    return services.create_proposal(actor=actor, **fields)


D = datetime.date

# One date for each step of the standard path (a reply due three months after 1 Feb).
SUBMIT, FILE, ASSIGN, SIGN, REPLY, EVALUATE, CLOSE = (
    D(2017, 1, 10),
    D(2017, 1, 20),
    D(2017, 2, 1),
    D(2017, 2, 5),
    D(2017, 4, 20),
    D(2017, 6, 20),
    D(2017, 6, 30),
)


def advance(pol, proposal, to: str, actor=None):
    """Take `proposal` along the standard path until it reaches status `to`."""
    path = [
        ("submitted", lambda: services.submit_proposal(actor=actor, proposal=proposal, on=SUBMIT)),
        (
            "filed",
            lambda: services.file_proposal(
                actor=actor, proposal=proposal, on=FILE, file_number="2017-001"
            ),
        ),
        (
            "assigned",
            lambda: services.assign_proposal(
                actor=actor, proposal=proposal, on=ASSIGN, lead_unit=pol.fgw, co_handlers=[pol.rsj]
            ),
        ),
        ("signed", lambda: services.sign_proposal(actor=actor, proposal=proposal, on=SIGN)),
        (
            "replied",
            lambda: services.reply_proposal(
                actor=actor, proposal=proposal, on=REPLY, text="已采纳。", grade="A"
            ),
        ),
        (
            "evaluated",
            lambda: services.evaluate_proposal(
                actor=actor, proposal=proposal, on=EVALUATE, satisfaction="satisfied"
            ),
        ),
        ("closed", lambda: services.close_proposal(actor=actor, proposal=proposal, on=CLOSE)),
    ]
    for status, run in path:
        if proposal.status == to:
            break
        run()
        assert proposal.status == status
    return proposal
