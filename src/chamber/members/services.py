"""Writes to the member register. Each function checks the actor's rights, validates,
writes in one transaction and records an audit entry; pages, the API, the importer and
commands all call these."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from chamber.core import audit, text
from chamber.core.changes import written_in_bulk
from chamber.core.names import user_name
from chamber.core.text import join_list
from chamber.core.validators import (
    check_id_number,
    check_mobile,
    check_uscc,
    normalize_code,
    normalize_mobile,
)
from chamber.orgs import scope
from chamber.orgs.choices import Perm
from chamber.orgs.models import Organization

from . import selectors
from .choices import EnterpriseRoleKind, MemberKind, MilestoneKind, PaymentMethod, Rank
from .industry import SECTIONS, section_of_division
from .models import (
    Due,
    DuesRate,
    Enterprise,
    EnterpriseRole,
    Membership,
    Milestone,
    Payment,
    Person,
    Tag,
)
from .sizing import compute_size_class

ENTERPRISE_FIELDS = [
    "name",
    "uscc",
    "legal_representative",
    "industry_section",
    "industry_division",
    "size_class",
    "size_class_manual",
    "registered_capital",
    "employees",
    "revenue",
    "total_assets",
    "registered_address",
    "business_address",
    "street",
    "founded",
    "listed",
    "stock_code",
    "main_products",
    "contact_name",
    "contact_phone",
    "note",
]
PERSON_FIELDS = [
    "name",
    "gender",
    "birth_date",
    "mobile",
    "id_number",
    "enterprise",
    "title",
    "political_affiliation",
    "education",
    "native_place",
]
MEMBERSHIP_FIELDS = ["organization", "rank", "joined", "left", "left_reason", "representative"]


_require = scope.require  # one rule for every service (orgs.scope)


def _require_on(actor: Any, perm: str, obj: Enterprise | Person) -> None:
    """`perm` over an enterprise or person: through a membership in the actor's scope."""
    if actor is None:
        return
    if not selectors.may(actor, obj, perm):
        raise PermissionDenied(_("You may not do this to %(obj)s.") % {"obj": obj})


# --- Enterprises -----------------------------------------------------------------------


def clean_enterprise(
    data: dict[str, Any], *, accept_invalid_code: bool = False, instance: Enterprise | None = None
) -> dict[str, Any]:
    """Normalise and validate enterprise fields; raise ValidationError keyed by field."""
    errors: dict[str, str] = {}
    data = dict(data)
    if "name" in data:
        data["name"] = (data["name"] or "").strip()
        if not data["name"]:
            errors["name"] = _("The name is required.")
    if "uscc" in data:
        code = normalize_code(data["uscc"])
        data["uscc"] = code
        problem = check_uscc(code)
        if problem and (len(code) != 18 or not accept_invalid_code):
            errors["uscc"] = problem
        elif (
            Enterprise.objects.filter(uscc=code)
            .exclude(pk=instance.pk if instance else None)
            .exists()
        ):
            errors["uscc"] = _("Another enterprise has this credit code.")
    section = data.get("industry_section", instance.industry_section if instance else "")
    division = data.get("industry_division", instance.industry_division if instance else "")
    if section and section not in SECTIONS:
        errors["industry_section"] = _("Unknown industry section %(s)s.") % {"s": section}
    if division:
        owner = section_of_division(division)
        if owner is None:
            errors["industry_division"] = _("Unknown industry division %(d)s.") % {"d": division}
        elif section and owner != section:
            errors["industry_division"] = _(
                "Division %(d)s belongs to section %(owner)s, not %(s)s."
            ) % {"d": division, "owner": owner, "s": section}
        elif not section:
            data["industry_section"] = owner
    if data.get("contact_phone"):
        data["contact_phone"] = data["contact_phone"].strip()
    if errors:
        raise ValidationError(errors)
    return data


def _apply_size_class(ent: Enterprise) -> None:
    if ent.size_class_manual and ent.size_class:
        return
    ent.size_class_manual = False
    ent.size_class = compute_size_class(
        section=ent.industry_section,
        division=ent.industry_division,
        employees=ent.employees,
        revenue=ent.revenue,
        assets=ent.total_assets,
    )


