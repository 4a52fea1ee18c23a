"""Time-bound states: political posts end with their term, the register lists who
must be re-recorded after an election, council seats end with their term."""

from __future__ import annotations

import datetime

from chamber.politics import services as politics
from chamber.politics.figures import posts_in_force
from chamber.politics.models import BodyTerm, PoliticalPost

D = datetime.date


def _post(world, person, term, start, end=None):
    return politics.record_post(
        actor=world.secretary,
        person=person,
        organization=world.xixiang,
        body="cppcc",
        level="4_district",
        place="宝安区",
        term=term,
        role="member",
        start=start,
        end=end,
    )


def test_a_post_without_an_end_ends_with_its_term(world):
    post = _post(world, world.rep_x, 4, D(2012, 1, 10))
    assert post.is_in_force(D(2016, 6, 1))
    assert PoliticalPost.objects.in_force(D(2026, 1, 1)).count() == 1  # no term dates yet
    BodyTerm.objects.create(
        body="cppcc",
        level="4_district",
        place="宝安区",
        number=4,
        starts=D(2012, 1, 10),
        ends=D(2016, 11, 28),
    )
    assert post.is_in_force(D(2016, 11, 27)) and not post.is_in_force(D(2016, 11, 28))
    assert PoliticalPost.objects.in_force(D(2026, 1, 1)).count() == 0
    assert posts_in_force(world.district, D(2016, 12, 31))["people"] == 0


def test_the_next_term_ends_the_last_and_the_register_lists_who_to_re_record(client, world):
    from tests.factories import PersonFactory

    returned = _post(world, world.rep_x, 4, D(2012, 1, 10))
    other = PersonFactory(name="周八", enterprise=world.ent_x)
    gone = _post(world, other, 4, D(2012, 1, 10))
    # the 5th term: known by a term row, or by the first post recorded in it
    _post(world, world.rep_x, 5, D(2016, 11, 28))
    on = D(2017, 1, 1)
    assert not returned.is_in_force(on) and not gone.is_in_force(on)
    assert list(PoliticalPost.objects.ended_with_term(on)) == [gone]
    client.force_login(world.secretary)
    page = client.get("/politics/").content.decode()
    assert 'id="to-rerecord"' in page and "周八" in page.split('id="to-rerecord"')[1][:2000]


def test_a_council_seat_ends_with_its_term(world):
    from chamber.activities import services as activities

    council = activities.create_council(
        actor=world.secretary,
        organization=world.xixiang,
        kind="executive",
        name="西乡街道商会执行委员会",
        short_name="执委会",
    )
    term = activities.create_term(
        actor=world.secretary, council=council, number=4, starts=D(2012, 3, 1), ends=D(2017, 2, 28)
    )
    seat = activities.add_term_member(actor=world.secretary, term=term, person=world.rep_x)
    assert seat.serves_on(D(2017, 2, 28)) and not seat.serves_on(D(2017, 3, 1))
