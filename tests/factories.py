"""Factories for tests. Codes they make pass both check characters."""

from __future__ import annotations

import datetime
import itertools

import factory

from chamber.core import text
from chamber.core.validators import org_code_check_char, uscc_check_char
from chamber.members.choices import MemberKind, Rank
from chamber.members.models import Enterprise, Membership, Person
from chamber.orgs.choices import OrgKind
from chamber.orgs.models import Organization

_seq = itertools.count(1)


def valid_uscc(n: int | None = None) -> str:
    n = next(_seq) if n is None else n
    body = f"T{n:07d}"
    org = body + org_code_check_char(body)
    head = "91440306"
    return head + org + uscc_check_char(head + org)


def make_org(code: str, name: str, parent: Organization | None = None, **kw) -> Organization:
    from chamber.orgs.services import create_organization

    kind = kw.pop("kind", OrgKind.STREET if parent else OrgKind.FEDERATION)
    return create_organization(actor=None, code=code, name=name, kind=kind, parent=parent, **kw)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    uscc = factory.LazyFunction(valid_uscc)
    legal_representative = "张三"
    industry_section = "C"
    industry_division = "39"
    search_text = factory.LazyAttribute(
        lambda o: text.search_text(o.name, o.uscc, o.legal_representative)
    )


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"李{n}")
    mobile = factory.Sequence(lambda n: f"138{n:08d}")
    search_text = factory.LazyAttribute(lambda o: text.search_text(o.name, o.mobile))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    kind = MemberKind.ENTERPRISE
    enterprise = factory.SubFactory(EnterpriseFactory)
    rank = Rank.MEMBER
    joined = datetime.date(2015, 3, 1)
    name = factory.LazyAttribute(lambda o: o.enterprise.name if o.enterprise else o.person.name)
    sort_key = factory.LazyAttribute(lambda o: text.full_pinyin(o.name))
    initials = factory.LazyAttribute(lambda o: text.initials(o.name))
    search_text = factory.LazyAttribute(
        lambda o: o.enterprise.search_text if o.enterprise else o.person.search_text
    )
