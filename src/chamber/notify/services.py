"""The one notification service: an event about a record → the people who should know
(notify.rules) → each person's channels → a notice in the inbox and one delivery per
channel, sent by background tasks (notify.tasks) so no request waits on a channel."""

from __future__ import annotations

import datetime
import functools
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template import Context, Engine
from django.utils import timezone

from chamber.core.validators import mask
from chamber.orgs.choices import Perm
from chamber.orgs.scope import has_perm

from . import channels as ch
from .kinds import KINDS
from .models import Channel, Delivery, Notification, Preference, Template, WeComHook

log = logging.getLogger("chamber.notify")
QUIET_FROM, QUIET_TO = datetime.time(22, 0), datetime.time(8, 0)
MAX_ATTEMPTS = 5
LINK_PARAMS = {"ticket", "url"}
_engine = Engine(autoescape=False)


@dataclass
class Recipient:
    """A staff user (inbox and their chosen channels) or a member's contact who has no
    account (SMS to the mobile)."""

    user: Any = None
    name: str = ""
    email: str = ""
    phone: str = ""

    @property
    def key(self) -> str:
        return f"u:{self.user.pk}" if self.user is not None else f"m:{self.phone}"

    @classmethod
    def of(cls, user: Any) -> Recipient:
        return cls(user=user, name=user.get_full_name() or user.get_username(), email=user.email)


@dataclass
class Notice:
    """What a rule decided: this recipient hears of this event with this context."""

    kind: str
    key: str
    recipient: Recipient
    context: dict[str, Any]
    organization_id: int | None = None
    url: str = ""
    attachment: str = ""
    data: dict[str, Any] = field(default_factory=dict)


def shown(value: str, viewer: Any, organization_id: int | None) -> str:
    """A mobile or ID number as this viewer may see it: in full only with the right to
    personal data over the record's organisation; masked for everyone else (and always
    in group messages, which have no single viewer)."""
    if viewer is not None and has_perm(viewer, Perm.VIEW_PERSONAL, organization_id):
        return value
    return mask(value)


def absolute(path: str) -> str:
    return settings.CHAMBER_SITE_URL.rstrip("/") + path if path.startswith("/") else path


# --- wording --------------------------------------------------------------------------


def wording(
    kind: str, channel: str, language: str = "zh-hans", cache: dict | None = None
) -> tuple[str, str, str]:
    """(subject, body, SMS template code): the administrator's template for the channel,
    else theirs for every channel, else the built-in one; Chinese first, English when
    no Chinese wording exists. `cache` spares the look-up within one batch."""
    if cache is not None:
        if (kind, channel, language) not in cache:
            cache[(kind, channel, language)] = wording(kind, channel, language)
        return cache[(kind, channel, language)]
    k = KINDS[kind]
    stored = {
        (t.channel, t.language): t
        for t in Template.objects.filter(kind=kind, channel__in=[channel, ""])
    }
    for lang in (language, "zh-hans", "en"):
        for c in (channel, ""):
            if t := stored.get((c, lang)):
                return t.subject, t.body, t.sms_template or k.sms_template
        builtin = {"zh-hans": k.zh, "en": k.en}.get(lang)
        if builtin and builtin[0]:
            return builtin[0], builtin[1], k.sms_template
    return k.en[0], k.en[1], k.sms_template


@functools.lru_cache(maxsize=256)
def _compiled(text: str) -> Any:
    return _engine.from_string(text)


def render(text: str, context: dict[str, Any]) -> str:
    return _compiled(text).render(Context(context)).strip()


def channels_for(kind: str, recipient: Recipient) -> list[str]:
    k = KINDS[kind]
    if recipient.user is None:
        chosen = list(k.contact_channels)
    else:
        pref = Preference.objects.filter(user=recipient.user, kind=kind).first()
        chosen = list(pref.channels) if pref is not None else list(k.user_channels)
        chosen = [Channel.INAPP, *[c for c in chosen if c != Channel.INAPP]]  # inbox always
    usable = []
    for c in chosen:
        if (
            (c == Channel.INAPP and recipient.user is not None)
            or (c == Channel.EMAIL and recipient.email)
            or (c == Channel.SMS and recipient.phone)
        ):
            usable.append(c)
    return usable


