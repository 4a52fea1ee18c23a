"""BENCH notify: 10,000 event reminders made, queued and delivered (e-mail to a local
SMTP server, SMS to a local gateway that answers like a cloud SMS API) by one worker
process; and the time of the request-side call (assigning a case) with notifications on
and off. SQLite file database under var/bench/."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from .common import OUT, ROOT, django_setup


def run(database_url: str | None = None, members: int | None = None, **_) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    db = OUT / "notify.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(f"{db}{suffix}"):
            os.remove(f"{db}{suffix}")
    url = database_url or f"sqlite:///{db}"
    env = {**os.environ, "DATABASE_URL": url, "CHAMBER_DEBUG": "1"}
    subprocess.run(
        [sys.executable, "-m", "chamber", "migrate", "-v0"], env=env, check=True, cwd=ROOT
    )
    django_setup(url)
    sys.path.insert(0, str(ROOT))
    import socket

    from aiosmtpd.controller import Controller
    from django.conf import settings

    from tests.notify import conftest as sinks  # the same local servers as the tests

    box = sinks._Mailbox()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    smtp = Controller(box, hostname="127.0.0.1", port=port)
    smtp.start()
    import threading
    from http.server import ThreadingHTTPServer

    sink = sinks._Sink()
    http = ThreadingHTTPServer(("127.0.0.1", 0), sinks._handler(sink))
    threading.Thread(target=http.serve_forever, daemon=True).start()
    env.update(
        {
            "CHAMBER_EMAIL_HOST": "127.0.0.1",
            "CHAMBER_EMAIL_PORT": str(port),
            "CHAMBER_SMS_BACKEND": "http",
            "CHAMBER_SMS_URL": f"http://127.0.0.1:{http.server_address[1]}/sms",
            "CHAMBER_SMS_KEY_ID": "k",
            "CHAMBER_SMS_SECRET": sinks.SMS_SECRET,
        }
    )

    from chamber.notify import services
    from chamber.notify.models import Delivery

    # the benchmark measures delivery, at whatever hour it runs: no quiet hours for SMS
    services.quiet_until = lambda now: None
    n = 10_000
    t0 = time.perf_counter()
    notices = [
        services.Notice(
            "event.reminder",
            f"bench.reminder:{i}",
            services.Recipient(name=f"会员{i}", phone=f"139{i:08d}", email=f"m{i}@example.cn"),
            {
                "event": "财税政策培训",
                "starts": "2026-12-02 09:00",
                "place": "西乡街道办三楼",
                "ticket": f"http://127.0.0.1:8000/activities/registrations/{i}/",
            },
        )
        for i in range(n)
    ]
    settings.CHAMBER_SMS = {
        "BACKEND": "http",
        "URL": "",
        "KEY_ID": "",
        "SECRET": "",
        "SIGN_NAME": "",
    }
    made = services.notify_all(notices)
    queued = time.perf_counter() - t0
    worker = subprocess.run(
        [sys.executable, "-m", "chamber", "worker", "--batch"], env=env, cwd=ROOT, check=True
    )
    del worker
    seconds = time.perf_counter() - t0
    sent = Delivery.objects.filter(status="sent").count()
    arrived = len(box.messages) + len(sink.sms)
    smtp.stop()
    http.shutdown()

    on, off = _request_times()
    one, two = _queue_rate(env, 1), _queue_rate(env, 2)
    print(
        f"BENCH notify messages={arrived} notices={made} sent={sent} seconds={seconds:.1f} "
        f"per_s={arrived / seconds:.0f} queue_s={queued:.1f} "
        f"request_ms_notify_on={on:.1f} request_ms_notify_off={off:.1f} "
        f"noop_tasks_per_s_1_worker={one:.0f} noop_tasks_per_s_2_workers={two:.0f}"
    )


def _queue_rate(env: dict, workers: int, n: int = 2000) -> float:
    """No-op tasks run per second by `workers` worker processes (the queue's own cost:
    claim, run, record), start-up included."""
    from django_tasks_db.models import DBTaskResult

    from bench.queue_tasks import noop

    DBTaskResult.objects.all().delete()  # the request timing's fan-outs: not measured here
    for i in range(n):
        noop.enqueue(i)
    t = time.perf_counter()
    procs = [
        subprocess.Popen([sys.executable, "-m", "chamber", "worker", "--batch"], env=env, cwd=ROOT)
        for _ in range(workers)
    ]
    for p in procs:
        p.wait()
    return n / (time.perf_counter() - t)


def _request_times() -> tuple[float, float]:
    """Median time of the service a page request runs (assign a case), with
    notifications on and off: on adds the queued fan-out row, nothing else."""
    import datetime
    import statistics

    from django.conf import settings
    from django.contrib.auth import get_user_model

    from chamber.casework import services as cs
    from chamber.casework.models import Category
    from chamber.members.choices import MemberKind
    from chamber.members.models import Enterprise, Membership
    from chamber.orgs.choices import Role
    from chamber.orgs.models import Organization
    from chamber.orgs.services import grant_role

    org = Organization.objects.create(code="bench", name="测试商会", kind="federation")
    User = get_user_model()
    a = User.objects.create_user("bench-a")
    b = User.objects.create_user("bench-b")
    for u in (a, b):
        grant_role(actor=None, user=u, organization=org, role=Role.STAFF)
    ent = Enterprise.objects.create(name="测试企业", uscc="")
    Membership.objects.create(
        organization=org,
        enterprise=ent,
        kind=MemberKind.ENTERPRISE,
        joined=datetime.date(2020, 1, 1),
    )
    cat = Category.objects.first()
    times = {True: [], False: []}
    for i in range(60):
        flag = i % 2 == 0
        settings.CHAMBER_NOTIFY = flag
        case = cs.raise_case(
            actor=a, organization=org, enterprise=ent, category=cat, title=f"诉求{i}"
        )
        t = time.perf_counter()
        cs.assign_case(actor=a, case=case, assignee=b)
        times[flag].append((time.perf_counter() - t) * 1000)
    return statistics.median(times[True]), statistics.median(times[False])
