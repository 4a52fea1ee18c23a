"""`chamber notify test --channel email|sms|wecom --to ADDRESS` sends one test message
now (synchronously, so the answer shows); `chamber notify digest [--dry-run]` makes
(or, dry, prints) today's digests and reminders."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from chamber.notify import channels as ch
from chamber.notify import rules, services


class Command(BaseCommand):
    help = "Send a test message, or show / send today's digests."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        test = sub.add_parser("test", help="send one test message")
        test.add_argument("--channel", required=True, choices=["email", "sms", "wecom"])
        test.add_argument("--to", required=True, help="e-mail address, mobile or webhook URL")
        digest = sub.add_parser("digest", help="today's digests and reminders")
        digest.add_argument("--dry-run", action="store_true", help="print, send nothing")
        digest.add_argument("--date", help="as on this day (YYYY-MM-DD)")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["action"] == "test":
            self.test(opts["channel"], opts["to"])
        else:
            self.digest(opts["dry_run"], opts.get("date"))

    def test(self, channel: str, to: str) -> None:
        context = {"now": timezone.localtime().strftime("%Y-%m-%d %H:%M")}
        subject_t, body_t, code = services.wording("test", channel)
        subject, body = services.render(subject_t, context), services.render(body_t, context)
        try:
            if channel == "email":
                answer = ch.send_email(to, subject, body)
            elif channel == "sms":
                answer = ch.sms_gateway().send(to, code, context, body)
            else:
                answer = ch.send_wecom(to, ch.wecom_message(f"**{subject}**\n{body}"))
        except ch.SendError as e:
            raise CommandError(f"{channel} to {to} failed: {e.answer}") from e
        self.stdout.write(f"{channel} to {to}: {answer}")

    def digest(self, dry_run: bool, date: str | None) -> None:
        try:
            today = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as e:
            raise CommandError(f"--date: {e}") from e
        notices = [
            *rules.cases_daily(today),
            *rules.proposals_daily(today),
            *rules.event_reminders(today),
            *rules.dues_notices(today),
        ]
        groups: list[tuple] = []
        if today.weekday() == 0:
            weekly, groups = rules.weekly_digests(today)
            notices.extend(weekly)
        if dry_run:
            for n in notices:
                subject_t, body_t, _code = services.wording(n.kind, "")
                ctx = {**n.context, "url": services.absolute(n.url) if n.url else ""}
                who = n.recipient.name or n.recipient.key
                self.stdout.write(f"— {n.kind} → {who}")
                self.stdout.write(f"  {services.render(subject_t, ctx)}")
                for line in services.render(body_t, ctx).splitlines():
                    self.stdout.write(f"  {line}")
            self.stdout.write(f"{len(notices)} notice(s) would be made for {today}.")
            return
        made = services.notify_all(notices, groups)
        self.stdout.write(f"{made} notice(s) for {today}; `chamber worker` delivers them.")
