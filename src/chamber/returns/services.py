"""Writes of returns: prepare, correct a figure, approve, submit, resubmit, import.
Each is one transaction, validated, audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from chamber.core import audit
from chamber.orgs import scope
from chamber.orgs.choices import FEDERATION_KINDS, Perm
from chamber.orgs.models import Organization
from chamber.reports.period import Period
from chamber.reports.store import stored_report

from . import figures as F
from .choices import Source, Status
from .models import Return, ReturnLine


def _require(actor: Any, perm: str, org_id: int) -> None:
    if actor is not None and not scope.has_perm(actor, perm, org_id):
        raise PermissionDenied


def computed_figures(org: Organization, year: int) -> tuple[dict[str, str], str]:
    """The figures a return of `org` for `year` starts from, and when they were computed.

    A federation whose children are federations (a city above its districts) adds up
    its children's submitted returns and its own records: for each figure that adds up
    (no rates), the children's reported values plus the org's figure less those
    children's live figures. A child without a submitted return adds nothing (its page
    shows it as missing)."""
    report = stored_report(org, Period.year(year))
    mine = F.flatten(report)
    federations = [c for c in report["children"] if c["org"]["kind"] in FEDERATION_KINDS]
    if not federations:
        return mine, report["computed_at"]
    from .selectors import current

    totals = {k: v for k, v in mine.items() if not F.is_rate(k)}
    for child in federations:
        live = F.flatten(child)
        org_child = Organization.objects.get(code=child["org"]["code"])
        ret = current(org_child, year)
        reported = (
            dict(ret.lines.values_list("figure", "reported"))
            if ret is not None and ret.status == Status.SUBMITTED
            else {}
        )
        for key in totals:
            own = F.as_number(totals[key]) - (F.as_number(live.get(key, "0")) or 0)
            totals[key] = str(own + (F.as_number(reported.get(key, "0")) or 0))
    return totals, report["computed_at"]


@transaction.atomic
def prepare_return(
    *, actor: Any, organization: Organization, year: int, reason: str = ""
) -> Return:
    """A new return (or, after a submission, a new version with a reason) from the
    stored figures of the year."""
    _require(actor, Perm.CHANGE, organization.pk)
    if organization.kind not in FEDERATION_KINDS:
        raise ValidationError(_("Only a federation prepares a statistical return."))
    if year > timezone.localdate().year:
        raise ValidationError({"year": _("A return is for a year that has begun.")})
    versions = list(Return.objects.select_for_update().filter(organization=organization, year=year))
    if any(r.status in (Status.DRAFT, Status.APPROVED) for r in versions):
        raise ValidationError(_("A return for this year is being prepared already."))
    reason = reason.strip()
    if versions and not reason:
        raise ValidationError(
            {
                "reason": _(
                    "The return for this year was submitted: give the reason for a new version."
                )
            }
        )
    values, computed_at = computed_figures(organization, year)
    ret = Return.objects.create(
        organization=organization,
        year=year,
        version=max((r.version for r in versions), default=0) + 1,
        reason=reason,
        computed_at=parse_datetime(computed_at),
        prepared_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    ReturnLine.objects.bulk_create(
        ReturnLine(ret=ret, figure=k, computed=v, reported=v, sort_order=i)
        for i, (k, v) in enumerate(values.items())
    )
    audit.record(
        actor=actor,
        action=audit.AuditAction.CREATE,
        obj=ret,
        organization_id=organization.pk,
        changes={"version": [None, ret.version], "reason": ["", reason]},
    )
    return ret


def _editable(ret: Return) -> None:
    if ret.status != Status.DRAFT:
        raise ValidationError(_("Only a draft return can be changed."))


@transaction.atomic
def correct_figure(*, actor: Any, line: ReturnLine, value: str, reason: str) -> ReturnLine:
    """Report another value than the computed one; the reason is required and kept."""
    ret = line.ret
    _require(actor, Perm.CHANGE, ret.organization_id)
    _editable(ret)
    number = F.as_number(value)
    if number is None or number < 0:
        raise ValidationError({"value": _("Enter a number of zero or more.")})
    reason = (reason or "").strip()
    if str(number) != line.computed and not reason:
        raise ValidationError({"reason": _("Give the reason for the correction.")})
    before = [line.reported, line.reason]
    line.reported = line.computed if str(number) == line.computed else str(number)
    line.reason = "" if line.reported == line.computed else reason
    line.save(update_fields=["reported", "reason"])
    audit.record(
        actor=actor,
        action=audit.AuditAction.UPDATE,
        obj=ret,
        organization_id=ret.organization_id,
        changes={line.figure: [before[0], line.reported], "reason": [before[1], line.reason]},
    )
    return line


@transaction.atomic
def approve_return(*, actor: Any, ret: Return) -> Return:
    _require(actor, Perm.APPROVE, ret.organization_id)
    _editable(ret)
    ret.status, ret.approved_by, ret.approved_at = Status.APPROVED, actor, timezone.now()
    ret.save(update_fields=["status", "approved_by", "approved_at"])
    audit.record(
        actor=actor,
        action=audit.AuditAction.UPDATE,
        obj=ret,
        organization_id=ret.organization_id,
        changes={"status": [Status.DRAFT, Status.APPROVED]},
    )
    return ret


@transaction.atomic
def submit_return(*, actor: Any, ret: Return) -> Return:
    """Lock the approved return and send it to the parent federation; an earlier
    submitted version is superseded (kept)."""
    _require(actor, Perm.CHANGE, ret.organization_id)
    if ret.status != Status.APPROVED:
        raise ValidationError(_("A leader approves the return before it is submitted."))
    Return.objects.filter(
        organization_id=ret.organization_id, year=ret.year, status=Status.SUBMITTED
    ).update(status=Status.SUPERSEDED)
    ret.status, ret.submitted_by, ret.submitted_at = Status.SUBMITTED, actor, timezone.now()
    ret.save(update_fields=["status", "submitted_by", "submitted_at"])
    audit.record(
        actor=actor,
        action=audit.AuditAction.UPDATE,
        obj=ret,
        organization_id=ret.organization_id,
        changes={"status": [Status.APPROVED, Status.SUBMITTED]},
    )
    return ret


def differences(ret: Return) -> list[dict[str, str]]:
    """Figures whose live value now differs from what the return computed: records
    entered after the return (backdated into its year) or corrected since. They are
    reported, never added to a submitted return."""
    now, _at = computed_figures(ret.organization, ret.year)
    rows = []
    for line in ret.lines.all():
        live = now.get(line.figure)
        if live is not None and F.as_number(live) != F.as_number(line.computed):
            rows.append({"figure": line.figure, "in_return": line.computed, "now": live})
    return rows


@transaction.atomic
def import_return(*, payload: dict[str, Any], signer: str) -> Return:
    """A child's return received as a verified signed file (see signing.py)."""
    code = payload["org"]["code"]
    org = Organization.objects.filter(code=code).first()
    if org is None:
        raise ValidationError(
            _("No organisation with code %(code)s here: add it under its parent first.")
            % {"code": code}
        )
    year, version = int(payload["year"]), int(payload["version"])
    if Return.objects.filter(organization=org, year=year, version=version).exists():
        raise ValidationError(
            _("Version %(version)s of the %(year)s return of %(code)s is here already.")
            % {"version": version, "year": year, "code": code}
        )
    Return.objects.filter(organization=org, year=year, status=Status.SUBMITTED).update(
        status=Status.SUPERSEDED
    )
    ret = Return.objects.create(
        organization=org,
        year=year,
        version=version,
        status=Status.SUBMITTED,
        source=Source.IMPORTED,
        reason=payload.get("reason", ""),
        computed_at=parse_datetime(payload["computed_at"]),
        submitted_at=parse_datetime(payload["submitted_at"])
        if payload.get("submitted_at")
        else None,
        signer=signer,
    )
    ReturnLine.objects.bulk_create(
        ReturnLine(
            ret=ret,
            figure=line["figure"],
            computed=line["computed"],
            reported=line["reported"],
            reason=line.get("reason", ""),
            sort_order=i,
        )
        for i, line in enumerate(payload["lines"])
    )
    audit.record(
        actor=None,
        action=audit.AuditAction.CREATE,
        obj=ret,
        organization_id=org.pk,
        note=f"imported, signed by {signer}",
    )
    return ret