def quiet_until(now: datetime.datetime) -> datetime.datetime | None:
    """No SMS from 22:00 to 08:00 Shanghai: the time it may go, or None for now."""
    local = timezone.localtime(now)
    t = local.time()
    if QUIET_TO <= t < QUIET_FROM:
        return None
    day = local.date() if t < QUIET_TO else local.date() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, QUIET_TO))


# --- making notices -------------------------------------------------------------------


def _build(
    notice: Notice, now: datetime.datetime, cache: dict | None
) -> tuple[Notification, list[Delivery]]:
    """The notice's row and its deliveries' rows, unsaved."""
    r = notice.recipient
    context = {**notice.context, "url": absolute(notice.url) if notice.url else ""}
    subject_t, body_t, _code = wording(notice.kind, "", cache=cache)
    # the inbox shows the link as a button: the notice's text goes without it
    inbox_context = {**context, "url": ""}
    note = Notification(
        key=notice.key[:120],
        recipient=r.key[:60],
        kind=notice.kind,
        user=r.user,
        name=r.name[:100],
        email=r.email,
        phone=r.phone,
        organization_id=notice.organization_id,
        subject=render(subject_t, inbox_context)[:200],
        body=render(body_t, inbox_context),
        url=notice.url,
        data=notice.data,
    )
    deliveries = []
    for channel in channels_for(notice.kind, r):
        if channel == Channel.INAPP:
            continue
        subject_t, body_t, code = wording(notice.kind, channel, cache=cache)
        not_before = quiet_until(now) if channel == Channel.SMS else None
        params = {}
        if channel == Channel.SMS:
            params = {
                "template": code,
                # providers cap a variable at 35 characters; a link variable may be longer
                "params": {
                    p: str(context.get(p, ""))[: 200 if p in LINK_PARAMS else 35]
                    for p in KINDS[notice.kind].sms_params
                },
            }
        deliveries.append(
            Delivery(
                kind=notice.kind,
                channel=channel,
                to=r.email if channel == Channel.EMAIL else r.phone,
                subject=render(subject_t, context)[:200],
                body=render(body_t, context),
                params=params,
                attachment=notice.attachment,
                not_before=not_before,
                status=Delivery.Status.HELD if not_before else Delivery.Status.PENDING,
            )
        )
    return note, deliveries


def create(
    notice: Notice,
    *,
    now: datetime.datetime | None = None,
    cache: dict | None = None,
    inapp_only: bool = False,
) -> list[Delivery] | Notification | None:
    """Store the notice (once per event and person) and its deliveries (once per
    channel). Returns the deliveries this call created; a repeat returns none.
    `inapp_only` (the demo) stores the notice alone and returns it (None if a repeat)."""
    note, deliveries = _build(notice, now or timezone.now(), cache)
    try:
        with transaction.atomic():
            note.save()
            if not inapp_only:
                for d in deliveries:
                    d.notification = note
                    d.dedup = f"{note.pk}:{d.channel}"
                Delivery.objects.bulk_create(deliveries)
    except IntegrityError:  # made before (a retried task) or by a concurrent run
        return None if inapp_only else []
    return note if inapp_only else deliveries


def create_many(
    notices: list[Notice], *, now: datetime.datetime | None = None, cache: dict | None = None
) -> list[Delivery]:
    """`create` for a batch, in a few queries: notices made before are skipped; if a
    concurrent run makes one meanwhile, the batch falls back to one at a time."""
    now = now or timezone.now()
    keys = {(n.key[:120], n.recipient.key[:60]) for n in notices}
    existing = set(
        Notification.objects.filter(key__in={k for k, _r in keys}).values_list("key", "recipient")
    )
    built, seen = [], set()
    for n in notices:
        pair = (n.key[:120], n.recipient.key[:60])
        if pair in existing or pair in seen:
            continue
        seen.add(pair)
        built.append(_build(n, now, cache))
    if not built:
        return []
    try:
        with transaction.atomic():
            notes = Notification.objects.bulk_create([note for note, _d in built])
            deliveries = []
            for note, ds in zip(notes, built, strict=True):
                for d in ds[1]:
                    d.notification = note
                    d.dedup = f"{note.pk}:{d.channel}"
                    deliveries.append(d)
            return Delivery.objects.bulk_create(deliveries)
    except IntegrityError:
        out: list[Delivery] = []
        for n in notices:
            out.extend(create(n, now=now, cache=cache))
        return out


