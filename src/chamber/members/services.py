"""Writes to the member register. Each function checks the actor's rights, validates,
writes in one transaction and records an audit entry; pages, the API, the importer and
commands all call these."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from chamber.core import audit, text
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

from .choices import MemberKind, Rank
from .industry import SECTIONS, section_of_division
from .models import Due, Enterprise, Membership, Payment, Person, Tag
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
    if actor is None or scope.org_ids(actor, perm) is scope.ALL:
        return
    if not type(obj).objects.visible_to(actor, perm).filter(pk=obj.pk).exists():
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
    return m


@transaction.atomic
def update_membership(*, actor: Any, membership: Membership, **fields: Any) -> Membership:
    _require(actor, Perm.CHANGE, membership.organization_id)
    allowed = {"rank", "joined", "representative"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %(f)s") % {"f": join_list(sorted(unknown))}
        )
    before = audit.snapshot(membership, MEMBERSHIP_FIELDS)
    for key, value in fields.items():
        setattr(membership, key, value)
    membership.full_clean()
    membership.save()
    changes = audit.diff(before, audit.snapshot(membership, MEMBERSHIP_FIELDS))
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
def replace_representative(*, actor: Any, membership: Membership, person: Person) -> Membership:
    """A new representative for an enterprise member; the membership itself goes on."""
    if membership.kind != MemberKind.ENTERPRISE:
        raise ValidationError(_("Only enterprise members have a representative."))
    return update_membership(actor=actor, membership=membership, representative=person)


# --- Dues --------------------------------------------------------------------------------


@transaction.atomic
def set_due(*, actor: Any, membership: Membership, year: int, amount: Decimal) -> Due:
    _require(actor, Perm.CHANGE, membership.organization_id)
    due, created = Due.objects.get_or_create(
        membership=membership, year=year, defaults={"amount": amount}
    )
    before = str(due.amount) if not created else None
    if not created and due.amount != amount:
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


@transaction.atomic
def record_payment(
    *,
    actor: Any,
    due: Due,
    amount: Decimal,
    paid_on: datetime.date,
    method: str = "transfer",
    receipt_no: str = "",
) -> Payment:
    _require(actor, Perm.CHANGE, due.membership.organization_id)
    due = Due.objects.select_for_update().get(pk=due.pk)
    paid = due.payments.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    if amount <= 0:
        raise ValidationError({"amount": _("A payment must be more than zero.")})
    if Decimal(str(paid)) + amount > due.amount:
        raise ValidationError(
            {
                "amount": _(
                    "This payment would bring the total to %(total)s, more than the %(due)s due."
                )
                % {"total": Decimal(str(paid)) + amount, "due": due.amount}
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
            "receipt_no": receipt_no,
        },
    )
    return payment
