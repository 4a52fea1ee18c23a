"""Demo self-assessments: the district's 五好 for 2016 and Xixiang's 双强 for 2016 (their
computed indicators come from the demo's records; manual ones are left to score)."""

from __future__ import annotations

from chamber.orgs.models import Organization
from chamber.scorecards.models import Assessment, Scheme


def build_scorecards(*, root: Organization, streets: dict[str, Organization]) -> dict[str, int]:
    made = [
        Assessment.objects.create(
            scheme=Scheme.objects.get(code="wuhao-county"), organization=root, year=2016
        )
    ]
    if "xixiang" in streets:
        made.append(
            Assessment.objects.create(
                scheme=Scheme.objects.get(code="shuangqiang"),
                organization=streets["xixiang"],
                year=2016,
            )
        )
    return {"self_assessments": len(made)}