def post_to_groups(
    kind: str, key: str, organization_id: int | None, context: dict[str, Any], url: str = ""
) -> list[Delivery]:
    """One WeCom robot message per group of the organisation that takes this kind."""
    if organization_id is None or not KINDS[kind].wecom:
        return []
    context = {**context, "url": absolute(url) if url else ""}
    subject_t, body_t, _code = wording(kind, Channel.WECOM)
    made_deliveries = []
    for hook in WeComHook.objects.filter(organization_id=organization_id, active=True):
        if hook.kinds and kind not in hook.kinds:
            continue
        subject = render(subject_t, context)
        delivery, made = Delivery.objects.get_or_create(
            dedup=f"wecom:{hook.pk}:{key}"[:160],
            defaults=dict(
                hook=hook,
                kind=kind,
                channel=Channel.WECOM,
                to=hook.name,
                subject=subject[:200],
                body=f"**{subject}**\n{render(body_t, context)}",
            ),
        )
        if made:
            made_deliveries.append(delivery)
    return made_deliveries


def schedule_deliveries(deliveries: Iterable[Delivery], chunk: int = 200) -> int:
    """Queue the deliveries in chunks: now, or at the end of quiet hours."""
    from .tasks import deliver

    by_time: dict[datetime.datetime | None, list[int]] = {}
    for d in deliveries:
        by_time.setdefault(d.not_before, []).append(d.pk)
    queued = 0
    for when, ids in by_time.items():
        task = deliver.using(run_after=when) if when else deliver
        for i in range(0, len(ids), chunk):
            task.enqueue(ids[i : i + chunk])
            queued += 1
    return queued


# --- sending --------------------------------------------------------------------------


class _Unreachable:
    """A mail connection that could not be opened: every send fails with its reason."""

    def __init__(self, reason: str):
        self.reason = reason

    def close(self) -> None:
        pass


def send_one(delivery: Delivery, *, mail_connection: Any = None, sms: Any = None) -> str:
    if isinstance(mail_connection, _Unreachable) and delivery.channel == Channel.EMAIL:
        raise ch.SendError(mail_connection.reason)
    if delivery.channel == Channel.EMAIL:
        return ch.send_email(
            delivery.to,
            delivery.subject,
            delivery.body,
            attachment=delivery.attachment,
            connection=mail_connection,
        )
    if delivery.channel == Channel.SMS:
        p = delivery.params or {}
        return (sms or ch.sms_gateway()).send(
            delivery.to, p.get("template", ""), p.get("params", {}), delivery.body
        )
    if delivery.channel == Channel.WECOM:
        return ch.send_wecom(delivery.hook.url, ch.wecom_message(delivery.body))
    raise ch.SendError(f"unknown channel {delivery.channel}", permanent=True)


