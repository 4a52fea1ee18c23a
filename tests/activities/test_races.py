"""Capacity, waiting list and check-in under concurrency.

On PostgreSQL the contenders are threads, each with its own database connection,
released together by a barrier: the event row lock (select_for_update) and the
one-check-in constraint must hold. SQLite serialises writers anyway (one writer at a
time), so there the same steps run one after the other through the same code."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import translation

from chamber.activities import services
from chamber.activities.choices import RegistrationStatus
from chamber.activities.models import CheckIn, Registration

from .conftest import make_event, make_member

pytestmark = pytest.mark.django_db(transaction=True)

CONCURRENT = connection.vendor == "postgresql"


def _contend(jobs):
    """Run the callables at once (threads on PostgreSQL, in turn on SQLite); return
    each one's result or exception."""
    results: list = [None] * len(jobs)
    if not CONCURRENT:
        for i, job in enumerate(jobs):
            try:
                results[i] = job()
            except Exception as e:  # noqa: BLE001 - the test inspects what each got
                results[i] = e
        return results
    barrier = threading.Barrier(len(jobs))

    def run(i, job):
        try:
            barrier.wait(timeout=10)
            with translation.override("en"):  # the language is per thread
                results[i] = job()
        except Exception as e:  # noqa: BLE001
            results[i] = e
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def test_two_last_places_three_people(world):
    event = make_event(world.xixiang, capacity=3)
    services.register(actor=None, event=event, enterprise=world.ent_x)  # one place taken
    people = [make_member(world.xixiang, f"抢位企业{i}有限公司")[0] for i in range(3)]
    results = _contend(
        [
            lambda ent=ent: services.register(actor=world.secretary, event=event, enterprise=ent)
            for ent in people
        ]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    statuses = sorted(r.status for r in results)
    assert statuses == ["confirmed", "confirmed", "waitlisted"]
    assert services.seats_taken(event) == 3
    # the one who waits moves up when a place frees
    waiting = next(r for r in results if r.status == RegistrationStatus.WAITLISTED)
    confirmed = next(r for r in results if r.status == RegistrationStatus.CONFIRMED)
    services.cancel_registration(actor=world.secretary, registration=confirmed)
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED


def test_two_cancellations_at_once_move_up_two_in_order(world):
    event = make_event(world.xixiang, capacity=2)
    ents = [make_member(world.xixiang, f"排队企业{i}有限公司")[0] for i in range(4)]
    regs = [services.register(actor=None, event=event, enterprise=e) for e in ents]
    assert [r.status for r in regs] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    results = _contend(
        [
            lambda r=r: services.cancel_registration(actor=world.secretary, registration=r)
            for r in regs[:2]
        ]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    statuses = dict(Registration.objects.filter(event=event).values_list("pk", "status"))
    assert [statuses[r.pk] for r in regs] == ["cancelled", "cancelled", "confirmed", "confirmed"]


def test_the_same_code_scanned_on_two_phones_checks_in_once(world):
    event = make_event(world.xixiang)
    reg = services.register(actor=None, event=event, enterprise=world.ent_x)
    results = _contend(
        [
            lambda: services.check_in_by_code(
                actor=world.secretary, event=event, code=reg.code, method="camera"
            )
            for _ in range(2)
        ]
    )
    errors = [r for r in results if isinstance(r, ValidationError)]
    assert len(errors) == 1 and "checked in already" in " ".join(errors[0].messages)
    assert CheckIn.objects.filter(registration=reg).count() == 1
