"""Each kind of notice: its name, its default channels, and its built-in wording in
Chinese and English (an administrator's `Template` row replaces a wording). Bodies are
Django templates over the context the rule builds (notify.rules)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .models import Channel

IN_APP_AND_MAIL = (Channel.INAPP, Channel.EMAIL)


@dataclass(frozen=True)
class Kind:
    name: str
    label: object
    zh: tuple[str, str]
    en: tuple[str, str]
    user_channels: tuple[str, ...] = IN_APP_AND_MAIL  # staff users
    contact_channels: tuple[str, ...] = (Channel.SMS, Channel.EMAIL)  # contacts (no account)
    sms_params: tuple[str, ...] = ()
    wecom: bool = False  # also posted to the organisation's WeCom group robots
    sms_template: str = ""
    extra: dict = field(default_factory=dict)


KINDS: dict[str, Kind] = {}


def _k(kind: Kind) -> None:
    KINDS[kind.name] = kind


_k(
    Kind(
        "case.assign",
        _("case assigned to you"),
        (
            "诉求交您办理：{{ title }}",
            "{{ enterprise }}的诉求“{{ title }}”已交您办理{% if due_on %}，办理期限{{ due_on }}{% endif %}。\n"
            "{% if contact or phone %}联系人：{{ contact }} {{ phone }}\n{% endif %}{{ url }}",
        ),
        (
            "Case assigned to you: {{ title }}",
            "The case “{{ title }}” of {{ enterprise }} is now yours{% if due_on %}, due {{ due_on }}{% endif %}.\n"
            "{% if contact or phone %}Contact: {{ contact }} {{ phone }}\n{% endif %}{{ url }}",
        ),
        wecom=True,
    )
)
_k(
    Kind(
        "case.hand_over",
        _("case handed over to a department"),
        (
            "诉求交办：{{ title }}",
            "{{ organization }}将{{ enterprise }}的诉求“{{ title }}”交{{ department }}办理，"
            "请于{{ due_on }}前办结。{{ url }}",
        ),
        (
            "Case handed over: {{ title }}",
            "{{ organization }} handed the case “{{ title }}” of {{ enterprise }} to {{ department }}; "
            "due {{ due_on }}. {{ url }}",
        ),
        sms_params=("title", "department", "due_on"),
        wecom=True,
        sms_template="SMS_CASE_HANDOVER",
    )
)
_k(
    Kind(
        "case.digest",
        _("daily digest of cases due and overdue"),
        (
            "诉求办理提醒（{{ date }}）：{{ overdue|length }}件逾期，{{ due|length }}件即将到期",
            "{% if overdue %}已逾期：\n{% for c in overdue %}· {{ c.title }}（{{ c.enterprise }}，期限{{ c.due_on }}）\n{% endfor %}{% endif %}"
            "{% if due %}3个工作日内到期：\n{% for c in due %}· {{ c.title }}（{{ c.enterprise }}，期限{{ c.due_on }}）\n{% endfor %}{% endif %}"
            "{% if follow_up %}办结满5个工作日待回访：\n{% for c in follow_up %}· {{ c.title }}（{{ c.enterprise }}，办结于{{ c.resolved_on }}）\n{% endfor %}{% endif %}"
            "{{ url }}",
        ),
        (
            "Cases on {{ date }}: {{ overdue|length }} overdue, {{ due|length }} due soon",
            "{% if overdue %}Overdue:\n{% for c in overdue %}· {{ c.title }} ({{ c.enterprise }}, due {{ c.due_on }})\n{% endfor %}{% endif %}"
            "{% if due %}Due within 3 working days:\n{% for c in due %}· {{ c.title }} ({{ c.enterprise }}, due {{ c.due_on }})\n{% endfor %}{% endif %}"
            "{% if follow_up %}Resolved 5 working days ago, awaiting follow-up:\n{% for c in follow_up %}· {{ c.title }} ({{ c.enterprise }}, resolved {{ c.resolved_on }})\n{% endfor %}{% endif %}"
            "{{ url }}",
        ),
    )
)
_k(
    Kind(
        "proposal.reply_due",
        _("proposal reply due or overdue"),
        (
            "提案答复提醒：{{ proposals|length }}件",
            "{% for p in proposals %}· {{ p.title }}：答复期限{{ p.reply_due }}{% if p.overdue %}（已逾期）{% endif %}\n{% endfor %}{{ url }}",
        ),
        (
            "Proposal replies: {{ proposals|length }}",
            "{% for p in proposals %}· {{ p.title }}: reply due {{ p.reply_due }}{% if p.overdue %} (overdue){% endif %}\n{% endfor %}{{ url }}",
        ),
    )
)
_k(
    Kind(
        "event.confirmed",
        _("event sign-up confirmed"),
        (
            "报名成功：{{ event }}",
            "您已报名“{{ event }}”，时间{{ starts }}，地点{{ place }}。入场凭证：{{ ticket }}",
        ),
        (
            "Signed up: {{ event }}",
            "You are signed up for “{{ event }}” on {{ starts }} at {{ place }}. Ticket: {{ ticket }}",
        ),
        sms_params=("event", "starts", "place", "ticket"),
        sms_template="SMS_EVENT_CONFIRMED",
    )
)
_k(
    Kind(
        "event.waitlisted",
        _("event sign-up on the waiting list"),
        (
            "已进入候补名单：{{ event }}",
            "“{{ event }}”名额已满，您已进入候补名单，有空位时将通知您。",
        ),
        (
            "On the waiting list: {{ event }}",
            "“{{ event }}” is full; you are on the waiting list and will be told when a place frees up.",
        ),
        sms_params=("event",),
        sms_template="SMS_EVENT_WAITLISTED",
    )
)
_k(
    Kind(
        "event.promoted",
        _("moved up from the waiting list"),
        (
            "候补转正：{{ event }}",
            "“{{ event }}”有空位，您的报名已确认。时间{{ starts }}，地点{{ place }}。入场凭证：{{ ticket }}",
        ),
        (
            "A place for you: {{ event }}",
            "A place freed up at “{{ event }}”: you are confirmed. {{ starts }} at {{ place }}. Ticket: {{ ticket }}",
        ),
        sms_params=("event", "starts", "place", "ticket"),
        sms_template="SMS_EVENT_PROMOTED",
    )
)
_k(
    Kind(
        "event.reminder",
        _("event tomorrow"),
        (
            "活动提醒：明天{{ event }}",
            "提醒：“{{ event }}”将于{{ starts }}在{{ place }}举行。入场凭证：{{ ticket }}",
        ),
        (
            "Reminder: {{ event }} tomorrow",
            "Reminder: “{{ event }}” is on {{ starts }} at {{ place }}. Ticket: {{ ticket }}",
        ),
        sms_params=("event", "starts", "place", "ticket"),
        sms_template="SMS_EVENT_REMINDER",
    )
)
_k(
    Kind(
        "event.cancelled",
        _("event cancelled"),
        ("活动取消：{{ event }}", "很抱歉，原定{{ starts }}的“{{ event }}”已取消。{{ reason }}"),
        (
            "Cancelled: {{ event }}",
            "We are sorry: “{{ event }}” on {{ starts }} is cancelled. {{ reason }}",
        ),
        sms_params=("event", "starts"),
        sms_template="SMS_EVENT_CANCELLED",
    )
)
_k(
    Kind(
        "dues.notice",
        _("dues for the new year"),
        (
            "{{ year }}年度会费缴纳通知",
            "{{ member }}：{{ organization }}{{ year }}年度会费{{ amount }}元，请及时缴纳。",
        ),
        (
            "Dues for {{ year }}",
            "{{ member }}: your {{ year }} dues to {{ organization }} are CNY {{ amount }}.",
        ),
        sms_params=("member", "organization", "year", "amount"),
        sms_template="SMS_DUES_NOTICE",
    )
)
_k(
    Kind(
        "digest.weekly",
        _("weekly digest"),
        (
            "{{ organization }}本周工作（{{ start }}至{{ end }}）",
            "新入会{{ joined }}家；走访{{ visits }}家次；新收诉求{{ cases_raised }}件，逾期{{ cases_overdue }}件；"
            "举办活动{{ events }}场。\n{{ url }}",
        ),
        (
            "{{ organization }} this week ({{ start }} to {{ end }})",
            "{{ joined }} new members; {{ visits }} enterprise visits; {{ cases_raised }} cases raised, "
            "{{ cases_overdue }} overdue; {{ events }} events.\n{{ url }}",
        ),
        wecom=True,
    )
)
_k(
    Kind(
        "digest.monthly",
        _("monthly figures"),
        (
            "{{ organization }}{{ month }}工作数据",
            "{{ organization }}{{ month }}的工作数据见附件。\n{{ url }}",
        ),
        (
            "{{ organization }}: figures for {{ month }}",
            "The figures of {{ organization }} for {{ month }} are attached.\n{{ url }}",
        ),
    )
)
_k(
    Kind(
        "import.done",
        _("import finished"),
        (
            "导入完成：{{ file }}",
            "“{{ file }}”已导入{{ organization }}：{{ changes }}处新增或更新。{{ url }}",
        ),
        (
            "Import finished: {{ file }}",
            "“{{ file }}” was imported into {{ organization }}: {{ changes }} records created or updated. {{ url }}",
        ),
        user_channels=(Channel.INAPP,),
    )
)
_k(
    Kind(
        "import.failed",
        _("import failed"),
        (
            "导入未完成：{{ file }}",
            "“{{ file }}”未能导入{{ organization }}，没有写入任何数据。{{ problem }} {{ url }}",
        ),
        (
            "Import failed: {{ file }}",
            "“{{ file }}” was not imported into {{ organization }}; nothing was written. {{ problem }} {{ url }}",
        ),
        user_channels=(Channel.INAPP, Channel.EMAIL),
    )
)
_k(
    Kind(
        "test",
        _("test message"),
        ("商会系统测试消息", "这是一条测试消息，发送于{{ now }}。"),
        ("Chamber test message", "This is a test message, sent at {{ now }}."),
        sms_params=("now",),
        sms_template="SMS_TEST",
    )
)
_k(
    Kind(
        "delivery.failed",
        _("a message could not be delivered"),
        (
            "消息发送失败：{{ channel }}至{{ to }}",
            "“{{ subject }}”未能送达（已尝试{{ attempts }}次）。服务商应答：{{ answer }}",
        ),
        (
            "Not delivered: {{ channel }} to {{ to }}",
            "“{{ subject }}” could not be delivered ({{ attempts }} attempts). The provider said: {{ answer }}",
        ),
        user_channels=(Channel.INAPP,),
    )
)

# Kinds a staff user receives (the others go to members' contacts or to administrators).
STAFF_KINDS = (
    "case.assign",
    "case.hand_over",
    "case.digest",
    "proposal.reply_due",
    "digest.weekly",
    "digest.monthly",
    "import.done",
    "import.failed",
)
