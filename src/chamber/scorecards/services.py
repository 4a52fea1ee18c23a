"""Self-assessments: start one, score manual indicators with evidence, and compute the
scorecard (computed indicators from the annual report's figures)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chamber.core import audit
from chamber.core.models import AuditAction
from chamber.orgs.choices import Perm
from chamber.orgs.models import Organization
from chamber.orgs.scope import require
from chamber.reports.annual import annual_report

from .models import Assessment, Evidence, Indicator, ManualScore, Method, Scheme
from .registry import FIGURES, resolve

FIRST_YEAR = 2000
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024


@transaction.atomic
def start_assessment(
    *, actor: Any, scheme: Scheme, organization: Organization, year: int
) -> Assessment:
    require(actor, Perm.CHANGE, organization.pk)
    if not isinstance(year, int) or not FIRST_YEAR <= year <= timezone.localdate().year:
        raise ValidationError({"year": _("Enter a year from 2000 to this year.")})
    if Assessment.objects.filter(scheme=scheme, organization=organization, year=year).exists():
        raise ValidationError(
            {"year": _("This organisation has a self-assessment for that scheme and year.")}
        )
    try:
        with transaction.atomic():
            a = Assessment.objects.create(
                scheme=scheme,
                organization=organization,
                year=year,
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
    except IntegrityError as e:  # a concurrent start of the same one
        raise ValidationError(
            {"year": _("This organisation has a self-assessment for that scheme and year.")}
        ) from e
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=a,
        organization_id=organization.pk,
        changes={"scheme": scheme.code, "year": year},
    )
    return a


@transaction.atomic
def score_indicator(
    *,
    actor: Any,
    assessment: Assessment,
    indicator: Indicator,
    score: Any,
    note: str = "",
    files: list[Any] = (),
) -> ManualScore:
    """Set a manual indicator's score (0 to its weight) and attach evidence files."""
    require(actor, Perm.CHANGE, assessment.organization_id)
    if indicator.dimension.scheme_id != assessment.scheme_id or indicator.method != Method.MANUAL:
        raise ValidationError({"indicator": _("Not a manual indicator of this scheme.")})
    try:
        value = Decimal(str(score)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as e:
        raise ValidationError({"score": _("Enter a number.")}) from e
    if not Decimal(0) <= value <= indicator.weight:
        raise ValidationError(
            {"score": _("Enter a score from 0 to %(max)s.") % {"max": indicator.weight}}
        )
    for f in files:
        if f.size > MAX_EVIDENCE_BYTES:
            raise ValidationError({"files": _("%(name)s is larger than 20 MB.") % {"name": f.name}})
    row, created = ManualScore.objects.select_for_update().get_or_create(
        assessment=assessment, indicator=indicator, defaults={"score": value, "note": note}
    )
    before = None if created else str(row.score)
    row.score, row.note = value, note
    row.save()
    for f in files:
        Evidence.objects.create(score=row, file=f, name=f.name[:200])
    audit.record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=assessment,
        organization_id=assessment.organization_id,
        changes={
            "indicator": indicator.name,
            "score": [before, str(value)],
            "evidence": [f.name for f in files],
        },
    )
    return row


@dataclass
class Line:
    indicator: Indicator
    figure: Any = None  # registry.Figure for computed ones
    value: Any = None
    met: bool | None = None
    score: Decimal | None = None
    manual: ManualScore | None = None
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Card:
    assessment: Assessment
    report: dict[str, Any]
    dimensions: list[tuple[Any, list[Line], Decimal]]
    total: Decimal
    maximum: Decimal
    unscored: int


def scorecard(assessment: Assessment) -> Card:
    """Every indicator's value, threshold and score: a computed one earns its weight when
    its figure meets the threshold, a manual one what was scored (none while unscored)."""
    report = annual_report(assessment.organization, assessment.year)
    manual = {s.indicator_id: s for s in assessment.scores.prefetch_related("evidence")}
    dims = []
    total = maximum = Decimal(0)
    unscored = 0
    for dim in assessment.scheme.dimensions.prefetch_related("indicators"):
        lines = []
        subtotal = Decimal(0)
        for ind in dim.indicators.all():
            line = Line(ind)
            maximum += ind.weight
            if ind.method == Method.COMPUTED:
                line.figure = FIGURES.get(ind.figure)
                line.value = resolve(report, ind.figure)
                line.met = ind.met(line.value)
                line.score = ind.weight if line.met else Decimal(0)
            else:
                line.manual = manual.get(ind.pk)
                if line.manual is None:
                    unscored += 1
                else:
                    line.score = line.manual.score
                    line.evidence = list(line.manual.evidence.all())
            subtotal += line.score or 0
            lines.append(line)
        total += subtotal
        dims.append((dim, lines, subtotal))
    return Card(assessment, report, dims, total, maximum, unscored)
