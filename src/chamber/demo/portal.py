"""Demo member accounts for the members' portal: a few hundred member representatives
with active accounts (signed in, notice accepted), some more invited but not yet
signed in, so the activation rate (会员线上激活率) is a real figure. Deterministic per
seed. The demo's member sign-in (`chamber demo_member`) is one of them."""

from __future__ import annotations

import datetime
import hashlib
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from chamber.activities.choices import EventKind
from chamber.activities.services import create_event
from chamber.casework.models import Case
from chamber.members.models import Membership, Person
from chamber.orgs.models import Organization
from chamber.portal.models import MemberAccount, Notice
from chamber.portal.services import CONSENT_VERSION

ACTIVE = 300
INVITED_ONLY = 80

# Events open for sign-up in the coming weeks (days from the load date), in Xixiang and
# in the district: the generated history ends before today.
OPEN_EVENTS = [
    (7, EventKind.TRAINING, "企业税收优惠政策解读专题培训", "西乡街道商会会议室"),
    (14, EventKind.SYMPOSIUM, "民营企业融资政策解读会", "区工商联三楼报告厅"),
]


def build_portal(
    *, seed: int, root: Organization, today: datetime.date | None = None
) -> dict[str, int]:
    """`today` is the demo's load date (demo.timeline): every date is relative to it."""
    rng = random.Random(seed * 7919 + 16)
    today = today or timezone.localdate()
    reps = list(
        Membership.objects.active(today)
        .filter(representative__isnull=False, organization__path__startswith=root.path)
        .exclude(representative__mobile="")
        .order_by("representative_id")
        .values_list("representative_id", "organization_id")
        .distinct()
    )
    seen: set[int] = set()
    chosen = []
    for pid, org_id in reps:
        if pid not in seen:
            seen.add(pid)
            chosen.append((pid, org_id))
    rng.shuffle(chosen)
    chosen = chosen[: ACTIVE + INVITED_ONLY]
    User = get_user_model()
    unusable = make_password(None)
    names = dict(
        Person.objects.filter(pk__in=[pid for pid, _o in chosen]).values_list("pk", "name")
    )
    users = User.objects.bulk_create(
        [
            User(
                username=f"member-{pid}",
                password=unusable,
                last_name=names[pid][:1],
                first_name=names[pid][1:],
            )
            for pid, _org in chosen
        ]
    )
    now = min(
        timezone.now(),
        datetime.datetime.combine(
            today, datetime.time(18, 0), tzinfo=timezone.get_default_timezone()
        ),
    )
    accounts = []
    for i, ((pid, org_id), user) in enumerate(zip(chosen, users, strict=True)):
        invited = now - datetime.timedelta(days=rng.randint(20, 360), minutes=rng.randint(0, 1440))
        active = i < ACTIVE
        activated = invited + datetime.timedelta(days=rng.randint(0, 15)) if active else None
        accounts.append(
            MemberAccount(
                user=user,
                person_id=pid,
                organization_id=org_id,
                invited_at=invited,
                invite_token_hash=hashlib.sha256(f"demo-{seed}-{pid}".encode()).hexdigest(),
                activated_at=activated,
                consent_version=CONSENT_VERSION if active else "",
                consent_at=activated,
                is_demo=True,
            )
        )
    MemberAccount.objects.bulk_create(accounts)
    Notice.objects.bulk_create(
        [
            Notice(
                organization=root,
                title="关于开展2026年度会员企业年报信息核对的通知",
                body="请各会员企业于12月31日前登录会员服务，核对企业登记信息，如有变化请提交修改申请。",
                published_at=now - datetime.timedelta(days=3),
            ),
            Notice(
                organization=root,
                title="民营企业融资政策解读会报名开始",
                body="区工商联将举办民营企业融资政策解读会，欢迎会员企业报名参加。",
                published_at=now - datetime.timedelta(days=10),
                industry_section="",
            ),
        ]
    )
    # Two events open for sign-up in the coming weeks, so the demo member can sign up
    # and open a ticket (the generated history ends before today).
    xixiang = Organization.objects.filter(code__endswith=".xixiang").first() or root
    day = datetime.datetime.combine(
        today, datetime.time(9, 30), tzinfo=timezone.get_default_timezone()
    )
    for (days, kind, title, place), org in zip(OPEN_EVENTS, (xixiang, root), strict=True):
        starts = day + datetime.timedelta(days=days)
        create_event(
            actor=None,
            organization=org,
            kind=kind,
            title=title,
            place=place,
            capacity=120,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=3),
            announce=True,
        )
    return {"member_accounts": len(accounts)}


def demo_member() -> MemberAccount | None:
    """The demo's member sign-in: an active account in Xixiang whose enterprise has
    problems on record, else the first active account."""
    active = MemberAccount.objects.filter(is_demo=True, activated_at__isnull=False).select_related(
        "person", "organization"
    )
    with_cases = active.filter(
        organization__code__endswith="xixiang",
        person__enterprise__in=Case.objects.values("enterprise_id"),
    ).order_by("person_id")
    return with_cases.first() or active.order_by("person_id").first()