def _refresh_search(ent: Enterprise) -> None:
    ent.search_text = text.search_text(ent.name, ent.uscc, ent.legal_representative)


def _refresh_memberships(ent: Enterprise) -> None:
    Membership.objects.filter(enterprise=ent).update(
        name=ent.name,
        sort_key=text.full_pinyin(ent.name),
        initials=text.initials(ent.name),
        search_text=ent.search_text,
    )
    written_in_bulk("members")


@transaction.atomic
def create_enterprise(
    *,
    actor: Any,
    organization: Organization | None = None,
    accept_invalid_code: bool = False,
    tags: list[str] | None = None,
    **fields: Any,
) -> Enterprise:
    """Create an enterprise. With `organization`, the actor must be allowed to change
    records there (the enterprise becomes visible through a membership there)."""
    if organization is not None:
        _require(actor, Perm.CHANGE, organization.pk)
    elif actor is not None and not scope.has_any(actor, Perm.CHANGE):
        raise PermissionDenied(_("You may not create enterprises."))
    if accept_invalid_code:
        _require(actor, Perm.ACCEPT_INVALID_CODE, organization.pk if organization else None)
    data = clean_enterprise(fields, accept_invalid_code=accept_invalid_code)
    ent = Enterprise(**data)
    ent.uscc_check_accepted = bool(accept_invalid_code and check_uscc(ent.uscc))
    if "size_class" in fields and fields["size_class"]:
        ent.size_class_manual = True
    _apply_size_class(ent)
    _refresh_search(ent)
    ent.full_clean()
    ent.save()
    if tags:
        ent.tags.set(Tag.objects.get_or_create(name=t)[0] for t in tags)
    audit.record(
        actor=actor,
        action=audit.AuditAction.CREATE,
        obj=ent,
        organization_id=organization.pk if organization else None,
        changes=audit.snapshot(ent, ENTERPRISE_FIELDS),
    )
    if ent.uscc_check_accepted:
        audit.record(
            actor=actor,
            action=audit.AuditAction.ACCEPT_INVALID_CODE,
            obj=ent,
            note=check_uscc(ent.uscc) or "",
        )
    return ent


@transaction.atomic
def update_enterprise(
    *,
    actor: Any,
    enterprise: Enterprise,
    accept_invalid_code: bool = False,
    tags: list[str] | None = None,
    **fields: Any,
) -> Enterprise:
    _require_on(actor, Perm.CHANGE, enterprise)
    if accept_invalid_code:
        _require_on(actor, Perm.ACCEPT_INVALID_CODE, enterprise)
    data = clean_enterprise(fields, accept_invalid_code=accept_invalid_code, instance=enterprise)
    before = audit.snapshot(enterprise, ENTERPRISE_FIELDS)
    for key, value in data.items():
        setattr(enterprise, key, value)
    if "size_class" in fields:
        enterprise.size_class_manual = bool(fields["size_class"])
    _apply_size_class(enterprise)
    newly_accepted = bool("uscc" in data and accept_invalid_code and check_uscc(enterprise.uscc))
    if "uscc" in data:
        enterprise.uscc_check_accepted = newly_accepted
    _refresh_search(enterprise)
    enterprise.full_clean()
    enterprise.save()
    if tags is not None:
        enterprise.tags.set(Tag.objects.get_or_create(name=t)[0] for t in tags)
    changes = audit.diff(before, audit.snapshot(enterprise, ENTERPRISE_FIELDS))
    if "name" in changes:
        _refresh_memberships(enterprise)
    if changes:
        audit.record(actor=actor, action=audit.AuditAction.UPDATE, obj=enterprise, changes=changes)
    if newly_accepted and "uscc" in changes:
        audit.record(
            actor=actor,
            action=audit.AuditAction.ACCEPT_INVALID_CODE,
            obj=enterprise,
            note=check_uscc(enterprise.uscc) or "",
        )
    return enterprise


# --- People ------------------------------------------------------------------------------


