"""A process running Chamber's services for tests/test_kill_midwrite.py.

python -m tests.kill_worker seed|state|import FILE|case ID|signup EVENT ENT PERSON

`import`, `case` and `signup` stop in the middle of their write (inside the one
transaction, after rows were written) by printing MIDWRITE and sleeping, so that the
test can kill the process there with SIGKILL. With KILL_WORKER_NO_PAUSE=1 they run to
the end (the control: the pause point is on the write path).
"""

from __future__ import annotations

import json
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chamber.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402


def pause() -> None:
    if os.environ.get("KILL_WORKER_NO_PAUSE"):
        return
    assert connection.in_atomic_block, "the pause must be inside the write's transaction"
    print("MIDWRITE", flush=True)
    time.sleep(300)


def pause_after_audit(action: str) -> None:
    """Pause once the service has written its rows and its audit entry."""
    from chamber.core import audit

    original = audit.record

    def record(**kwargs):
        entry = original(**kwargs)
        if kwargs.get("action") == action:
            pause()
        return entry

    audit.record = record


def seed() -> dict:
    import datetime

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from chamber.activities import services as act
    from chamber.activities.choices import EventKind
    from chamber.casework import services as cw
    from chamber.casework.models import Category
    from chamber.orgs.choices import Role
    from chamber.orgs.services import grant_role
    from tests.factories import EnterpriseFactory, MembershipFactory, PersonFactory, make_org

    d = make_org("k", "测试区工商联")
    street = make_org("k.s", "西乡街道商会", parent=d)
    user = get_user_model().objects.create_user("killer", password="x-test-pass-1")
    grant_role(actor=None, user=user, organization=street, role=Role.SECRETARY)
    ent = EnterpriseFactory(name="深圳市测试中断有限公司")
    person = PersonFactory(name="李四", enterprise=ent)
    MembershipFactory(organization=street, enterprise=ent, representative=person)
    category = Category.objects.order_by("pk").first() or Category.objects.create(
        code="financing", name="融资"
    )
    case = cw.raise_case(
        actor=user, organization=street, enterprise=ent, category=category, title="贷款续贷"
    )
    cw.assign_case(actor=user, case=case, assignee=user)
    cw.start_case(actor=user, case=case)
    starts = timezone.now() - datetime.timedelta(hours=1)
    event = act.create_event(
        actor=user,
        organization=street,
        kind=EventKind.TRAINING,
        title="税收政策培训",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
        announce=True,
    )
    return {"case": case.pk, "event": event.pk, "enterprise": ent.pk, "person": person.pk}


def state() -> dict:
    from chamber.activities.models import Registration
    from chamber.casework.models import Case, CaseEvent
    from chamber.core.models import AuditEntry
    from chamber.members.models import Enterprise, Membership, Person

    return {
        "enterprises": Enterprise.objects.count(),
        "people": Person.objects.count(),
        "memberships": Membership.objects.count(),
        "audit": AuditEntry.objects.count(),
        "cases": sorted(Case.objects.values_list("pk", "status")),
        "case_events": CaseEvent.objects.count(),
        "registrations": Registration.objects.count(),
    }


def main(argv: list[str]) -> None:
    from django.contrib.auth import get_user_model

    what = argv[0]
    if what == "seed":
        print(json.dumps(seed()), flush=True)
        return
    if what == "state":
        print(json.dumps(state()), flush=True)
        return
    user = get_user_model().objects.get(username="killer")
    if what == "import":
        from chamber.members.importers import pipeline
        from chamber.orgs.models import Organization

        original = pipeline.Importer._write_chunk
        calls = {"n": 0}

        def write_chunk(self, plans):
            original(self, plans)
            calls["n"] += 1
            if calls["n"] == 1:  # one chunk written, more to come
                pause()

        pipeline.Importer._write_chunk = write_chunk
        importer = pipeline.Importer(
            actor=user, organization=Organization.objects.get(code="k.s"), chunk=50
        )
        out = importer.run(argv[1])
        assert out.written and not out.errors, (out.problem, out.errors[:3])
    elif what == "case":
        from chamber.casework import services as cw
        from chamber.casework.models import Case

        pause_after_audit("step")
        cw.resolve_case(
            actor=user, case=Case.objects.get(pk=int(argv[1])), resolution="已协调银行续贷"
        )
    elif what == "signup":
        from chamber.activities import services as act
        from chamber.activities.models import Event
        from chamber.members.models import Enterprise, Person

        pause_after_audit("create")
        act.register(
            actor=user,
            event=Event.objects.get(pk=int(argv[1])),
            enterprise=Enterprise.objects.get(pk=int(argv[2])),
            person=Person.objects.get(pk=int(argv[3])),
        )
    print("DONE", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
