"""Demo party-building records (非公党建): in each street chamber, about one member
enterprise in six with 50 or more employees has its own party branch, small neighbours
share a joint branch, and about one in ten more has an instructor.

Deterministic per seed, and the seed years' records do not depend on the load date:
each enterprise draws from its own generator (seed and credit code), and enterprises
are taken in the order they were created, so the later years' members come after."""

from __future__ import annotations

import datetime
import random

from chamber.members.models import Membership, Person
from chamber.orgs.models import Organization
from chamber.party.models import PartyOrganization, PartyOrgKind, PartyProfile


def build_party(
    *, seed: int, streets: dict[str, Organization], today: datetime.date
) -> dict[str, int]:
    made = profiles = 0
    done: set[int] = set()  # a member that moved streets is recorded once, by the first
    for code in sorted(streets):
        street = streets[code]
        rows: dict[int, tuple] = {}
        for ent_id, uscc, name, employees, joined in (
            Membership.objects.filter(organization=street, enterprise__isnull=False)
            .order_by("enterprise_id", "joined")
            .values_list(
                "enterprise_id",
                "enterprise__uscc",
                "enterprise__name",
                "enterprise__employees",
                "joined",
            )
        ):
            if ent_id not in done:
                rows.setdefault(ent_id, (uscc, name, employees, joined))
        done.update(rows)
        person_of = dict(
            Person.objects.filter(enterprise_id__in=list(rows))
            .order_by("enterprise_id", "-id")
            .values_list("enterprise_id", "id")
        )
        seen: list[int] = []  # people of the enterprises before this one
        small: list[tuple[int, datetime.date]] = []
        for ent_id, (uscc, name, employees, joined) in rows.items():
            rng = random.Random(f"{seed}:party:{uscc}")
            founded = joined + datetime.timedelta(days=rng.randint(30, 900))
            draw = rng.random()
            if founded <= today:
                if (employees or 0) >= 50 and draw < 0.17:
                    po = PartyOrganization.objects.create(
                        organization=street,
                        name=f"{name}党支部",
                        kind=PartyOrgKind.BRANCH,
                        founded=founded,
                        secretary_id=person_of.get(ent_id),
                        members_count=rng.randint(3, 12),
                    )
                    po.enterprises.add(ent_id)
                    made += 1
                elif draw > 0.94:
                    small.append((ent_id, founded))
                elif seen and draw < 0.1:
                    PartyProfile.objects.create(
                        organization=street,
                        enterprise_id=ent_id,
                        party_members=rng.randint(0, 2),
                        instructor_id=rng.choice(seen),
                        instructor_since=founded,
                    )
                    profiles += 1
            if ent_id in person_of:
                seen.append(person_of[ent_id])
        for i in range(0, len(small) - 2, 3):
            group = small[i : i + 3]
            po = PartyOrganization.objects.create(
                organization=street,
                name=f"{street.name}非公企业联合党支部（{i // 3 + 1}）",
                kind=PartyOrgKind.JOINT_BRANCH,
                founded=max(f for _e, f in group),
                members_count=3 + len(group),
            )
            po.enterprises.add(*[e for e, _f in group])
            made += 1
    return {"party_organizations": made, "party_profiles": profiles}
