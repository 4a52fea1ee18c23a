"""Stored figures are exact: after random writes through the services (backdated ones
included), every stored report equals the live computation, and without writes the
store answers without recomputing."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from chamber.activities.services.donations import record_donation
from chamber.casework.services.visits import log_visit
from chamber.members import services
from chamber.members.models import Membership
from chamber.reports.annual import annual_report
from chamber.reports.models import StoredFigures
from chamber.reports.period import Period
from chamber.reports.store import current_version, refresh_stale, stored_report

from .factories import EnterpriseFactory

# Real commits: the counter rises only after a write commits.
pytestmark = pytest.mark.django_db(transaction=True)

PERIODS = [Period.year(2015), Period.year(2016), Period.quarter(2016, 2), Period.year(2017)]


def without_time(report: dict) -> dict:
    return {k: v for k, v in report.items() if k != "computed_at"}


def check_all(orgs) -> None:
    for org in orgs:
        for period in PERIODS:
            assert without_time(stored_report(org, period)) == without_time(
                annual_report(org, period)
            ), (org.code, period)


def random_write(rng: random.Random, w) -> None:
    streets = [w.xixiang, w.fuyong]
    when = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(3 * 365))  # backdated
    choice = rng.randrange(5)
    if choice == 0:
        ent = EnterpriseFactory()
        services.admit_member(
            actor=w.admin, organization=rng.choice(streets), joined=when, enterprise=ent
        )
    elif choice == 1:
        open_ = list(Membership.objects.filter(left__isnull=True, joined__lt=when))
        if open_:
            services.end_membership(actor=w.admin, membership=rng.choice(open_), left=when)
    elif choice == 2:
        open_ = list(Membership.objects.filter(left__isnull=True, joined__lt=when))
        if open_:
            m = rng.choice(open_)
            to = w.fuyong if m.organization_id == w.xixiang.pk else w.xixiang
            services.transfer_membership(actor=w.admin, membership=m, to=to, on=when)
    elif choice == 3:
        ents = list(Membership.objects.values_list("enterprise_id", flat=True)[:5])
        log_visit(
            actor=w.admin,
            organization=rng.choice(streets),
            date=when,
            enterprises=[e for e in ents if e][: rng.randint(1, 3)],
        )
    else:
        record_donation(
            actor=w.admin,
            organization=rng.choice(streets),
            kind="money",
            amount=Decimal(rng.randint(1, 99999)) / 100,
            date=when,
            purpose="other",
            enterprise=EnterpriseFactory(),
        )


def test_stored_figures_equal_live_figures_after_random_writes(world):
    w = world
    orgs = [w.district, w.xixiang, w.fuyong]
    rng = random.Random(17)
    check_all(orgs)
    for _round in range(6):
        for _ in range(rng.randint(1, 4)):
            random_write(rng, w)
        check_all(orgs)
    assert StoredFigures.objects.count() == len(orgs) * len(PERIODS)


def test_without_writes_the_store_answers_in_two_queries(world):
    first = stored_report(world.district, Period.year(2016))
    with CaptureQueriesContext(connection) as queries:
        again = stored_report(world.district, Period.year(2016))
    assert again == first  # computed_at included: not recomputed
    assert len(queries) == 2  # the version, the stored row


def test_a_write_makes_the_stored_report_stale_and_refresh_recomputes_it(world):
    w = world
    before = stored_report(w.district, Period.year(2016))
    version = current_version()
    services.admit_member(
        actor=w.admin, organization=w.xixiang, joined=dt.date(2016, 3, 1),
        enterprise=EnterpriseFactory(),
    )  # fmt: skip
    assert current_version() > version
    assert refresh_stale() == 1
    with CaptureQueriesContext(connection) as queries:
        after = stored_report(w.district, Period.year(2016))
    assert len(queries) == 2  # ready: the refresh stored it
    assert after["members"]["total"] == before["members"]["total"] + 1


def test_uncommitted_writes_of_this_connection_read_live_figures(world):
    w = world
    with transaction.atomic():
        stored_report(w.district, Period.year(2016))
        services.admit_member(
            actor=w.admin, organization=w.xixiang, joined=dt.date(2016, 3, 1),
            enterprise=EnterpriseFactory(),
        )  # fmt: skip
        inside = stored_report(w.district, Period.year(2016))
        assert without_time(inside) == without_time(annual_report(w.district, 2016))


def test_the_report_says_when_it_was_computed(world):
    report = stored_report(world.district, Period.year(2016))
    assert dt.datetime.fromisoformat(report["computed_at"]).utcoffset() == dt.timedelta(hours=8)


def test_the_scheduler_refreshes_stale_reports_every_minute(world):
    import datetime as _dt

    from django.utils import timezone

    from chamber.core.queue import SCHEDULES, tick
    from chamber.reports.tasks import refresh_figures

    assert "reports.refresh" in SCHEDULES
    now = timezone.now()
    assert "reports.refresh" in tick(now)
    assert "reports.refresh" not in tick(now)  # once per minute
    assert "reports.refresh" in tick(now + _dt.timedelta(minutes=1))
    stored_report(world.district, Period.year(2016))
    services.admit_member(
        actor=world.admin, organization=world.xixiang, joined=dt.date(2016, 3, 1),
        enterprise=EnterpriseFactory(),
    )  # fmt: skip
    assert refresh_figures.call() == 1
