"""What every activities service shares: permission checks and small validators."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from chamber.members.models import Enterprise, Person
from chamber.orgs import scope
from chamber.orgs.choices import Perm

require = scope.require  # one rule for every service (orgs.scope)


def require_any(actor: Any, perm: str, organization_ids: list[int]) -> None:
    """`perm` over at least one of the organisations (an event's organiser or any of
    its co-organisers)."""
    if actor is None:
        return
    ids = scope.org_ids(actor, perm)
    if ids is scope.ALL or any(i in ids for i in organization_ids):
        return
    raise PermissionDenied(_("You may not do this for that event."))


def require_visible_member(
    actor: Any, *, enterprise: Enterprise | None = None, person: Person | None = None
) -> None:
    """The enterprise and person named must be in the actor's view: a chamber cannot
    act for another chamber's members. Raised as a field error, so a form shows it."""
    if actor is None or scope.org_ids(actor, Perm.VIEW) is scope.ALL:
        return
    errors: dict[str, str] = {}
    if (
        enterprise is not None
        and not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists()
    ):
        errors["enterprise"] = _("%(name)s is not a member in your organisations.") % {
            "name": enterprise.name
        }
    if person is not None and not Person.objects.visible_to(actor).filter(pk=person.pk).exists():
        errors["person"] = _("%(name)s is not a member in your organisations.") % {
            "name": person.name
        }
    if errors:
        raise ValidationError(errors)


def money(value: Any, field: str = "amount") -> Decimal:
    """A positive amount of money with at most two decimals, as a Decimal."""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(
            {field: _("Enter an amount in yuan, e.g. 5000 or 5000.50.")}
        ) from None
    if not amount.is_finite() or amount <= 0:
        raise ValidationError({field: _("The amount must be more than zero.")})
    if amount.as_tuple().exponent < -2 and amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field: _("Amounts are recorded to the fen (two decimals).")})
    if amount >= Decimal("1e12"):
        raise ValidationError({field: _("The amount is too large.")})
    return amount.quantize(Decimal("0.01"))


def user_or_none(actor: Any):
    """The actor as a user to store on a record; None for the system."""
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None
