import datetime

import pytest
from django.urls import reverse

from chamber.members.selectors import DirectoryFilters, directory

from .factories import EnterpriseFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("华为", True),  # two Chinese characters (pinyin-assisted on PostgreSQL)
        ("为", True),
        ("华为技术", True),
        ("huawei", True),  # full pinyin
        ("HuaWei", True),
        ("hwjs", True),  # initials without the place name
        ("hw", True),  # short initials: prefix
        ("914401", False),  # another code prefix
        ("任正非", True),  # legal representative
        ("rzf", True),
        ("福永", False),
        ("js", False),  # initials match from the start only when short
        ("jsyx", False),  # ... and up to four letters
        ("renzheng", True),  # longer: anywhere in the pinyin
    ],
)
def test_search_modes(world, query, found):
    rows = directory(world.staff, DirectoryFilters(q=query))
    assert (world.m_x in rows) is found


def test_search_by_full_code(world):
    rows = directory(world.staff, DirectoryFilters(q=world.ent_x.uscc.lower()))
    assert list(rows) == [world.m_x]


def test_search_finds_a_heteronym_from_one_character(world):
    ent = EnterpriseFactory(name="深圳市招商银行有限公司")
    m = MembershipFactory(organization=world.xixiang, enterprise=ent)
    assert m in directory(world.staff, DirectoryFilters(q="行"))
    assert m in directory(world.staff, DirectoryFilters(q="银行"))


def test_status_filter_uses_today(world):
    world.m_f.left = datetime.date(2016, 1, 1)
    world.m_f.save()
    active = directory(world.staff, DirectoryFilters())
    left = directory(world.staff, DirectoryFilters(status="left"))
    assert world.m_f not in active and world.m_f in left


def _walk(client, url):
    import re

    seen, pages = [], 0
    while url and pages < 20:
        body = client.get(url).content.decode()
        seen += re.findall(r"/members/enterprises/(\d+)/", body)
        nxt = re.search(r'rel="next" href="([^"]+)"', body)
        url = reverse("members:directory") + nxt.group(1).replace("&amp;", "&") if nxt else None
        pages += 1
    return seen, pages


def test_keyset_pages_cover_everything_once(client, world):
    for i in range(120):
        MembershipFactory(
            organization=world.xixiang, enterprise=EnterpriseFactory(name=f"企业{i:03d}")
        )
    client.force_login(world.secretary)
    seen, pages = _walk(client, reverse("members:directory") + "?sort=name")
    assert pages == 3 and len(seen) == len(set(seen)) == 121
    seen_joined, _ = _walk(client, reverse("members:directory") + "?sort=-joined")
    assert sorted(seen_joined) == sorted(seen)


def test_previous_page_returns_the_same_rows(client, world):
    import re

    for i in range(60):
        MembershipFactory(
            organization=world.xixiang, enterprise=EnterpriseFactory(name=f"企业{i:03d}")
        )
    client.force_login(world.secretary)
    first = client.get(reverse("members:directory")).content.decode()
    nxt = re.search(r'rel="next" href="\?([^"]+)"', first).group(1).replace("&amp;", "&")
    second = client.get(reverse("members:directory") + "?" + nxt).content.decode()
    prev = re.search(r'rel="prev" href="\?([^"]+)"', second).group(1).replace("&amp;", "&")
    back = client.get(reverse("members:directory") + "?" + prev).content.decode()
    ids = lambda body: re.findall(r"/members/enterprises/(\d+)/", body)  # noqa: E731
    assert ids(back) == ids(first)


def test_directory_query_count_does_not_grow_with_rows(client, world):
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.secretary)
    counts = []
    for batch in (5, 60):
        for i in range(batch):
            ent = EnterpriseFactory(name=f"企业{batch}{i:03d}")
            MembershipFactory(organization=world.xixiang, enterprise=ent)
        with CaptureQueriesContext(connection) as ctx:
            r = client.get(reverse("members:directory") + "?q=qiye")
        assert r.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert len(re.findall(r"/members/enterprises/\d+/", r.content.decode())) == 50
    # session, user, roles, subtree, count, rows, organisation filter, session save (3)
    assert counts[0] == counts[1] <= 10


def test_member_page_query_count(client, world, django_assert_max_num_queries):
    from decimal import Decimal

    from chamber.members import services

    for year in (2015, 2016, 2017):
        due = services.set_due(
            actor=world.staff, membership=world.m_x, year=year, amount=Decimal(1000)
        )
        services.record_payment(
            actor=world.staff,
            due=due,
            amount=Decimal(500),
            paid_on=datetime.date(year, 3, 1),
            receipt_no=f"R{year}",
        )
    client.force_login(world.secretary)
    # 16 before the roles over time (+1) and the people offered by the role and the
    # representative forms (+2): constant, whatever the number of rows.
    with django_assert_max_num_queries(19):
        r = client.get(reverse("members:enterprise", args=[world.ent_x.pk]))
    assert r.status_code == 200 and r.content.decode().count("¥500.00") == 3


def test_htmx_request_gets_only_the_rows(client, world):
    client.force_login(world.secretary)
    r = client.get(reverse("members:directory") + "?q=hw", HTTP_HX_REQUEST="true")
    body = r.content.decode()
    assert "<html" not in body and world.ent_x.name in body
