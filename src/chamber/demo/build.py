"""Builds the whole demo federation. Each domain adds its part here, in order: first the
seed years (2013–2017) from the seed's generators, then the later years up to the load
date (timeline.py), each from a generator of its own."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from chamber.core.changes import written_in_bulk

from .activities import build_activities_later, build_activities_seed
from .casework import build_casework, build_casework_later
from .members import build_members, build_members_later
from .notices import build_notices
from .orgs import build_tree
from .party import build_party
from .politics import build_politics, build_politics_later
from .portal import build_portal
from .scorecards import build_scorecards
from .timeline import DemoCalendar, default_today
from .users import build_users, name_users


def build_all(
    *,
    seed: int,
    members: int,
    today: datetime.date | None = None,
    progress: Callable[[int, int], None] | None = None,
    through_engine: bool = False,
) -> dict[str, int]:
    """`through_engine`: the cases take their steps through the step engine, one by
    one, instead of being written in bulk (several times slower; docs/casework.md)."""
    demo = DemoCalendar(today or default_today())
    root, streets = build_tree()
    counts = build_members(
        seed=seed, members=members, root=root, streets=streets, progress=progress
    )
    counts.update(build_politics(seed=seed, root=root, demo=demo))
    counts.update(build_activities_seed(seed=seed, root=root, streets=streets, demo=demo))
    build_users()
    counts.update(
        build_casework(
            seed=seed,
            members=members,
            root=root,
            streets=streets,
            demo=demo,
            through_engine=through_engine,
        )
    )
    # The years after the seed years; the members first, as everything else draws on them.
    counts.update(build_members_later(seed=seed, demo=demo))
    counts.update(build_politics_later(seed=seed, root=root, demo=demo))
    counts.update(build_activities_later(seed=seed, root=root, streets=streets, demo=demo))
    counts.update(
        build_casework_later(
            seed=seed,
            members=members,
            root=root,
            streets=streets,
            demo=demo,
            through_engine=through_engine,
        )
    )
    # party building over every year's members, then the self-assessments over it all
    counts.update(build_party(seed=seed, streets=streets, today=demo.today))
    counts.update(build_scorecards(root=root, streets=streets))
    name_users()
    counts.update(build_notices(today=demo.today))
    counts.update(build_portal(seed=seed, root=root, today=demo.today))
    counts["organizations"] = 1 + len(streets)
    written_in_bulk("members")  # the demo writes in bulk: stored figures are stale
    return counts