def deliver(ids: list[int], *, now: datetime.datetime | None = None) -> list[int]:
    """Send the given deliveries that are due. A delivery is claimed (status `sending`,
    one more attempt) in a committed write before its message leaves, so a task run
    again after a crash never sends a message twice: what a crash interrupted stays
    `sending` and `sweep` reports it. Returns the ids to try again later."""
    from django.core.mail import get_connection

    now = now or timezone.now()
    S = Delivery.Status
    due = list(
        Delivery.objects.filter(pk__in=ids, status__in=[S.PENDING, S.HELD])
        .exclude(not_before__gt=now)
        .select_related("hook")
        .order_by("pk")
    )
    mail = get_connection() if any(d.channel == Channel.EMAIL for d in due) else None
    sms = ch.sms_gateway() if any(d.channel == Channel.SMS for d in due) else None
    again = []
    try:
        if mail is not None:
            try:
                mail.open()
            except Exception as e:  # the SMTP server is down: each e-mail counts a try
                mail = _Unreachable(f"{e.__class__.__name__}: {e}")
        for d in due:
            claimed = Delivery.objects.filter(pk=d.pk, status__in=[S.PENDING, S.HELD]).update(
                status=S.SENDING, attempts=d.attempts + 1
            )
            if not claimed:
                continue
            d.attempts += 1
            try:
                answer = send_one(d, mail_connection=mail, sms=sms)
            except ch.SendError as e:
                final = e.permanent or d.attempts >= MAX_ATTEMPTS
                Delivery.objects.filter(pk=d.pk).update(
                    status=S.FAILED if final else S.PENDING,
                    answer=e.answer[:2000],
                    not_before=None if final else now + datetime.timedelta(minutes=2**d.attempts),
                )
                if final:
                    log.error("delivery %s (%s to %s) failed: %s", d.pk, d.channel, d.to, e.answer)
                    _tell_administrators(d, e.answer)
                else:
                    again.append(d.pk)
                continue
            Delivery.objects.filter(pk=d.pk).update(status=S.SENT, answer=answer, sent_at=now)
    finally:
        if mail is not None:
            mail.close()
    return again


def _tell_administrators(d: Delivery, answer: str) -> None:
    """A failed delivery is listed in the admin's delivery log; administrators also
    get a notice in their inbox (which cannot itself fail)."""
    from django.contrib.auth import get_user_model

    shown_to = mask(d.to) if d.channel == Channel.SMS else d.to
    for admin in get_user_model().objects.filter(is_superuser=True, is_active=True):
        create(
            Notice(
                "delivery.failed",
                f"delivery.failed:{d.pk}",
                Recipient.of(admin),
                {
                    "channel": Channel(d.channel).label,
                    "to": shown_to,
                    "subject": d.subject,
                    "attempts": d.attempts,
                    "answer": answer[:300],
                },
                url=f"/admin/notify/delivery/{d.pk}/change/",
            ),
            inapp_only=True,
        )


def sweep(now: datetime.datetime | None = None) -> int:
    """Deliveries left `sending` by a crashed worker: whether the message left is
    unknown, so they are marked failed for an administrator to look at, not resent."""
    now = now or timezone.now()
    return Delivery.objects.filter(
        status=Delivery.Status.SENDING, created__lt=now - datetime.timedelta(minutes=15)
    ).update(
        status=Delivery.Status.FAILED,
        answer="interrupted while sending: the message may or may not have left",
    )


# --- events ---------------------------------------------------------------------------


def on_event(sender: Any, *, kind: str, obj: Any, actor: Any, data: dict, **_: Any) -> None:
    """The `core.notices.happened` listener: queue the fan-out in the caller's
    transaction (so it exists exactly when the event does); nothing else in the request."""
    from . import rules
    from .tasks import fan_out

    if not settings.CHAMBER_NOTIFY or kind not in rules.EVENT_RULES:
        return
    fan_out.enqueue(kind, obj._meta.label, obj.pk, getattr(actor, "pk", None), _jsonable(data))


def _jsonable(data: dict) -> dict:
    out = {}
    for k, v in data.items():
        if isinstance(v, datetime.date | datetime.datetime):
            v = v.isoformat()
        elif hasattr(v, "pk"):
            v = v.pk
        out[k] = v
    return out


def notify_all(notices: Iterable[Notice], groups: Iterable[tuple] = ()) -> int:
    """Store notices and group posts, queue their deliveries; returns the notices made."""
    deliveries: list[Delivery] = []
    cache: dict = {}
    made = 0
    batch = list(notices)
    # a few hundred notices at a time: a few queries each, not several per notice
    for i in range(0, len(batch), 500):
        chunk = batch[i : i + 500]
        deliveries.extend(create_many(chunk, cache=cache))
        made += len(chunk)
    with transaction.atomic():
        for g in groups:
            deliveries.extend(post_to_groups(*g))
        schedule_deliveries(deliveries)
    return made


def mark_read(user: Any, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
