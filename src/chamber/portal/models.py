"""Member accounts, sign-in codes, change requests, notices and what the portal keeps
beside the cases it raises (photos, the member's own ratings)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chamber.casework.models import Case
from chamber.members.choices import Rank
from chamber.members.models import Enterprise, Person
from chamber.orgs.models import Organization
from chamber.orgs.scope import ScopedQuerySet


class MemberAccountQuerySet(ScopedQuerySet):
    pass


class MemberAccount(models.Model):
    """A member's sign-in, bound to one `Person`. The user behind it holds no staff
    role, so the scope rule gives it nothing on staff pages; the portal's selectors
    read by the person instead. `organization` is the chamber that invited the member
    (the activation rate is counted per chamber)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member_account"
    )
    person = models.OneToOneField(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="account"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("invited by"), on_delete=models.PROTECT, related_name="+"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(_("invited"), default=timezone.now)
    # The invitation link's token, hashed (SHA-256): the link names the account, the
    # SMS code proves the phone; the link alone signs nobody in.
    invite_token_hash = models.CharField(max_length=64, unique=True)
    activated_at = models.DateTimeField(_("first sign-in"), null=True, blank=True)
    consent_version = models.CharField(_("notice accepted"), max_length=20, blank=True)
    consent_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    is_demo = models.BooleanField(default=False, editable=False)

    objects = MemberAccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("member account")
        verbose_name_plural = _("member accounts")
        ordering = ["-invited_at", "-id"]
        indexes = [models.Index(fields=["organization", "activated_at"], name="account_org_active")]

    def __str__(self) -> str:
        return str(self.person)

    @staticmethod
    def scope_condition(org_ids: frozenset[int]) -> Q:
        return Q(organization_id__in=org_ids)

    @property
    def is_active_member(self) -> bool:
        return self.activated_at is not None


class LoginCode(models.Model):
    """One SMS code asked for. Rows are kept also for numbers that have no account
    (nothing is sent then): the rate limits count every request, and the answer is the
    same either way. The code is stored as a salted hash, never in clear."""

    mobile = models.CharField(max_length=11, db_index=True)
    account = models.ForeignKey(MemberAccount, null=True, blank=True, on_delete=models.CASCADE)
    code_hash = models.CharField(max_length=128)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()
    tries = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["ip", "created_at"], name="logincode_ip")]

    def __str__(self) -> str:
        return f"{self.mobile[:3]}****{self.mobile[-4:]} {self.created_at:%Y-%m-%d %H:%M}"


class ChangeStatus(models.TextChoices):
    PENDING = "pending", _("waiting for approval")
    APPROVED = "approved", _("approved")
    REFUSED = "refused", _("refused")


class ChangeRequestQuerySet(ScopedQuerySet):
    pass


class ChangeRequest(models.Model):
    """A member's proposed change to their enterprise's record: `changes` maps each
    field to [value when proposed, proposed value]. Staff approve (it enters the
    register through members.services.update_enterprise) or refuse with a reason."""

    account = models.ForeignKey(MemberAccount, on_delete=models.PROTECT, related_name="changes")
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="+"
    )
    changes = models.JSONField(_("proposed changes"), default=dict)
    note = models.CharField(_("note"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.PENDING
    )
    created = models.DateTimeField(_("proposed"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    objects = ChangeRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.get_status_display()}"

    @staticmethod
    def scope_condition(org_ids: frozenset[int]) -> Q:
        from chamber.members.models import Membership

        return Q(
            enterprise_id__in=Membership.objects.filter(organization_id__in=org_ids).values(
                "enterprise_id"
            )
        )


class NoticeQuerySet(ScopedQuerySet):
    pass


class Notice(models.Model):
    """A notice to members: to the members of a chamber's subtree, narrowed by
    industry section and rank when given."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("chamber"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    industry_section = models.CharField(_("industry section"), max_length=1, blank=True)
    rank = models.CharField(_("rank"), max_length=24, choices=Rank.choices, blank=True)
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice to members")
        verbose_name_plural = _("notices to members")
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @staticmethod
    def scope_condition(org_ids: frozenset[int]) -> Q:
        return Q(organization_id__in=org_ids)


def _photo_path(instance: ProblemPhoto, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower()[:5] if "." in filename else "bin"
    return f"portal/cases/{timezone.localdate():%Y/%m}/{instance.case_id}-{timezone.now():%H%M%S%f}.{ext}"


class ProblemPhoto(models.Model):
    """A photo a member attached to a problem raised in the portal."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="portal_photos")
    file = models.FileField(upload_to=_photo_path)
    content_type = models.CharField(max_length=40)
    uploaded_by = models.ForeignKey(MemberAccount, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.file.name


class MemberRating(models.Model):
    """The follow-up rating a member gave in the portal: one per resolution (a case
    reopened and resolved again can be rated again). The case's follow-up step is
    taken through the casework service; this row says the member gave it, so the
    timeline tells it from a staff-recorded phone follow-up."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="portal_ratings")
    round = models.PositiveSmallIntegerField(default=0)
    account = models.ForeignKey(MemberAccount, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "round"], name="one_member_rating_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.round}"
