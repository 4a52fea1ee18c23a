"""Builds the whole demo federation. Each domain adds its part here, in order."""

from __future__ import annotations

from collections.abc import Callable

from .activities import build_activities
from .casework import build_casework
from .members import build_members
from .notices import build_notices
from .orgs import build_tree
from .party import build_party
from .politics import build_politics
from .scorecards import build_scorecards
from .users import build_users, name_users


def build_all(
    *, seed: int, members: int, progress: Callable[[int, int], None] | None = None
) -> dict[str, int]:
    root, streets = build_tree()
    counts = build_members(
        seed=seed, members=members, root=root, streets=streets, progress=progress
    )
    counts.update(build_politics(seed=seed, root=root))
    counts.update(build_party(seed=seed, streets=streets))
    counts.update(build_scorecards(root=root, streets=streets))
    counts.update(build_activities(seed=seed, root=root, streets=streets))
    build_users()
    counts.update(build_casework(seed=seed, members=members, root=root, streets=streets))
    name_users()
    counts.update(build_notices())
    counts["organizations"] = 1 + len(streets)
    return counts
