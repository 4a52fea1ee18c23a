"""Fixtures for the activities tests, on top of the standard `world`."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation

from chamber.activities import services
from chamber.activities.choices import EventKind

from ..factories import EnterpriseFactory, MembershipFactory, PersonFactory


@pytest.fixture(autouse=True)
def _english(client):
    """Messages in English (msgids), in the test's thread and for the test client;
    tests of the Chinese text switch to it explicitly."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


def make_event(organization, *, actor=None, announce=True, starts=None, **fields):
    """An event starting an hour ago (check-in is open) unless `starts` says when."""
    starts = starts or timezone.now() - datetime.timedelta(hours=1)
    fields.setdefault("kind", EventKind.TRAINING)
    fields.setdefault("title", "企业税收政策解读专题培训")
    fields.setdefault("ends_at", starts + datetime.timedelta(hours=3))
    return services.create_event(
        actor=actor, organization=organization, starts_at=starts, announce=announce, **fields
    )


def make_member(org, name: str, person_name: str | None = None):
    """An enterprise member of `org` with one person (its representative)."""
    ent = EnterpriseFactory(name=name)
    person = PersonFactory(name=person_name or f"{name[:2]}代表", enterprise=ent)
    MembershipFactory(organization=org, enterprise=ent, representative=person)
    return ent, person


@pytest.fixture
def members(world):
    """Three more xixiang members (enterprise, person) besides world.ent_x."""
    return [make_member(world.xixiang, f"西乡成员{i}有限公司", f"成员{i}") for i in range(3)]
