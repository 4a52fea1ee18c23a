"""Writes of the members' portal. Staff-side writes check the actor's scope like every
service; member-side writes check that the record is the member's own (through the
selectors' `Member`) and then call the domain's services as the system (actor=None,
since a member holds no staff role), recording the member as the actor in an audit
entry of their own."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from chamber.activities import services as activities
from chamber.activities.models import Event, Registration
from chamber.casework import services as casework
from chamber.casework.choices import CaseSource, Satisfaction, Status
from chamber.casework.models import Case, Category
from chamber.core import audit
from chamber.members import services as members
from chamber.members.models import Enterprise, Membership, Person
from chamber.orgs import scope
from chamber.orgs.choices import Perm
from chamber.orgs.models import Organization

from . import sms
from .models import (
    ChangeRequest,
    ChangeStatus,
    LoginCode,
    MemberAccount,
    MemberRating,
    Notice,
    ProblemPhoto,
)
from .selectors import Member

# The personal-information notice's version: a new version asks every member again.
CONSENT_VERSION = "2026-12"

CODE_TTL = datetime.timedelta(minutes=5)
CODE_TRIES = 5  # wrong answers allowed per code
CODE_GAP = datetime.timedelta(seconds=60)  # between two codes to one number
CODES_PER_NUMBER_HOUR = 5
CODES_PER_ADDRESS_HOUR = 20
LOCKOUT_BASE = datetime.timedelta(minutes=5)  # doubled for each code guessed out in 24 h
INVITE_TTL_DAYS = 30

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")

# Fields a member may propose to change on their enterprise's record.
CHANGEABLE_FIELDS = [
    "contact_name",
    "contact_phone",
    "business_address",
    "registered_address",
    "employees",
    "main_products",
]


def normalize_mobile(raw: str) -> str:
    mobile = re.sub(r"[\s-]", "", raw or "")
    if mobile.startswith("+86"):
        mobile = mobile[3:]
    if not MOBILE_RE.match(mobile):
        raise ValidationError({"mobile": _("Enter an 11-digit mainland mobile number.")})
    return mobile


def _digest(value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def _code_hash(mobile: str, code: str, salt: str) -> str:
    return f"{salt}${_digest(f'{salt}:{mobile}:{code}')}"


def _code_matches(row: LoginCode, code: str) -> bool:
    salt, _sep, _rest = row.code_hash.partition("$")
    return hmac.compare_digest(row.code_hash, _code_hash(row.mobile, code, salt))


# --- Invitations ---------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invite(*, actor: Any, person: Person, organization: Organization) -> tuple[MemberAccount, str]:
    """Invite `person` to the portal on behalf of `organization` (a chamber in the
    actor's scope where the person is a member or works at a member). Returns the
    account and the invitation token (only its hash is stored); inviting again issues
    a new link and voids the old one."""
    scope.require(actor, Perm.CHANGE, organization.pk)
    errors: dict[str, str] = {}
    if not person.mobile:
        errors["person"] = _("%(name)s has no mobile number in the register.") % {
            "name": person.name
        }
    in_chamber = Membership.objects.active().filter(
        organization__path__startswith=organization.path
    )
    if not (
        in_chamber.filter(person=person).exists()
        or (person.enterprise_id and in_chamber.filter(enterprise_id=person.enterprise_id).exists())
        or in_chamber.filter(enterprise__roles__person=person).exists()
    ):
        errors["person"] = _("%(name)s is not with a member of %(org)s.") % {
            "name": person.name,
            "org": organization.name,
        }
    if errors:
        raise ValidationError(errors)
    token = secrets.token_urlsafe(24)
    account = MemberAccount.objects.filter(person=person).select_related("user").first()
    if account is None:
        # The user's 姓名 is the person's (one-character family name), as staff see it.
        user = get_user_model().objects.create_user(
            username=f"member-{person.pk}", last_name=person.name[:1], first_name=person.name[1:]
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        account = MemberAccount.objects.create(
            user=user,
            person=person,
            organization=organization,
            invited_by=actor if getattr(actor, "is_authenticated", False) else None,
            invite_token_hash=token_hash(token),
        )
        action = audit.AuditAction.CREATE
    else:
        account.invite_token_hash = token_hash(token)
        account.invited_at = timezone.now()
        account.save(update_fields=["invite_token_hash", "invited_at"])
        action = audit.AuditAction.UPDATE
    audit.record(
        actor=actor,
        action=action,
        obj=account,
        subject=person,
        organization_id=organization.pk,
        changes={"invitation": organization.code},
    )
    return account, token


def account_for_token(token: str) -> MemberAccount | None:
    account = (
        MemberAccount.objects.select_related("person", "organization")
        .filter(invite_token_hash=token_hash(token or ""))
        .first()
    )
    if account and account.invited_at < timezone.now() - datetime.timedelta(days=INVITE_TTL_DAYS):
        return None
    return account


# --- Sign-in by SMS code -------------------------------------------------------------


def _lockout_until(mobile: str, now: datetime.datetime) -> datetime.datetime | None:
    """Back-off after codes guessed out: 5 minutes after the first in 24 hours,
    doubling with each further one."""
    burnt = list(
        LoginCode.objects.filter(
            mobile=mobile, tries__gte=CODE_TRIES, created_at__gte=now - datetime.timedelta(days=1)
        )
        .order_by("-created_at")
        .values_list("created_at", flat=True)
    )
    if not burnt:
        return None
    until = burnt[0] + LOCKOUT_BASE * (2 ** min(len(burnt) - 1, 8))
    return until if until > now else None


def request_code(*, mobile: str, ip: str | None) -> None:
    """Send a sign-in code to `mobile` if it belongs to a member account. The answer
    and the rate limits are the same whether or not it does, so nobody can probe
    who is a member; a row is kept either way (it is what the limits count)."""
    mobile = normalize_mobile(mobile)
    now = timezone.now()
    hour = now - datetime.timedelta(hours=1)
    recent = LoginCode.objects.filter(mobile=mobile, created_at__gte=hour)
    if recent.filter(created_at__gte=now - CODE_GAP).exists():
        raise ValidationError({"mobile": _("A code was sent a moment ago; wait a minute.")})
    if recent.count() >= CODES_PER_NUMBER_HOUR:
        raise ValidationError({"mobile": _("Too many codes for this number; try again later.")})
    if (
        ip
        and LoginCode.objects.filter(ip=ip, created_at__gte=hour).count() >= CODES_PER_ADDRESS_HOUR
    ):
        raise ValidationError({"mobile": _("Too many codes from this network; try again later.")})
    if _lockout_until(mobile, now):
        raise ValidationError(
            {"mobile": _("Too many wrong codes for this number; try again later.")}
        )
    account = (
        MemberAccount.objects.filter(person__mobile=mobile, user__is_active=True)
        .order_by("pk")
        .first()
    )
    code = f"{secrets.randbelow(1_000_000):06d}"
    LoginCode.objects.create(
        mobile=mobile,
        account=account,
        code_hash=_code_hash(mobile, code, secrets.token_hex(8)),
        ip=ip,
        created_at=now,
        expires_at=now + CODE_TTL,
    )
    if account is not None:
        sms.send_code(mobile, code)


def _wrong() -> ValidationError:
    return ValidationError({"code": _("The code is wrong or has expired.")})


def verify_code(*, mobile: str, code: str) -> MemberAccount:
    """The account whose number received `code` within 5 minutes; the code is used
    up. Each try is counted before the code is compared, by a conditional update, so
    concurrent guesses cannot pass CODE_TRIES; a number that never had an account
    fails the same way."""
    mobile = normalize_mobile(mobile)
    code = (code or "").strip()
    now = timezone.now()
    row = (
        LoginCode.objects.filter(mobile=mobile, used_at__isnull=True, expires_at__gt=now)
        .order_by("-created_at")
        .first()
    )
    if row is None:
        raise _wrong()
    counted = LoginCode.objects.filter(
        pk=row.pk, tries__lt=CODE_TRIES, used_at__isnull=True
    ).update(tries=F("tries") + 1)
    if not counted:
        raise ValidationError({"code": _("Too many wrong codes: ask for a new one.")})
    if not re.fullmatch(r"\d{6}", code) or not _code_matches(row, code) or row.account_id is None:
        raise _wrong()
    if not LoginCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now):
        raise _wrong()  # used by a concurrent request a moment ago: single use
    account = MemberAccount.objects.select_related("user", "person").get(pk=row.account_id)
    if not account.user.is_active:
        raise _wrong()
    with transaction.atomic():
        _first_sign_in(account, now)
    return account


def _first_sign_in(account: MemberAccount, now: datetime.datetime) -> None:
    if account.activated_at is None:
        account.activated_at = now
        account.save(update_fields=["activated_at"])
        audit.record(
            actor=account.user,
            action=audit.AuditAction.STEP,
            obj=account,
            subject=account.person,
            organization_id=account.organization_id,
            changes={"activated": now.isoformat()},
        )


def sign_in_with_password(*, mobile: str, password: str) -> MemberAccount | None:
    """The account for `mobile` whose (optional) password this is, or None."""
    mobile = normalize_mobile(mobile)
    for account in MemberAccount.objects.select_related("user", "person").filter(
        person__mobile=mobile, user__is_active=True
    ):
        if account.user.has_usable_password() and account.user.check_password(password):
            _first_sign_in(account, timezone.now())
            return account
    return None


@transaction.atomic
def accept_notice(*, account: MemberAccount) -> MemberAccount:
    """The member read and accepted the personal-information notice (PIPL arts. 13–17):
    its version and the time are recorded."""
    now = timezone.now()
    account.consent_version, account.consent_at = CONSENT_VERSION, now
    account.save(update_fields=["consent_version", "consent_at"])
    audit.record(
        actor=account.user,
        action=audit.AuditAction.UPDATE,
        obj=account,
        subject=account.person,
        organization_id=account.organization_id,
        changes={"consent_version": CONSENT_VERSION, "consent_at": now.isoformat()},
    )
    return account


def set_password(*, account: MemberAccount, password: str) -> None:
    from django.contrib.auth.password_validation import validate_password

    try:
        validate_password(password, account.user)
    except ValidationError as e:
        raise ValidationError({"password": e.messages}) from None
    account.user.set_password(password)
    account.user.save(update_fields=["password"])
    audit.record(
        actor=account.user,
        action=audit.AuditAction.UPDATE,
        obj=account,
        subject=account.person,
        organization_id=account.organization_id,
        changes={"password": "set"},
    )


# --- Change requests -----------------------------------------------------------------


def _plain(value: Any) -> Any:
    return "" if value is None else str(value)


@transaction.atomic
def propose_change(
    *, member: Member, enterprise: Enterprise, data: dict[str, Any], note: str = ""
) -> ChangeRequest:
    if enterprise.pk not in member.enterprise_ids:
        raise ValidationError(_("This is not your enterprise."))
    proposed = {k: data[k] for k in CHANGEABLE_FIELDS if k in data}
    clean = members.clean_enterprise(proposed, instance=enterprise)
    changes = {
        k: [_plain(getattr(enterprise, k)), _plain(v)]
        for k, v in clean.items()
        if _plain(getattr(enterprise, k)) != _plain(v)
    }
    if not changes:
        raise ValidationError(_("Nothing differs from the register."))
    req = ChangeRequest.objects.create(
        account=member.account, enterprise=enterprise, changes=changes, note=(note or "")[:300]
    )
    audit.record(
        actor=member.account.user,
        action=audit.AuditAction.CREATE,
        obj=req,
        subject=enterprise,
        changes=changes,
        note=_("proposed in the members' portal"),
    )
    return req


@transaction.atomic
def decide_change(
    *, actor: Any, request: ChangeRequest, approve: bool, reason: str = ""
) -> ChangeRequest:
    """Approve (the change enters the register through members.services, which
    checks the actor's rights and audits it) or refuse with a reason."""
    req = ChangeRequest.objects.select_for_update().get(pk=request.pk)
    if req.status != ChangeStatus.PENDING:
        raise ValidationError(_("This request was decided already."))
    if not members.selectors.may(actor, req.enterprise, Perm.CHANGE):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("You may not change this enterprise."))
    if approve:
        values: dict[str, Any] = {k: new for k, (_old, new) in req.changes.items()}
        if "employees" in values:
            values["employees"] = int(values["employees"]) if values["employees"] else None
        members.update_enterprise(actor=actor, enterprise=req.enterprise, **values)
        req.status = ChangeStatus.APPROVED
    else:
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError({"reason": _("Say why the change is refused.")})
        req.status = ChangeStatus.REFUSED
    req.reason = (reason or "")[:300]
    req.decided_by, req.decided_at = actor, timezone.now()
    req.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    audit.record(
        actor=actor,
        action=audit.AuditAction.STEP,
        obj=req,
        subject=req.enterprise,
        changes={"status": [ChangeStatus.PENDING, req.status]},
        note=req.reason,
    )
    request.status = req.status
    return req


# --- Problems (诉求) -------------------------------------------------------------------

PHOTO_TYPES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}
PHOTO_MAX_BYTES = 8 * 1024 * 1024
PHOTOS_MAX = 4


