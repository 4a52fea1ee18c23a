"""Writes for donations and funds: record and void a donation, open a fund, pay out of
it (never more than its balance, checked under a lock on the fund row)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chamber.core import audit
from chamber.members.models import Enterprise, Person
from chamber.orgs import scope
from chamber.orgs.choices import Perm
from chamber.orgs.models import Organization

from ..choices import DonationKind, DonationPurpose
from ..models import Donation, Event, Fund, FundSpending
from ..money import exact_sum
from ._common import money, require, require_visible_member
from ._common import user_or_none as _user

DONATION_FIELDS = [
    "organization",
    "enterprise",
    "person",
    "kind",
    "amount",
    "goods",
    "purpose",
    "event",
    "fund",
    "campaign",
    "recipient",
    "date",
    "receipt_no",
    "note",
]


def fund_balance(fund: Fund) -> dict[str, Decimal]:
    """Income (valid donations to the fund), spending and balance, exactly."""
    income = exact_sum(Donation.objects.valid().filter(fund=fund))
    spent = exact_sum(FundSpending.objects.filter(fund=fund))
    return {"income": income, "spending": spent, "balance": income - spent}


def _visible(actor: Any, obj: Any) -> bool:
    if actor is None:
        return True
    return type(obj).objects.visible_to(actor, Perm.VIEW).filter(pk=obj.pk).exists()


@transaction.atomic
def record_donation(
    *,
    actor: Any,
    organization: Organization,
    kind: str,
    amount: Decimal | str,
    date: datetime.date,
    purpose: str,
    enterprise: Enterprise | None = None,
    person: Person | None = None,
    goods: str = "",
    event: Event | None = None,
    fund: Fund | None = None,
    campaign: str = "",
    recipient: str = "",
    receipt_no: str = "",
    note: str = "",
) -> Donation:
    """Record a donation received or arranged by `organization`."""
    require(actor, Perm.CHANGE, organization.pk)
    errors: dict[str, str] = {}
    if (enterprise is None) == (person is None):
        errors["enterprise"] = _("Name the donor: an enterprise or a person.")
    if kind not in DonationKind.values:
        errors["kind"] = _("Money or goods?")
    try:
        amount = money(amount)
    except ValidationError as e:
        errors.update({k: v[0] for k, v in e.message_dict.items()})
    goods = (goods or "").strip()
    if kind == DonationKind.IN_KIND and not goods:
        errors["goods"] = _("Describe the goods (what, how many); the amount is their value.")
    if date is None:
        errors["date"] = _("When was it given?")
    elif date > timezone.localdate():
        errors["date"] = _("A donation cannot be recorded before it is made.")
    campaign, recipient = (campaign or "").strip(), (recipient or "").strip()
    if purpose not in DonationPurpose.values:
        errors["purpose"] = _("What is the donation for?")
    elif purpose == DonationPurpose.EVENT and event is None:
        errors["event"] = _("Choose the event the donation is for.")
    elif purpose == DonationPurpose.FUND and fund is None:
        errors["fund"] = _("Choose the fund the donation goes to.")
    elif purpose == DonationPurpose.CAMPAIGN and not campaign:
        errors["campaign"] = _("Name the campaign.")
    elif purpose == DonationPurpose.PAIRED_ASSISTANCE and not recipient:
        errors["recipient"] = _("Name who is assisted (the paired village, school or county).")
    if event is not None and not _visible(actor, event):
        errors["event"] = _("That event is not one of your organisations'.")
    if (
        fund is not None
        and actor is not None
        and not scope.has_perm(actor, Perm.CHANGE, fund.organization_id)
    ):
        errors["fund"] = _("You may not add to that fund.")
    receipt_no = (receipt_no or "").strip()
    if (
        receipt_no
        and Donation.objects.filter(organization=organization, receipt_no=receipt_no).exists()
    ):
        errors["receipt_no"] = _("Receipt %(no)s is on another donation already.") % {
            "no": receipt_no
        }
    if errors:
        raise ValidationError(errors)
    require_visible_member(actor, enterprise=enterprise, person=person)
    donation = Donation(
        organization=organization,
        enterprise=enterprise,
        person=person,
        kind=kind,
        amount=amount,
        goods=goods if kind == DonationKind.IN_KIND else "",
        purpose=purpose,
        event=event,
        fund=fund,
        campaign=campaign,
        recipient=recipient,
        date=date,
        receipt_no=receipt_no,
        note=(note or "").strip(),
        created_by=_user(actor),
    )
    donation.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            donation.save()
    except IntegrityError:
        raise ValidationError(
            {"receipt_no": _("Receipt %(no)s is on another donation already.") % {"no": receipt_no}}
        ) from None
    audit.record(
        actor=actor,
        action=audit.AuditAction.CREATE,
        obj=donation,
        subject=enterprise or person,
        organization_id=organization.pk,
        changes=audit.snapshot(donation, DONATION_FIELDS),
    )
    return donation


@transaction.atomic
def void_donation(*, actor: Any, donation: Donation, reason: str) -> Donation:
    """Void a donation recorded by mistake; it stays on record, out of every figure.
    Money a fund has paid out already cannot be taken back from it."""
    require(actor, Perm.CHANGE, donation.organization_id)
    donation = Donation.objects.select_for_update().get(pk=donation.pk)
    if donation.voided_at is not None:
        raise ValidationError(_("This donation was voided already."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the donation is voided.")})
    if donation.fund_id:
        Fund.objects.select_for_update().get(pk=donation.fund_id)
        if fund_balance(donation.fund)["balance"] < donation.amount:
            raise ValidationError(
                _(
                    "The fund has paid out part of this money already; record a refund "
                    "instead of voiding."
                )
            )
    donation.voided_at, donation.void_reason = timezone.now(), reason
    donation.save(update_fields=["voided_at", "void_reason"])
    audit.record(
        actor=actor,
        action=audit.AuditAction.STEP,
        obj=donation,
        subject=donation.enterprise or donation.person,
        organization_id=donation.organization_id,
        changes={"voided": donation.voided_at.isoformat()},
        note=reason,
    )
    return donation


@transaction.atomic
def create_fund(
    *,
    actor: Any,
    organization: Organization,
    name: str,
    description: str = "",
    founded: datetime.date | None = None,
) -> Fund:
    require(actor, Perm.CHANGE, organization.pk)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("The name is required.")})
    if Fund.objects.filter(organization=organization, name=name).exists():
        raise ValidationError(
            {"name": _("%(org)s has a fund of this name.") % {"org": organization}}
        )
    fund = Fund(organization=organization, name=name, description=description, founded=founded)
    fund.full_clean()
    fund.save()
    audit.record(
        actor=actor,
        action=audit.AuditAction.CREATE,
        obj=fund,
        organization_id=organization.pk,
        changes={"name": name},
    )
    return fund


@transaction.atomic
def record_spending(
    *,
    actor: Any,
    fund: Fund,
    date: datetime.date,
    amount: Decimal | str,
    purpose: str,
    recipient: str = "",
    event: Event | None = None,
    voucher_no: str = "",
) -> FundSpending:
    """Pay out of a fund. The fund row is locked while its balance is checked, so two
    payments at once cannot overdraw it."""
    require(actor, Perm.CHANGE, fund.organization_id)
    errors: dict[str, str] = {}
    try:
        amount = money(amount)
    except ValidationError as e:
        errors.update({k: v[0] for k, v in e.message_dict.items()})
    purpose = (purpose or "").strip()
    if not purpose:
        errors["purpose"] = _("What was the money spent on?")
    if date is None:
        errors["date"] = _("When was it paid?")
    elif date > timezone.localdate():
        errors["date"] = _("A payment cannot be recorded before it is made.")
    if event is not None and not _visible(actor, event):
        errors["event"] = _("That event is not one of your organisations'.")
    if errors:
        raise ValidationError(errors)
    fund = Fund.objects.select_for_update().get(pk=fund.pk)
    balance = fund_balance(fund)["balance"]
    if amount > balance:
        raise ValidationError(
            {
                "amount": _("The fund holds ¥%(balance)s; it cannot pay ¥%(amount)s.")
                % {"balance": f"{balance:,.2f}", "amount": f"{amount:,.2f}"}
            }
        )
    spending = FundSpending(
        fund=fund,
        date=date,
        amount=amount,
        purpose=purpose,
        recipient=(recipient or "").strip(),
        event=event,
        voucher_no=(voucher_no or "").strip(),
        created_by=_user(actor),
    )
    spending.full_clean()
    spending.save()
    audit.record(
        actor=actor,
        action=audit.AuditAction.CREATE,
        obj=spending,
        organization_id=fund.organization_id,
        changes={
            "fund": fund.name,
            "amount": str(amount),
            "date": date.isoformat(),
            "purpose": purpose,
        },
    )
    return spending