def clean_person(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    data = dict(data)
    if "name" in data:
        data["name"] = (data["name"] or "").strip()
        if not data["name"]:
            errors["name"] = _("The name is required.")
    if data.get("mobile"):
        data["mobile"] = normalize_mobile(data["mobile"])
        problem = check_mobile(data["mobile"])
        if problem:
            errors["mobile"] = problem
    if data.get("id_number"):
        data["id_number"] = normalize_code(data["id_number"])
        problem = check_id_number(data["id_number"])
        if problem:
            errors["id_number"] = problem
    elif "id_number" in data:
        data["id_number"] = None
    if errors:
        raise ValidationError(errors)
    return data


@transaction.atomic
def create_person(*, actor: Any, organization: Organization | None = None, **fields: Any) -> Person:
    if organization is not None:
        _require(actor, Perm.CHANGE, organization.pk)
    elif actor is not None and not scope.has_any(actor, Perm.CHANGE):
        raise PermissionDenied(_("You may not create people."))
    person = Person(**clean_person(fields))
    person.organization = organization
    person.search_text = text.search_text(person.name, person.mobile)
    person.full_clean()
    person.save()
    changes = audit.snapshot(person, [f for f in PERSON_FIELDS if f != "id_number"])
    audit.record(
        actor=actor,
        action=audit.AuditAction.CREATE,
        obj=person,
        subject=person.enterprise or person,
        changes=changes,
        organization_id=organization.pk if organization else None,
    )
    return person


@transaction.atomic
def update_person(*, actor: Any, person: Person, **fields: Any) -> Person:
    _require_on(actor, Perm.CHANGE, person)
    data = clean_person(fields)
    before = audit.snapshot(person, PERSON_FIELDS)
    for key, value in data.items():
        setattr(person, key, value)
    person.search_text = text.search_text(person.name, person.mobile)
    person.full_clean()
    person.save()
    changes = audit.diff(before, audit.snapshot(person, PERSON_FIELDS))
    if "id_number" in changes:
        changes["id_number"] = ["***", "***"]  # never copy the number into the trail
    if "name" in changes:
        Membership.objects.filter(person=person).update(
            name=person.name,
            sort_key=text.full_pinyin(person.name),
            initials=text.initials(person.name),
            search_text=person.search_text,
        )
        written_in_bulk("members")
    if changes:
        audit.record(
            actor=actor,
            action=audit.AuditAction.UPDATE,
            obj=person,
            subject=person.enterprise or person,
            changes=changes,
        )
    return person


@transaction.atomic
def link_user(*, actor: Any, person: Person, user: Any) -> Person:
    """Record that a user account belongs to this person (a chamber's secretary who sits
    on its council). An account without a 姓名 of its own takes the person's name, so
    every page names it without looking the person up."""
    _require_on(actor, Perm.MANAGE, person)
    taken = Person.objects.filter(user=user).exclude(pk=person.pk).first()
    if taken is not None:
        raise ValidationError(
            {"user": _("This account belongs to %(name)s already.") % {"name": taken.name}}
        )
    previous = user_name(person.user) if person.user_id else None
    person.user = user
    person.save(update_fields=["user", "updated"])
    if not (user.first_name or user.last_name):
        user.last_name, user.first_name = person.name[:1], person.name[1:]
        user.save(update_fields=["last_name", "first_name"])
    audit.record(
        actor=actor,
        action=audit.AuditAction.UPDATE,
        obj=person,
        subject=person.enterprise or person,
        changes={"user": [previous, user_name(user)]},
    )
    return person


def reveal_personal_data(*, actor: Any, person: Person) -> dict[str, str]:
    """Full mobile and ID number, for a role that may see them; the reading is logged."""
    if actor is None:
        raise PermissionDenied(_("Your role may not see this person's personal data."))
    _require_on(actor, Perm.VIEW_PERSONAL, person)
    audit.record(
        actor=actor,
        action=audit.AuditAction.VIEW_PERSONAL,
        obj=person,
        subject=person.enterprise or person,
    )
    return {
        "mobile": person.mobile,
        "id_number": person.id_number or "",
        "political_affiliation": person.get_political_affiliation_display(),
    }


# --- Memberships -------------------------------------------------------------------------


def _member_names(m: Membership) -> None:
    member = m.member
    m.name = member.name
    m.sort_key = text.full_pinyin(member.name)
    m.initials = text.initials(member.name)
    m.search_text = getattr(member, "search_text", "") or text.search_text(member.name)


def _subject(m: Membership):
    return m.enterprise or m.person or m


@transaction.atomic
def admit_member(
    *,
    actor: Any,
    organization: Organization,
    joined: datetime.date,
    enterprise: Enterprise | None = None,
    person: Person | None = None,
    member_org: Organization | None = None,
    rank: str = Rank.MEMBER,
    representative: Person | None = None,
) -> Membership:
    """Admit an enterprise, a person or an organisation as a member of `organization`."""
    _require(actor, Perm.CHANGE, organization.pk)
    given = [x for x in (enterprise, person, member_org) if x is not None]
    if len(given) != 1:
        raise ValidationError(_("Name exactly one member: an enterprise, a person or a group."))
    kind = (
        MemberKind.ENTERPRISE
        if enterprise
        else MemberKind.INDIVIDUAL
        if person
        else MemberKind.GROUP
    )
    current = Membership.objects.filter(
        organization=organization,
        enterprise=enterprise,
        person=person,
        member_org=member_org,
        left__isnull=True,
    )
    if current.exists():
        raise ValidationError(_("This member already belongs to %(org)s.") % {"org": organization})
    m = Membership(
        organization=organization,
        kind=kind,
        enterprise=enterprise,
        person=person,
        member_org=member_org,
        rank=rank,
        joined=joined,
        representative=representative,
    )
    _member_names(m)
    m.full_clean()
    m.save()
    audit.record(
        actor=actor,
        action=audit.AuditAction.CREATE,
        obj=m,
        subject=_subject(m),
        organization_id=organization.pk,
        changes=audit.snapshot(m, MEMBERSHIP_FIELDS),
    )
    if enterprise is not None and representative is not None:
        _representative_changed(actor, enterprise, None, representative, joined)
    return m


@transaction.atomic
def update_membership(
    *, actor: Any, membership: Membership, on: datetime.date | None = None, **fields: Any
) -> Membership:
    """Change a membership's rank, joining date or representative. A new representative
    ends the old one's role at the enterprise on `on` (today by default)."""
    _require(actor, Perm.CHANGE, membership.organization_id)
    on = on or timezone.localdate()
    allowed = {"rank", "joined", "representative"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %(f)s") % {"f": join_list(sorted(unknown))}
        )
    before = audit.snapshot(membership, MEMBERSHIP_FIELDS)
    old_rep = membership.representative
    for key, value in fields.items():
        setattr(membership, key, value)
    membership.full_clean()
    membership.save()
    changes = audit.diff(before, audit.snapshot(membership, MEMBERSHIP_FIELDS))
    if "representative" in changes and membership.enterprise_id:
        _representative_changed(
            actor, membership.enterprise, old_rep, membership.representative, on
        )
    if changes:
        audit.record(
            actor=actor,
            action=audit.AuditAction.UPDATE,
            obj=membership,
            subject=_subject(membership),
            organization_id=membership.organization_id,
            changes=changes,
        )
    return membership


@transaction.atomic
def end_membership(
    *, actor: Any, membership: Membership, left: datetime.date, reason: str = ""
) -> Membership:
    _require(actor, Perm.CHANGE, membership.organization_id)
    if membership.left is not None:
        raise ValidationError(_("This membership has ended already."))
    if left < membership.joined:
        raise ValidationError({"left": _("A member cannot leave before joining.")})
    membership.left, membership.left_reason = left, reason
    membership.save(update_fields=["left", "left_reason", "updated"])
    audit.record(
        actor=actor,
        action=audit.AuditAction.UPDATE,
        obj=membership,
        subject=_subject(membership),
        organization_id=membership.organization_id,
        changes={"left": [None, left.isoformat()], "left_reason": ["", reason]},
    )
    return membership


@transaction.atomic
def transfer_membership(
    *,
    actor: Any,
    membership: Membership,
    to: Organization,
    on: datetime.date,
    reason: str = "",
) -> Membership:
    """Move a member to another chamber on `on`: the old membership ends the day
    before, the new one starts that day with the same rank, and points back."""
    _require(actor, Perm.CHANGE, membership.organization_id)
    _require(actor, Perm.CHANGE, to.pk)
    if to.pk == membership.organization_id:
        raise ValidationError({"organization": _("The member is in this organisation already.")})
    if not to.is_in_force(on):
        raise ValidationError(
            {"organization": _("%(org)s does not exist on %(on)s.") % {"org": to, "on": on}}
        )
    end_membership(
        actor=actor,
        membership=membership,
        left=on,
        reason=reason or _("moved to %(org)s") % {"org": to.name},
    )
    new = Membership(
        organization=to,
        kind=membership.kind,
        enterprise=membership.enterprise,
        person=membership.person,
        member_org=membership.member_org,
        rank=membership.rank,
        joined=on,
        representative=membership.representative,
        moved_from=membership,
        name=membership.name,
        sort_key=membership.sort_key,
        initials=membership.initials,
        search_text=membership.search_text,
    )
    new.full_clean()
    new.save()
    audit.record(
        actor=actor,
        action=audit.AuditAction.CREATE,
        obj=new,
        subject=_subject(new),
        organization_id=to.pk,
        changes=audit.snapshot(new, MEMBERSHIP_FIELDS),
        note=_("moved from %(org)s") % {"org": membership.organization.name},
    )
    return new


@transaction.atomic
def replace_representative(
    *, actor: Any, membership: Membership, person: Person, on: datetime.date | None = None
) -> Membership:
    """A new representative for an enterprise member from `on`; the membership itself
    goes on, and the old representative's role ends that day (kept as history)."""
    if membership.kind != MemberKind.ENTERPRISE:
        raise ValidationError(_("Only enterprise members have a representative."))
    return update_membership(actor=actor, membership=membership, on=on, representative=person)


def _representative_changed(
    actor: Any,
    enterprise: Enterprise,
    old: Person | None,
    new: Person | None,
    on: datetime.date,
) -> None:
    """Keep the representative roles in step with the membership's representative."""
    if old is not None and old != new:
        for role in EnterpriseRole.objects.filter(
            enterprise=enterprise, person=old, role=EnterpriseRoleKind.REPRESENTATIVE
        ).current(on):
            end_enterprise_role(actor=actor, role=role, end=on)
    if new is not None and not (
        EnterpriseRole.objects.filter(
            enterprise=enterprise, person=new, role=EnterpriseRoleKind.REPRESENTATIVE
        )
        .current(on)
        .exists()
    ):
        add_enterprise_role(
            actor=actor,
            enterprise=enterprise,
            person=new,
            role=EnterpriseRoleKind.REPRESENTATIVE,
            start=on,
        )


# --- Roles at enterprises ----------------------------------------------------------------

ROLE_FIELDS = ["person", "role", "start", "end", "note"]


@transaction.atomic
def add_enterprise_role(
    *,
    actor: Any,
    enterprise: Enterprise,
    person: Person,
    role: str,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    note: str = "",
) -> EnterpriseRole:
    """`person` holds `role` at `enterprise` from `start`; recorded on the enterprise's
    trail. The same person cannot hold the same role twice at once."""
    _require_on(actor, Perm.CHANGE, enterprise)
    errors: dict[str, str] = {}
    if role not in EnterpriseRoleKind.values:
        errors["role"] = _("Unknown role %(r)s.") % {"r": role}
    if start and end and end < start:
        errors["end"] = _("A role cannot end before it starts.")
    if errors:
        raise ValidationError(errors)
    overlapping = EnterpriseRole.objects.filter(enterprise=enterprise, person=person, role=role)
    if end is not None:
        overlapping = overlapping.filter(Q(start__isnull=True) | Q(start__lt=end))
    if start is not None:
        overlapping = overlapping.filter(Q(end__isnull=True) | Q(end__gt=start))
    if overlapping.exists():
        raise ValidationError(
            {
                "role": _("%(person)s already holds this role at %(ent)s in that time.")
                % {"person": person.name, "ent": enterprise.name}
            }
        )
    r = EnterpriseRole(
        enterprise=enterprise, person=person, role=role, start=start, end=end, note=note.strip()
    )
    r.full_clean()
    r.save()
    audit.record(
        actor=actor,
        action=audit.AuditAction.CREATE,
        obj=r,
        subject=enterprise,
        changes=audit.snapshot(r, ROLE_FIELDS),
    )
    return r


@transaction.atomic
def end_enterprise_role(*, actor: Any, role: EnterpriseRole, end: datetime.date) -> EnterpriseRole:
    """The person no longer holds the role from `end`: the row stays as history."""
    _require_on(actor, Perm.CHANGE, role.enterprise)
    if role.end is not None:
        raise ValidationError({"end": _("This role has ended already.")})
    if role.start is not None and end < role.start:
        raise ValidationError({"end": _("A role cannot end before it starts.")})
    role.end = end
    role.save(update_fields=["end"])
    audit.record(
        actor=actor,
        action=audit.AuditAction.UPDATE,
        obj=role,
        subject=role.enterprise,
        changes={"end": [None, end.isoformat()]},
    )
    return role


# --- Milestones --------------------------------------------------------------------------


@transaction.atomic
def add_milestone(
    *, actor: Any, enterprise: Enterprise, date: datetime.date, kind: str, description: str
) -> Milestone:
    _require_on(actor, Perm.CHANGE, enterprise)
    errors: dict[str, str] = {}
    description = (description or "").strip()
    if not description:
        errors["description"] = _("Say what happened.")
    if kind not in MilestoneKind.values:
        errors["kind"] = _("Unknown kind %(k)s.") % {"k": kind}
    if date > timezone.localdate():
        errors["date"] = _("A milestone cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    m = Milestone(enterprise=enterprise, date=date, kind=kind, description=description)
    m.full_clean()
    m.save()
    audit.record(
        actor=actor,
        action=audit.AuditAction.CREATE,
        obj=m,
        subject=enterprise,
        changes=audit.snapshot(m, ["date", "kind", "description"]),
    )
    return m


# --- Dues --------------------------------------------------------------------------------

FIRST_DUES_YEAR = 2000


def _check_year(year: int) -> None:
    last = timezone.localdate().year + 1
    if not isinstance(year, int) or not FIRST_DUES_YEAR <= year <= last:
        raise ValidationError(
            {
                "year": _("The year must be between %(first)s and %(last)s.")
                % {"first": FIRST_DUES_YEAR, "last": last}
            }
        )


def _check_amount(amount: Any, *, positive: bool = False) -> Decimal:
    try:
        value = Decimal(str(amount))
    except (ArithmeticError, ValueError, TypeError):
        raise ValidationError({"amount": _("Enter an amount in yuan, such as 1000.00.")}) from None
    if not value.is_finite() or value < 0 or (positive and value == 0):
        raise ValidationError(
            {
                "amount": _("A payment must be more than zero.")
                if positive
                else _("The amount cannot be negative.")
            }
        )
    if value != value.quantize(Decimal("0.01")) or value >= Decimal(10) ** 12:
        raise ValidationError({"amount": _("Enter yuan with at most two decimal places.")})
    return value


def members_owing(organization: Organization, year: int, rank: str):
    """Memberships of `organization` itself (not its sub-groups) with `rank` that were in
    force at some time in `year`: the members a rate applies to."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return Membership.objects.filter(organization=organization, rank=rank, joined__lte=end).filter(
        Q(left__isnull=True) | Q(left__gt=start)
    )


@transaction.atomic
def set_dues_rate(
    *, actor: Any, organization: Organization, year: int, rank: str, amount: Any
) -> tuple[DuesRate, dict[str, int]]:
    """Set a year's dues for one rank in one chamber. Every member of that rank in force
    during the year gets a due of that amount; a due already set is changed only while
    nothing has been paid against it (paid dues keep what was asked). Returns the rate
    and how many dues were created, changed and kept."""
    _require(actor, Perm.CHANGE, organization.pk)
    _check_year(year)
    if rank not in Rank.values:
        raise ValidationError({"rank": _("Unknown rank %(r)s.") % {"r": rank}})
    amount = _check_amount(amount)
    rate, created = DuesRate.objects.select_for_update().get_or_create(
        organization=organization, year=year, rank=rank, defaults={"amount": amount}
    )
    before = None if created else str(rate.amount)
    if not created and rate.amount != amount:
        rate.amount = amount
        rate.save(update_fields=["amount", "updated"])
    owing = members_owing(organization, year, rank)
    existing = Due.objects.filter(membership__in=owing, year=year)
    unpaid = existing.exclude(payments__isnull=False).exclude(amount=amount)
    changed = unpaid.update(amount=amount)
    written_in_bulk("members")
    kept = existing.filter(payments__isnull=False).exclude(amount=amount).distinct().count()
    missing = owing.exclude(dues__year=year).values_list("pk", flat=True)
    new = Due.objects.bulk_create(
        [Due(membership_id=pk, year=year, amount=amount) for pk in missing], batch_size=2000
    )
    written_in_bulk("members")
    counts = {"created": len(new), "changed": changed, "kept": kept}
    if created or before != str(amount):
        audit.record(
            actor=actor,
            action=audit.AuditAction.CREATE if created else audit.AuditAction.UPDATE,
            obj=rate,
            organization_id=organization.pk,
            changes={"year": year, "rank": rank, "amount": [before, str(amount)], **counts},
        )
    return rate, counts


@transaction.atomic
def set_due(*, actor: Any, membership: Membership, year: int, amount: Any) -> Due:
    """One member's due for a year (an exception to the rate, or a member admitted late)."""
    _require(actor, Perm.CHANGE, membership.organization_id)
    _check_year(year)
    amount = _check_amount(amount)
    due, created = Due.objects.get_or_create(
        membership=membership, year=year, defaults={"amount": amount}
    )
    before = str(due.amount) if not created else None
    if not created and due.amount != amount:
        paid = exact_paid(due)
        if amount < paid:
            raise ValidationError(
                {"amount": _("%(paid)s has been paid against this due already.") % {"paid": paid}}
            )
        due.amount = amount
        due.full_clean()
        due.save()
    if created or before != str(amount):
        audit.record(
            actor=actor,
            action=audit.AuditAction.CREATE if created else audit.AuditAction.UPDATE,
            obj=due,
            subject=_subject(membership),
            organization_id=membership.organization_id,
            changes={"year": year, "amount": [before, str(amount)]},
        )
    return due


def exact_paid(due: Due) -> Decimal:
    """What has been paid against a due, summed exactly (Decimals in Python: a due has
    a handful of payments)."""
    return sum((p for p in due.payments.values_list("amount", flat=True)), Decimal("0.00"))


@transaction.atomic
def record_payment(
    *,
    actor: Any,
    due: Due,
    amount: Any,
    paid_on: datetime.date,
    receipt_no: str,
    method: str = "transfer",
) -> Payment:
    """A payment against a due, with the number of the receipt given for it (unique in
    the chamber). A due cannot be overpaid."""
    _require(actor, Perm.CHANGE, due.membership.organization_id)
    errors: dict[str, str] = {}
    try:
        amount = _check_amount(amount, positive=True)
    except ValidationError as e:
        errors.update({k: v[0] for k, v in e.message_dict.items()})
    receipt_no = (receipt_no or "").strip()
    if not receipt_no:
        errors["receipt_no"] = _("Enter the receipt number.")
    elif Payment.objects.filter(
        receipt_no=receipt_no, due__membership__organization_id=due.membership.organization_id
    ).exists():
        errors["receipt_no"] = _("Receipt %(no)s has been recorded already in this chamber.") % {
            "no": receipt_no
        }
    if paid_on > timezone.localdate():
        errors["paid_on"] = _("A payment cannot be dated in the future.")
    if method not in PaymentMethod.values:
        errors["method"] = _("Unknown payment method %(m)s.") % {"m": method}
    if errors:
        raise ValidationError(errors)
    due = Due.objects.select_for_update().select_related("membership").get(pk=due.pk)
    paid = exact_paid(due)
    if paid + amount > due.amount:
        raise ValidationError(
            {
                "amount": _(
                    "This payment would bring the total to %(total)s, more than the %(due)s due."
                )
                % {"total": paid + amount, "due": due.amount}
            }
        )
    payment = Payment(due=due, amount=amount, paid_on=paid_on, method=method, receipt_no=receipt_no)
    payment.full_clean()
    payment.save()
    audit.record(
        actor=actor,
        action=audit.AuditAction.CREATE,
        obj=payment,
        subject=_subject(due.membership),
        organization_id=due.membership.organization_id,
        changes={
            "year": due.year,
            "amount": str(amount),
            "paid_on": paid_on.isoformat(),
            "method": method,
            "receipt_no": receipt_no,
        },
    )
    return payment