def _photo_type(f: UploadedFile) -> str | None:
    head = f.read(16)
    f.seek(0)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    for magic, kind in PHOTO_TYPES.items():
        if head.startswith(magic):
            return kind
    return None


def chamber_of(enterprise: Enterprise) -> Organization | None:
    """The chamber an enterprise's problems go to: its membership deepest in the tree."""
    m = (
        Membership.objects.active()
        .filter(enterprise=enterprise)
        .select_related("organization")
        .order_by("-organization__path")
        .first()
    )
    return m.organization if m else None


@transaction.atomic
def raise_problem(
    *,
    member: Member,
    enterprise: Enterprise,
    category: Category,
    title: str,
    description: str,
    photos: list[UploadedFile] = (),
) -> Case:
    """A member raises a problem: it enters the chamber's case queue through the
    casework service, source "portal"."""
    errors: dict[str, str] = {}
    if enterprise.pk not in member.enterprise_ids:
        errors["enterprise"] = _("This is not your enterprise.")
    org = chamber_of(enterprise)
    if org is None:
        errors["enterprise"] = _("%(name)s is not a member of a chamber now.") % {
            "name": enterprise.name
        }
    photos = list(photos or [])
    if len(photos) > PHOTOS_MAX:
        errors["photos"] = _("At most %(n)s photos.") % {"n": PHOTOS_MAX}
    kinds = []
    for f in photos:
        kind = _photo_type(f)
        if kind is None:
            errors["photos"] = _("%(name)s is not a JPEG, PNG or WebP photo.") % {"name": f.name}
        elif f.size > PHOTO_MAX_BYTES:
            errors["photos"] = _("%(name)s is larger than 8 MB.") % {"name": f.name}
        kinds.append(kind)
    if not (description or "").strip():
        errors["description"] = _("Describe the problem.")
    if errors:
        raise ValidationError(errors)
    case = casework.raise_case(
        actor=None,
        organization=org,
        enterprise=enterprise,
        category=category,
        title=title,
        description=description,
        source=CaseSource.PORTAL,
    )
    for f, kind in zip(photos, kinds, strict=True):
        ProblemPhoto.objects.create(
            case=case, file=f, content_type=kind, uploaded_by=member.account
        )
    audit.record(
        actor=member.account.user,
        action=audit.AuditAction.CREATE,
        obj=case,
        subject=enterprise,
        organization_id=org.pk,
        changes={"source": CaseSource.PORTAL, "photos": len(photos)},
        note=_("raised in the members' portal"),
    )
    return case


