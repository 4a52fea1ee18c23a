"""Portal fixtures on top of the standard world: a member account for each street's
representative (任正非 at xixiang, 王五 at fuyong), notice accepted, and helpers."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone, translation

from chamber.activities import services as activities
from chamber.activities.choices import EventKind
from chamber.casework.models import Category
from chamber.portal import services, sms


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    sms.OUTBOX.clear()
    with translation.override("en"):
        yield


def sign_in(client, account) -> None:
    """Sign a member in through the portal's own pages (code from the console outbox)."""
    client.post("/portal/login/", {"mobile": account.person.mobile})
    code = last_code(account.person.mobile)
    r = client.post("/portal/login/code/", {"code": code})
    assert r.status_code == 302, r.content


def last_code(mobile: str) -> str:
    for to, text in reversed(sms.OUTBOX):
        if to == mobile:
            return "".join(ch for ch in text if ch.isdigit())[:6]
    raise AssertionError(f"no code sent to {mobile}")


@pytest.fixture
def portal(world):
    acc_x, token_x = services.invite(
        actor=world.secretary, person=world.rep_x, organization=world.xixiang
    )
    acc_f, token_f = services.invite(
        actor=world.other_secretary, person=world.rep_f, organization=world.fuyong
    )
    for acc in (acc_x, acc_f):
        services.accept_notice(account=acc)

    def event(org=None, **kw):
        starts = kw.pop("starts", timezone.now() + datetime.timedelta(days=3))
        kw.setdefault("kind", EventKind.TRAINING)
        kw.setdefault("title", "企业税收政策解读专题培训")
        kw.setdefault("ends_at", starts + datetime.timedelta(hours=3))
        return activities.create_event(
            actor=None, organization=org or world.xixiang, starts_at=starts, announce=True, **kw
        )

    return SimpleNamespace(
        x=acc_x,
        f=acc_f,
        token_x=token_x,
        token_f=token_f,
        category=Category.objects.get(code="financing"),
        event=event,
    )
