"""Demo party-building records (非公党建): in each street chamber, about one member
enterprise in six with 50 or more employees has its own party branch, small neighbours
share a joint branch, and about one in ten more has an instructor. Deterministic per seed."""

from __future__ import annotations

import datetime
import random

from chamber.members.models import Membership, Person
from chamber.orgs.models import Organization
from chamber.party.models import PartyOrganization, PartyOrgKind, PartyProfile


def build_party(
    *, seed: int, streets: dict[str, Organization], today: datetime.date
) -> dict[str, int]:
    rng = random.Random(seed * 7919 + 18)
    made = profiles = 0
    for code in sorted(streets):
        street = streets[code]
        rows = list(
            Membership.objects.filter(
                organization=street, enterprise__isnull=False, left__isnull=True
            )
            .order_by("enterprise_id")
            .values_list("enterprise_id", "enterprise__name", "enterprise__employees", "joined")
            .distinct()
        )
        secretaries = dict(
            Person.objects.filter(enterprise_id__in=[r[0] for r in rows])
            .order_by("enterprise_id", "-id")
            .values_list("enterprise_id", "id")
        )
        people = sorted(set(secretaries.values()))
        small: list[tuple[int, datetime.date]] = []
        for ent_id, name, employees, joined in rows:
            founded = joined + datetime.timedelta(days=rng.randint(30, 900))
            if founded > today:
                continue
            if (employees or 0) >= 50 and rng.random() < 0.17:
                po = PartyOrganization.objects.create(
                    organization=street,
                    name=f"{name}党支部",
                    kind=PartyOrgKind.BRANCH,
                    founded=founded,
                    secretary_id=secretaries.get(ent_id),
                    members_count=rng.randint(3, 12),
                )
                po.enterprises.add(ent_id)
                made += 1
            elif rng.random() < 0.06:
                small.append((ent_id, founded))
            elif people and rng.random() < 0.1:
                PartyProfile.objects.create(
                    organization=street,
                    enterprise_id=ent_id,
                    party_members=rng.randint(0, 2),
                    instructor_id=rng.choice(people),
                    instructor_since=founded,
                )
                profiles += 1
        for i in range(0, len(small) - 2, 3):
            group = small[i : i + 3]
            po = PartyOrganization.objects.create(
                organization=street,
                name=f"{street.name}非公企业联合党支部（{i // 3 + 1}）",
                kind=PartyOrgKind.JOINT_BRANCH,
                founded=max(f for _e, f in group),
                members_count=rng.randint(3, 9),
            )
            po.enterprises.add(*[e for e, _f in group])
            made += 1
    return {"party_organizations": made, "party_profiles": profiles}