SCORE_SATISFACTION = {
    5: Satisfaction.SATISFIED,
    4: Satisfaction.SATISFIED,
    3: Satisfaction.BASIC,
    2: Satisfaction.UNSATISFIED,
    1: Satisfaction.UNSATISFIED,
}


@transaction.atomic
def rate_case(*, member: Member, case: Case, score: int, comment: str = "") -> Case:
    """The member's own follow-up rating of a resolved problem, once per resolution,
    taken as the case's follow-up step through the casework service. Only the
    member's own enterprise's case can be rated, so nobody can rate in their name."""
    case = member.case(case.pk)  # 404 for anyone else's
    if case.status != Status.RESOLVED:
        raise ValidationError(_("Only a resolved problem can be rated."))
    if MemberRating.objects.filter(case=case, round=case.reopen_count).exists():
        raise ValidationError(_("This resolution has been rated already."))
    if score not in SCORE_SATISFACTION:
        raise ValidationError({"score": _("Give a score from 1 to 5.")})
    MemberRating.objects.create(case=case, round=case.reopen_count, account=member.account)
    casework.follow_up_case(
        actor=None,
        case=case,
        satisfaction=SCORE_SATISFACTION[score],
        score=score,
        comment=comment,
    )
    audit.record(
        actor=member.account.user,
        action=audit.AuditAction.STEP,
        obj=case,
        subject=case.enterprise,
        organization_id=case.organization_id,
        changes={"score": score},
        note=_("rated in the members' portal"),
    )
    return case


