"""Political participation: members' posts in people's congresses and CPPCC
committees (政治安排), and the proposals, motions and suggestions they submit."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from chamber.members.models import Person
from chamber.orgs.models import Organization
from chamber.orgs.scope import ScopedQuerySet

from .choices import (
    AWAITING_REPLY,
    Body,
    Grade,
    Level,
    PostRole,
    ProposalKind,
    Satisfaction,
    Status,
    Step,
)

_ZH_DIGITS = "零一二三四五六七八九"


def zh_number(n: int) -> str:
    """1..99 in Chinese numerals, as terms are written (第五届, 第十三届)."""
    if n < 10:
        return _ZH_DIGITS[n]
    tens, units = divmod(n, 10)
    head = "" if tens == 1 else _ZH_DIGITS[tens]
    return f"{head}十{_ZH_DIGITS[units] if units else ''}" if n < 100 else str(n)


def _chinese() -> bool:
    return (get_language() or "zh").startswith("zh")


def term_label(term: int) -> str:
    """A term number as staff write it: 第五届 in Chinese, "term 5" in English."""
    return f"第{zh_number(term)}届" if _chinese() else f"term {term}"


def body_term_label(place: str, body: str, term: int) -> str:
    """宝安区政协第五届 in Chinese; "宝安区 CPPCC, term 5" in English."""
    if _chinese():
        return f"{place}{Body(body).label}{term_label(term)}"
    return f"{place} {Body(body).label}, {term_label(term)}".strip()


def _visible_people(org_ids: frozenset[int]):
    return Person.objects.filter(Person.scope_condition(org_ids))


class BodyTerm(models.Model):
    """A term (届) of a people's congress or a CPPCC committee, with its dates: e.g. the
    5th Bao'an District CPPCC, from 2016-11-28. Every post of the term ends with it (on
    `ends`, or when the next term starts)."""

    body = models.CharField(_("body"), max_length=8, choices=Body.choices)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    place = models.CharField(_("place"), max_length=50, blank=True)
    number = models.PositiveSmallIntegerField(
        _("term"), validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    starts = models.DateField(_("starts"))
    ends = models.DateField(
        _("ends"), null=True, blank=True, help_text=_("The day the term ended (the next began).")
    )

    class Meta:
        verbose_name = _("term of a congress or committee")
        verbose_name_plural = _("terms of congresses and committees")
        ordering = ["level", "body", "place", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "level", "place", "number"], name="one_body_term"
            ),
            models.CheckConstraint(
                name="body_term_ends_after_start",
                condition=Q(ends__isnull=True) | Q(ends__gt=models.F("starts")),
            ),
        ]

    def __str__(self) -> str:
        return body_term_label(self.place, self.body, self.number)


def term_ended(on: datetime.date, *, number: Any = None) -> Q:
    """The condition that a post's term (or term `number`) ended on or before `on`: its
    end date has come, or the next term has begun (recorded as a term, or by a post)."""
    number = OuterRef("term") if number is None else number
    same = {"body": OuterRef("body"), "level": OuterRef("level"), "place": OuterRef("place")}
    return (
        Q(Exists(BodyTerm.objects.filter(**same, number=number, ends__lte=on)))
        | Q(Exists(BodyTerm.objects.filter(**same, number=number + 1, starts__lte=on)))
        | Q(Exists(PoliticalPost.objects.filter(**same, term=number + 1, start__lte=on)))
    )


class PostQuerySet(ScopedQuerySet):
    def in_force(self, on: datetime.date) -> PostQuerySet:
        """Posts held on `on`: started on or before it, not yet ended (end is the day the
        post ended, as a membership's `left`), and their term not over: a post ends with
        its term whatever its own end says."""
        return self.filter(Q(end__isnull=True) | Q(end__gt=on), start__lte=on).exclude(
            term_ended(on)
        )

    def with_in_force(self, on: datetime.date | None = None) -> PostQuerySet:
        """Each post annotated `in_force_today` (on `on`, default today): one query for a
        list, instead of one per post."""
        on = on or timezone.localdate()
        held = Q(start__lte=on) & (Q(end__isnull=True) | Q(end__gt=on)) & ~term_ended(on)
        return self.annotate(in_force_today=ExpressionWrapper(held, output_field=BooleanField()))

    def ended_with_term(self, on: datetime.date) -> PostQuerySet:
        """Posts whose term is over by `on` though the post itself was never ended: the
        people to re-record after an election (unless they hold a post of a later term
        of the same body)."""
        later = PoliticalPost.objects.filter(
            person=OuterRef("person"),
            body=OuterRef("body"),
            level=OuterRef("level"),
            place=OuterRef("place"),
            term__gt=OuterRef("term"),
        )
        return (
            self.filter(Q(end__isnull=True) | Q(end__gt=on), start__lte=on)
            .filter(term_ended(on))
            .exclude(Exists(later))
        )


class PoliticalPost(models.Model):
    """A person's seat in a people's congress or a CPPCC committee for one term: e.g.
    member of the 5th Bao'an District CPPCC committee, business sector group.

    Visible where the person is visible, and to the organisation that recorded it."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="political_posts"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    body = models.CharField(_("body"), max_length=8, choices=Body.choices)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    place = models.CharField(
        pgettext_lazy("jurisdiction", "place"),
        max_length=50,
        blank=True,
        help_text=_("Where the body sits, e.g. 宝安区, 深圳市, 广东省; empty for national."),
    )
    term = models.PositiveSmallIntegerField(
        _("term"), validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    role = models.CharField(pgettext_lazy("post", "role"), max_length=20, choices=PostRole.choices)
    sector = models.CharField(
        _("sector group"), max_length=50, blank=True, help_text=_("e.g. 工商联界, 经济界")
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("political post")
        verbose_name_plural = _("political posts")
        ordering = ["level", "body", "-start", "id"]
        constraints = [
            models.CheckConstraint(
                name="post_end_after_start",
                condition=Q(end__isnull=True) | Q(end__gt=models.F("start")),
            ),
        ]
        indexes = [
            models.Index(fields=["body", "level", "term"], name="post_body_level_term"),
            models.Index(fields=["start"], name="post_start"),
            models.Index(fields=["end"], name="post_end"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.body_label} · {self.get_role_display()}"

    @staticmethod
    def scope_condition(org_ids: frozenset[int]) -> Q:
        return Q(organization_id__in=org_ids) | Q(person__in=_visible_people(org_ids))

    @property
    def body_label(self) -> str:
        """E.g. 宝安区政协第五届 / 宝安区 CPPCC, term 5."""
        return body_term_label(self.place, self.body, self.term)

    def is_in_force(self, on: datetime.date | None = None) -> bool:
        """Held on `on` (default today), its term not over (see `with_in_force` for
        lists)."""
        if on is None and hasattr(self, "in_force_today"):
            return self.in_force_today
        on = on or timezone.localdate()
        return PoliticalPost.objects.filter(pk=self.pk).in_force(on).exists()


class HandlingUnit(models.Model):
    """A government department or other unit that handles proposals (承办单位), such as
    区发展和改革局 or 区人力资源局. Reference data, kept by administrators."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, blank=True)
    active = models.BooleanField(pgettext_lazy("handling unit", "active"), default=True)

    class Meta:
        verbose_name = _("handling unit")
        verbose_name_plural = _("handling units")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name or self.name


class Topic(models.Model):
    """A subject a proposal is about (营商环境, 人才住房 ...), for figures by topic."""

    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProposalQuerySet(ScopedQuerySet):
    def overdue(self, on: datetime.date | None = None) -> ProposalQuerySet:
        """Waiting for a reply past its due date."""
        on = on or timezone.localdate()
        return self.filter(status__in=AWAITING_REPLY, reply_due__lt=on)


class Proposal(models.Model):
    """A CPPCC proposal (提案), a congress motion (议案) or a deputy's suggestion (建议),
    from drafting to closing. The status and the dates of each step are kept here for
    lists and figures; every step also writes a `ProposalStep` row (the timeline)."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ProposalKind.choices)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    place = models.CharField(pgettext_lazy("jurisdiction", "place"), max_length=50, blank=True)
    session_year = models.PositiveSmallIntegerField(
        _("session year"), validators=[MinValueValidator(1949), MaxValueValidator(2100)]
    )
    session_term = models.PositiveSmallIntegerField(
        _("term"), validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    session_sitting = models.PositiveSmallIntegerField(
        _("sitting"), validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    number = models.CharField(_("number"), max_length=30, blank=True)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True)
    lead = models.ForeignKey(
        Person,
        verbose_name=_("lead submitter"),
        on_delete=models.PROTECT,
        related_name="lead_proposals",
    )
    co_submitters = models.ManyToManyField(
        Person, verbose_name=_("co-submitters"), blank=True, related_name="co_proposals"
    )
    topics = models.ManyToManyField(
        Topic, verbose_name=_("topics"), blank=True, related_name="proposals"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFTED
    )
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    file_number = models.CharField(_("filing number"), max_length=30, blank=True)
    decided_on = models.DateField(_("not filed or merged on"), null=True, blank=True)
    decline_reason = models.CharField(_("reason not filed"), max_length=300, blank=True)
    passed_on_as_opinion = models.BooleanField(_("passed on as an opinion"), default=False)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
    )
    lead_unit = models.ForeignKey(
        HandlingUnit,
        verbose_name=_("lead handling unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead_proposals",
    )
    co_handlers = models.ManyToManyField(
        HandlingUnit, verbose_name=_("co-handling units"), blank=True, related_name="+"
    )
    assigned_on = models.DateField(_("assigned on"), null=True, blank=True)
    reply_due = models.DateField(_("reply due"), null=True, blank=True)
    due_extended = models.BooleanField(_("due date extended"), default=False)
    extension_reason = models.CharField(_("reason for the extension"), max_length=300, blank=True)
    signed_on = models.DateField(_("signed for on"), null=True, blank=True)
    first_replied_on = models.DateField(_("first replied on"), null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices, blank=True)
    satisfaction = models.CharField(
        _("satisfaction"), max_length=12, choices=Satisfaction.choices, blank=True
    )
    closed_on = models.DateField(pgettext_lazy("proposal", "closed on"), null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-session_year", "-submitted_on", "-id"]
        indexes = [
            models.Index(fields=["submitted_on"], name="proposal_submitted"),
            models.Index(fields=["status", "reply_due"], name="proposal_status_due"),
            models.Index(fields=["session_year", "kind"], name="proposal_year_kind"),
        ]

    def __str__(self) -> str:
        return self.title

    @staticmethod
    def scope_condition(org_ids: frozenset[int]):
        """Visible to the organisation that recorded it, and wherever one of its
        submitters is visible (a chamber sees what its members submitted)."""
        people = _visible_people(org_ids)
        co = Proposal.co_submitters.through.objects.filter(
            proposal=OuterRef("pk"), person__in=people
        )
        return Q(organization_id__in=org_ids) | Q(lead__in=people) | Exists(co)

    @property
    def body(self) -> str:
        from .choices import BODY_OF_KIND

        return BODY_OF_KIND[self.kind]

    @property
    def session_label(self) -> str:
        """E.g. 2016 · 宝安区政协第五届第一次会议 / 2016 · 宝安区 CPPCC, term 5, sitting 1."""
        body = body_term_label(self.place, self.body, self.session_term)
        if _chinese():
            return f"{self.session_year} · {body}第{zh_number(self.session_sitting)}次会议"
        return f"{self.session_year} · {body}, sitting {self.session_sitting}"

    def is_overdue(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.status in AWAITING_REPLY and self.reply_due is not None and self.reply_due < on


class Reply(models.Model):
    """A handling unit's written reply, and the submitter's evaluation of it. A proposal
    re-handled after an unsatisfied evaluation gets a second round."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="replies")
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    unit = models.ForeignKey(
        HandlingUnit, verbose_name=_("replying unit"), on_delete=models.PROTECT, related_name="+"
    )
    replied_on = models.DateField(_("replied on"))
    text = models.TextField(_("reply"))
    attachment = models.FileField(_("attachment"), upload_to="proposals/replies/%Y/", blank=True)
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices)
    due = models.DateField(_("was due"), null=True, blank=True)
    late = models.BooleanField(_("replied late"), default=False)
    satisfaction = models.CharField(
        _("satisfaction"), max_length=12, choices=Satisfaction.choices, blank=True
    )
    evaluated_on = models.DateField(_("evaluated on"), null=True, blank=True)
    evaluation_note = models.CharField(_("submitter's comment"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["proposal", "round"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "round"], name="one_reply_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.proposal} · {self.round} · {self.grade}"


class ProposalStep(models.Model):
    """One row of a proposal's timeline: which step, on which day, by whom, from which
    status to which, with the unit concerned and a note."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(_("step"), max_length=12, choices=Step.choices)
    on = models.DateField(_("date"))
    from_status = models.CharField(_("from"), max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    unit = models.ForeignKey(
        HandlingUnit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    # Recorded more than CHAMBER_LATE_ENTRY_AFTER after the day it happened (补录).
    entered_late = models.BooleanField(_("entered late"), default=False)

    class Meta:
        verbose_name = _("proposal step")
        verbose_name_plural = _("proposal steps")
        ordering = ["proposal", "id"]  # recording order: the lifecycle order

    def __str__(self) -> str:
        return f"{self.on} {self.get_step_display()}"