# --- Events --------------------------------------------------------------------------


def sign_up(*, member: Member, event: Event, person: Person) -> Registration:
    """Sign up the member or a colleague of their enterprise, through the activities
    registration service (capacity, waiting list, who may come)."""
    event = member.event(event.pk)
    if not member.colleagues().filter(pk=person.pk).exists():
        raise ValidationError({"person": _("Only you and your colleagues can be signed up.")})
    enterprise = None
    if person.enterprise_id in member.enterprise_ids:
        enterprise = person.enterprise
    elif person.pk == member.person.pk and member.enterprise_ids:
        enterprise = Enterprise.objects.get(pk=member.enterprise_ids[0])
    with transaction.atomic():
        reg = activities.register(actor=None, event=event, enterprise=enterprise, person=person)
        audit.record(
            actor=member.account.user,
            action=audit.AuditAction.CREATE,
            obj=reg,
            subject=enterprise or person,
            organization_id=event.organization_id,
            note=_("signed up in the members' portal"),
        )
    return reg


def cancel(*, member: Member, registration: Registration) -> Registration:
    reg = member.registration(registration.pk)
    with transaction.atomic():
        activities.cancel_registration(actor=None, registration=reg)
        audit.record(
            actor=member.account.user,
            action=audit.AuditAction.STEP,
            obj=reg,
            subject=reg.enterprise or reg.person,
            organization_id=reg.event.organization_id,
            note=_("cancelled in the members' portal"),
        )
    return reg


# --- Notices -------------------------------------------------------------------------


@transaction.atomic
def publish_notice(
    *,
    actor: Any,
    organization: Organization,
    title: str,
    body: str,
    industry_section: str = "",
    rank: str = "",
) -> Notice:
    scope.require(actor, Perm.CHANGE, organization.pk)
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("Give the notice a title.")
    if not (body or "").strip():
        errors["body"] = _("Write the notice.")
    if errors:
        raise ValidationError(errors)
    notice = Notice(
        organization=organization,
        title=title.strip()[:200],
        body=body.strip(),
        industry_section=industry_section or "",
        rank=rank or "",
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    notice.full_clean()
    notice.save()
    audit.record(
        actor=actor,
        action=audit.AuditAction.CREATE,
        obj=notice,
        organization_id=organization.pk,
        changes={"title": notice.title},
    )
    return notice
